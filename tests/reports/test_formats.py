"""The four formats, opened the way a reader would: PDF text, Word tables, Excel sheets, HTML.

Each says the same numbers as the snapshot, lists exactly the red and amber actions as exceptions, carries RAG as
a word, and is the same file whenever generated (only the generation time may differ).
"""

import re
import zipfile
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tests.conftest import pdf_to_text
from tests.factories import create_update
from tests.reports.plan_builder import (
    FORMULA_NARRATIVE,
    FORMULA_NEXT_STEPS,
    FORMULA_RISKS,
    FORMULA_TITLE,
    add_later_history,
    build_report_plan,
)
from wsoa.domain.snapshot import take_snapshot
from wsoa.extensions import db
from wsoa.reports.assemble import ReportOptions
from wsoa.reports.html import inline_svg
from wsoa.reports.rag_chart import rag_bar_png, rag_bar_svg
from wsoa.services.reports import build_report, load_report_source, write_report

AT = datetime(2021, 10, 5, 9, 0, tzinfo=UTC)
MARGIN = 39.685  # points: the PDF's 14 mm side margins
RAG_KEYS = ("red", "amber", "green", "blue", "none")
CHANGE_KEYS = ("improved", "worsened", "unchanged", "newly complete", "newly rated")


@pytest.fixture
def built(database):
    return build_report_plan()


def make_report(built, at=AT, **options):
    source = load_report_source(built.plan.id)
    return build_report(
        source, ReportOptions(period_id=built.q2.id, **options), generated_by="Officer", generated_at=at
    )


@pytest.fixture
def expected(built):
    """The numbers the summary must show, computed straight from the domain snapshot."""
    source = load_report_source(built.plan.id)
    snapshot = take_snapshot(
        actions=source.actions,
        updates=source.updates,
        periods=[p.record for p in source.periods],
        period_id=built.q2.id,
    )
    distribution = snapshot.distribution()
    changes = snapshot.changes()
    missing = sum(1 for a in snapshot.not_updated if a.rag != "blue")
    return {
        "rag_row": [*(distribution[k] for k in RAG_KEYS), len(snapshot.actions), len(snapshot.overdue), missing],
        "change_row": [changes[k] for k in CHANGE_KEYS],
        "exceptions": [a.action.ref for a in snapshot.exceptions],
    }


def pdf_text(data: bytes) -> str:
    return pdf_to_text(data, "-layout")


def numbers_after(label: str, text: str) -> list[list[int]]:
    """Every row of a PDF table that starts with `label`, as its numbers."""
    return [
        [int(n) for n in match.group(1).split()]
        for match in re.finditer(rf"^\s*{re.escape(label)}((?:\s+\d+)+)\s*$", text, re.MULTILINE)
    ]


def refs_between(text: str, start: str, end: str) -> list[str]:
    section = text[text.index(start) : text.index(end)]
    return re.findall(r"^\s*(\d+\.\d+\.\d+)\s", section, re.MULTILINE)


# --- PDF ----------------------------------------------------------------------------------------------------------


@pytest.mark.slow  # typesets a PDF
def test_pdf_summary_numbers_and_exceptions_match_the_snapshot(built, expected):
    data = write_report(make_report(built), "pdf")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    rag_row, change_row = numbers_after("Whole plan", text)
    assert rag_row == expected["rag_row"]
    assert change_row == expected["change_row"]
    kpi_statuses = dict(re.findall(r"^\s*(Off track|At risk|On track|Target met|No data)\s+(\d+)\s*$", text, re.M))
    assert kpi_statuses == {"Off track": "2", "At risk": "0", "On track": "0", "Target met": "0", "No data": "1"}
    assert refs_between(text, "Red and amber actions (4)", "Completion dates moved") == expected["exceptions"]


@pytest.mark.slow  # typesets a PDF
def test_pdf_has_page_numbers_a_running_header_and_rag_words(built):
    text = pdf_text(write_report(make_report(built), "pdf"))
    pages = text.split("\f")[:-1]
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    for page in pages[1:]:
        assert "Testshire Written Statement of Action – Board progress report: Q2 2021/22" in page
    assert "Position as at 30 Sep 2021" in " ".join(pages[0].split())
    for word in ("Red", "Amber", "Green", "Blue", "Not rated"):
        assert word in text


@pytest.mark.slow  # typesets a PDF
def test_pdf_repeats_table_headings_when_a_table_runs_onto_another_page(built):
    from wsoa.reports.assemble import Appendix

    report = make_report(built)
    long_list = Appendix(roles=report.appendix.roles, actions=report.appendix.actions * 12)
    text = pdf_text(write_report(_replace(report, appendix=long_list), "pdf"))
    start = text.index("Appendix B: full action list")
    pages_with_list = [page for page in text[start:].split("\f") if re.search(r"^\s*\d+\.\d+\.\d+\s", page, re.M)]
    assert len(pages_with_list) > 1
    for page in pages_with_list:
        assert re.search(r"^\s*Ref\s+Action\s+Lead\s+Due\s+RAG", page, re.M), "every page of the table has its headings"


@pytest.mark.slow  # typesets a PDF
def test_pdf_tables_stay_inside_the_page_margins(built):
    """Every word sits inside the page's side margins: a table wider than the page would be cut off at its edge."""
    words = "Delivered as planned this period and reported to the SEND Partnership Board with the minutes attached."
    create_update(action=built.actions["2.1.1"], period=built.q2, rag="green", narrative=" ".join([words] * 3))
    data = write_report(make_report(built), "pdf")
    html = BeautifulSoup(pdf_to_text(data, "-bbox"), "html.parser")
    for page in html.find_all("page"):
        width = float(page["width"])
        for word in page.find_all("word"):
            assert MARGIN - 1 <= float(word["xmin"]) <= float(word["xmax"]) <= width - MARGIN + 1, word.text


def _replace(report, **changes):
    import dataclasses

    return dataclasses.replace(report, **changes)


# --- Word ---------------------------------------------------------------------------------------------------------


def docx_table(document, first_headings: list[str]):
    for table in document.tables:
        headings = [cell.text for cell in table.rows[0].cells]
        if headings[: len(first_headings)] == first_headings:
            return table
    raise AssertionError(f"no table headed {first_headings}")


def cell_fill(cell) -> str | None:
    shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return shading.get(qn("w:fill")) if shading is not None else None


def test_word_summary_numbers_and_exceptions_match_the_snapshot(built, expected):
    document = Document(BytesIO(write_report(make_report(built), "docx")))
    rag_table = docx_table(document, ["Priority", "Red", "Amber"])
    assert rag_table.rows[-1].cells[0].text == "Whole plan"
    assert [int(c.text) for c in rag_table.rows[-1].cells[1:]] == expected["rag_row"]
    change_table = docx_table(document, ["Priority", "Improved"])
    assert [int(c.text) for c in change_table.rows[-1].cells[1:]] == expected["change_row"]
    exceptions = docx_table(document, ["Ref", "Action", "Lead", "Due", "RAG", "Progress", "Next steps"])
    assert [row.cells[0].text for row in exceptions.rows[1:]] == expected["exceptions"]


def test_word_has_real_headings_landscape_a4_and_shaded_rag_cells_with_the_word(built):
    document = Document(BytesIO(write_report(make_report(built), "docx")))
    section = document.sections[0]
    assert section.page_width > section.page_height
    assert round(section.page_width.mm) == 297
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Summary" in headings
    assert "Priority 1: Weak strategic leadership" in headings
    assert "Red and amber actions (4)" in headings
    exceptions = docx_table(document, ["Ref", "Action", "Lead", "Due", "RAG", "Progress", "Next steps"])
    rag_cells = [(row.cells[4].text, cell_fill(row.cells[4])) for row in exceptions.rows[1:]]
    assert rag_cells == [("Red", "D4351C"), ("Red", "D4351C"), ("Amber", "F47738"), ("Amber", "F47738")]
    header_row = exceptions.rows[0]._tr
    assert header_row.trPr.find(qn("w:tblHeader")) is not None, "the heading row repeats on every page"
    assert exceptions.rows[1]._tr.trPr.find(qn("w:cantSplit")) is not None, "rows do not split across pages"
    assert len(document.inline_shapes) >= 3, "a RAG bar for the plan and each priority"
    assert "Page" in section.footer.paragraphs[0].text


# --- Excel --------------------------------------------------------------------------------------------------------


def test_excel_summary_numbers_and_exceptions_match_the_snapshot(built, expected):
    workbook = load_workbook(BytesIO(write_report(make_report(built), "xlsx")))
    summary = workbook["Summary"]
    rows = list(summary.iter_rows(min_row=3, values_only=True))
    whole = next(row for row in rows if row[0] == "All")
    # Priority, title, 5 RAG counts, total, 5 changes, overdue, updates missing.
    assert [*whole[2:8], whole[13], whole[14]] == expected["rag_row"]
    assert list(whole[8:13]) == expected["change_row"]
    exceptions = workbook["Exceptions"]
    assert [row[1] for row in exceptions.iter_rows(min_row=3, values_only=True)] == expected["exceptions"]


def test_excel_has_a_sheet_per_section_frozen_headings_filters_and_rag_fills_with_words(built):
    workbook = load_workbook(BytesIO(write_report(make_report(built), "xlsx")))
    assert workbook.sheetnames == [
        "Cover",
        "Summary",
        "KPIs",
        "Actions by priority",
        "Exceptions",
        "Slipped",
        "Overdue",
        "Completed",
        "Due next period",
        "Checks",
        "Key roles",
        "Action list",
        "Evidence files",
    ]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A3", sheet.title
        assert (sheet.auto_filter.ref or "").startswith("A2:"), sheet.title
    exceptions = workbook["Exceptions"]
    rag = [(row[5].value, row[5].fill.fgColor.rgb) for row in exceptions.iter_rows(min_row=3)]
    assert rag == [("Red", "FFD4351C"), ("Red", "FFD4351C"), ("Amber", "FFF47738"), ("Amber", "FFF47738")]
    slipped = list(workbook["Slipped"].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[4].date().isoformat(), r[5].date().isoformat(), r[7]) for r in slipped] == [
        ("1.1.2", "2021-12-31", "2022-03-31", "Recruitment delayed")
    ]


def test_excel_cells_starting_with_formula_characters_are_text_not_formulas(built):
    data = write_report(make_report(built), "xlsx")
    with zipfile.ZipFile(BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in package.read(name).decode("utf-8"), f"a formula in {name}"
    workbook = load_workbook(BytesIO(data))
    found = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value in (FORMULA_TITLE, FORMULA_NARRATIVE, FORMULA_NEXT_STEPS, FORMULA_RISKS):
                    assert cell.data_type == "s"
                    found[cell.value] = True
    assert set(found) == {FORMULA_TITLE, FORMULA_NARRATIVE, FORMULA_NEXT_STEPS, FORMULA_RISKS}


# --- HTML ---------------------------------------------------------------------------------------------------------


def test_standalone_html_summary_and_exceptions_match_the_snapshot(built, expected):
    soup = BeautifulSoup(write_report(make_report(built), "html").decode("utf-8"), "html5lib")
    whole = soup.select_one("#summary-rag tfoot tr")
    assert [int(td.text) for td in whole.select("td")] == expected["rag_row"]
    change = soup.select_one("#summary-change tfoot tr")
    assert [int(td.text) for td in change.select("td")] == expected["change_row"]
    assert [tr.select_one("td").text for tr in soup.select("#red-amber tbody tr")] == expected["exceptions"]
    assert soup.select("#red-amber tbody tr")[0].select("td")[2].text == "Red"
    assert not soup.select("script"), "the standalone document runs nothing"
    charts = [figure["aria-label"] for figure in soup.select("[role=img][aria-label]")]
    assert len([c for c in charts if "Not rated" in c]) == 3, "a RAG bar for the plan and each priority"
    assert len([c for c in charts if c.startswith("Trend of ")]) == 2, "a trend chart for each KPI with values"


def test_a_hostile_plan_title_cannot_break_out_of_the_pdf_stylesheet(database):
    built = build_report_plan(title='Plan "</style><script>alert(1)</script>\\')
    html = write_report(make_report(built), "html").decode("utf-8")
    style = html[html.index("<style>") : html.index("</style>")]
    assert "<script>" not in style
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


# --- the same whenever generated ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", pytest.param("pdf", marks=pytest.mark.slow), "docx", "xlsx"])
def test_every_format_is_identical_after_later_history_at_the_same_generation_time(built, fmt):
    first = write_report(make_report(built), fmt)
    add_later_history(built)
    assert write_report(make_report(built), fmt) == first


def test_only_the_generation_time_differs_between_two_generations(built):
    first = make_report(built, at=AT)
    add_later_history(built)
    later = make_report(built, at=AT + timedelta(days=200, hours=3))
    first_html = write_report(first, "html").decode("utf-8").replace(first.generated_at_display, "GENERATED")
    later_html = write_report(later, "html").decode("utf-8").replace(later.generated_at_display, "GENERATED")
    assert first_html.replace(first.generated_at.isoformat(), "ISO") == later_html.replace(
        later.generated_at.isoformat(), "ISO"
    )
    # Layout mode pads with spaces to where words sit on the page: compare the words.
    first_pdf = pdf_text(write_report(first, "pdf")).replace(first.generated_at_display, "GENERATED").split()
    later_pdf = pdf_text(write_report(later, "pdf")).replace(later.generated_at_display, "GENERATED").split()
    assert first_pdf == later_pdf


# --- charts ---------------------------------------------------------------------------------------------------------


def test_rag_bar_is_deterministic_and_says_every_rating_in_words():
    distribution = {"red": 2, "amber": 3, "green": 5, "blue": 1, "none": 0}
    svg = rag_bar_svg(distribution)
    assert svg == rag_bar_svg(distribution)
    assert svg.startswith("<svg")
    for words in ("Red 2", "Amber 3", "Green 5", "Blue 1", "Not rated 0"):
        assert words in svg
    assert rag_bar_png(distribution) == rag_bar_png(distribution)
    assert rag_bar_png(distribution).startswith(b"\x89PNG")


def test_inlined_svg_has_no_style_attributes_or_elements_and_unique_ids():
    svg = inline_svg(rag_bar_svg({"red": 1, "amber": 0, "green": 1, "blue": 0, "none": 0}), "chart-plan")
    assert "style=" not in svg
    assert "<style" not in svg
    assert "<?xml" not in svg
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids
    assert all(i.startswith("chart-plan-") for i in ids)
    for reference in re.findall(r"url\(#([^)]+)\)", svg):
        assert reference in ids


@pytest.mark.slow  # typesets a PDF
def test_pdf_never_splits_a_table_row_across_pages(built):
    """Each row of every table lands whole on one page: long narratives push page breaks between rows, not into them."""
    for ref, action in built.actions.items():
        tag = "w" + ref.replace(".", "")
        narrative = " ".join(f"{tag}n{n:02d}" for n in range(60))  # eight or so lines in the narrative column
        create_update(action=action, period=built.q2, rag="amber", narrative=narrative)
    data = write_report(make_report(built), "pdf")
    bbox = pdf_to_text(data, "-bbox")
    pages_of: dict[str, list[int]] = {}
    for number, page in enumerate(BeautifulSoup(bbox, "html.parser").find_all("page")):
        for word in page.find_all("word"):
            pages_of.setdefault(word.text, []).append(number)
    page_count = len({p for pages in pages_of.values() for p in pages})
    assert page_count > 3, "the long narratives run the tables over several pages"
    for ref in built.actions:
        tag = "w" + ref.replace(".", "")
        first, last = pages_of[f"{tag}n00"], pages_of[f"{tag}n59"]
        assert len(first) == len(last) >= 1, f"{ref}: every copy of the narrative is printed whole"
        assert first == last, f"{ref}: a row's narrative starts on one page and ends on another"


@pytest.mark.slow  # typesets a PDF
def test_a_report_counting_demo_data_says_so_in_every_format(built):
    plain = make_report(built)
    assert not plain.cover.demo_data
    assert "Demo data" not in pdf_text(write_report(plain, "pdf"))
    create_update(action=built.actions["2.1.1"], period=built.q2, rag="green", narrative="Illustrative", source="demo")
    db.session.commit()
    report = make_report(built)
    assert report.cover.demo_data
    warning = "Demo data: this report counts illustrative updates and KPI values, not a real position."
    assert warning in " ".join(pdf_text(write_report(report, "pdf")).split())
    html = BeautifulSoup(write_report(report, "html"), "html.parser")
    assert warning in " ".join(html.select_one("#demo-data-warning").get_text().split())
    assert warning in [p.text for p in Document(BytesIO(write_report(report, "docx"))).paragraphs]
    cover = load_workbook(BytesIO(write_report(report, "xlsx"))).worksheets[0]
    assert ["Demo data", warning] in [[c.value for c in row[:2]] for row in cover.iter_rows()]
