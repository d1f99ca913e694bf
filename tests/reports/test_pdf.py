"""The board paper's PDF: tagged PDF/UA-1, plan text printed literally (never read as Typst), worded as elsewhere."""

import dataclasses
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime
from io import BytesIO

import pikepdf
import pytest
from bs4 import BeautifulSoup
from docx import Document
from openpyxl import load_workbook

from tests.conftest import pdf_to_text
from tests.reports.plan_builder import build_report_plan
from wsoa.extensions import db
from wsoa.models import Kpi, KpiValue
from wsoa.reports.assemble import ReportOptions
from wsoa.reports.pdf import paper_data
from wsoa.services.reports import build_report, load_report_source, write_report

pytestmark = pytest.mark.slow  # nearly every test here typesets a PDF

AT = datetime(2021, 10, 5, 9, 0, tzinfo=UTC)
TITLE = "Testshire Written Statement of Action – Board progress report: Q2 2021/22"


@pytest.fixture
def built(database):
    return build_report_plan()


def make_report(built, **options):
    source = load_report_source(built.plan.id)
    return build_report(
        source, ReportOptions(period_id=built.q2.id, **options), generated_by="Officer", generated_at=AT
    )


def raw_text(data: bytes) -> str:
    """The PDF's text in the order it is written (a cell's lines stay together), all whitespace removed."""
    return "".join(pdf_to_text(data, "-raw").split())


# --- tagged, accessible -------------------------------------------------------------------------------------------


def structure(pdf: pikepdf.Pdf) -> tuple[Counter, list, list[str]]:
    """Counts of the structure tree's element types, the header cells' scopes and every figure's alt text."""
    kinds: Counter = Counter()
    scopes: list = []
    alts: list[str] = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary):
            kind = node.get("/S")
            if kind is not None:
                kinds[str(kind)] += 1
                if str(kind) == "/TH":
                    attributes = node.get("/A")
                    attributes = attributes if isinstance(attributes, pikepdf.Array) else [attributes]
                    scopes.extend(str(a.get("/Scope")) for a in attributes if a is not None and "/Scope" in a)
                if str(kind) == "/Figure":
                    alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node["/K"])

    walk(pdf.Root.StructTreeRoot)
    return kinds, scopes, alts


def test_the_pdf_is_tagged_pdf_ua_1_with_title_language_headings_table_headers_and_alt_text(built):
    pdf = pikepdf.open(BytesIO(write_report(make_report(built), "pdf")))
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "en-GB"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True, "viewers show the title, not the file name"
    assert str(pdf.docinfo.Title) == TITLE
    with pdf.open_metadata() as meta:
        assert meta["dc:title"] == TITLE
        assert meta["pdfuaid:part"] == "1"
    kinds, scopes, alts = structure(pdf)
    assert kinds["/H1"] == 1
    assert kinds["/H2"] >= 8, "summary, each priority, exceptions, completed, due next, checks, appendix"
    assert kinds["/H3"] >= 6
    assert kinds["/Table"] >= 10
    assert kinds["/TH"] >= 5 * kinds["/Table"] // 2, "each table's headings are header cells"
    assert kinds["/TD"] > kinds["/TH"]
    assert set(scopes) == {"/Column"}
    assert len(alts) == kinds["/Figure"] >= 3, "the plan's RAG bar, each priority's, and the KPI trends"
    assert all(alt for alt in alts)
    assert "Whole plan: 2 Red, 2 Amber, 2 Green, 2 Blue, 1 Not rated (9 actions)" in alts
    assert any(alt.startswith("Trend of ") for alt in alts)
    # Bookmarks from the headings.
    with pdf.open_outline() as outline:
        titles = []
        items = list(outline.root)
        while items:
            item = items.pop(0)
            titles.append(item.title)
            items[:0] = list(item.children)
    assert titles[0] == "Testshire Written Statement of Action"
    assert titles[1] == "Summary"
    assert any(t.startswith("Priority 1: Weak strategic leadership") for t in titles)
    assert any(t.startswith("Exceptions") for t in titles)


# --- plan text is data, never markup --------------------------------------------------------------------------------

HOSTILE = (
    '*bold* _em_ #import "@preview/cetz:0.3.0": * #read("/etc/passwd") #panic("no") $x^2$ @ref <label> '
    "[bracket] {brace} \\ back\\slash \"double\" 'single' = Heading // comment /* c */ `raw` ~ --- #{1+1}"
)
# Values the report uses as keys or codes, not as text to print.
CODES = {"rag", "previous_rag", "change", "status", "direction", "check"}


def hostile(value, tags: list[str]):
    """The same report with every piece of text replaced by the hostile text, each tagged so it can be found."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: hostile(getattr(value, f.name), tags)
            for f in dataclasses.fields(value)
            if f.name not in CODES and f.init
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, str):
        tags.append(f"Q{len(tags)}Q")
        return f"{tags[-1]} {HOSTILE}"
    if isinstance(value, tuple):
        return tuple(hostile(item, tags) for item in value)
    return value


def test_text_with_typst_markup_in_every_field_is_printed_literally(built):
    tags: list[str] = []
    report = hostile(make_report(built), tags)
    assert len(tags) > 150
    data = write_report(report, "pdf")
    text = raw_text(data)
    literal = "".join(HOSTILE.split())
    printed = re.findall(r"Q\d+Q", text)
    assert len(printed) > 100, "the hostile text is printed wherever the paper prints text"
    for match in re.finditer(r"Q\d+Q", text):
        rest = text[match.end() : match.end() + len(literal)]
        if rest != literal:  # a KPI's name in a chart's caption is cut short, as on the web page
            assert "…" in rest, f"{match.group()} printed as written"
            assert literal.startswith(rest[: rest.index("…")]), f"{match.group()} printed as written"
    assert "root:" not in text, "no file is read"
    # Every kind of text the paper prints: the plan, a priority, an action and its narrative, a KPI, a key role.
    cover, priority = report.cover, report.priorities[0]
    action, role = priority.actions[0], report.appendix.roles[0]
    fields = (cover.plan_title, priority.title, action.title, action.narrative, action.lead, role.person)
    for field in (*fields, priority.kpis[0].name, report.checks.lines[0].message):
        assert field.split()[0] in printed, field
    pdf = pikepdf.open(BytesIO(data))
    assert str(pdf.docinfo.Title).startswith(report.cover.plan_title)


def test_the_template_is_compiled_with_its_own_folder_as_root_and_imports_no_package():
    from wsoa.reports.pdf import TEMPLATE, TEMPLATE_DIR

    assert [p.name for p in TEMPLATE_DIR.iterdir()] == [TEMPLATE.name], "nothing else the template could read"
    source = TEMPLATE.read_text()
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    for construct in ("#import", "#include", "read(", "eval(", "@preview"):
        assert construct not in code


# --- one way to word things, in every format ------------------------------------------------------------------------


def test_kpi_values_read_the_same_in_every_format_and_on_the_kpi_page(built, client, login_as):
    priority_id = built.kpis["waits"].priority_id
    rate = Kpi(priority_id=priority_id, name="Exclusions rate", text="Exclusions", unit="rate per 10,000")
    rate.direction, rate.target_value, rate.target_date = "lower", 4, date(2022, 3, 31)
    wait = Kpi(priority_id=priority_id, name="Days to first contact", text="Days", unit="days", direction="lower")
    db.session.add_all([rate, wait])
    db.session.flush()
    recorded = datetime(2021, 9, 30, 12, tzinfo=UTC)
    db.session.add_all(
        [
            KpiValue(kpi_id=rate.id, on=date(2021, 9, 30), value=6.2, created_at=recorded),
            KpiValue(kpi_id=wait.id, on=date(2021, 9, 30), value=1, created_at=recorded),
        ]
    )
    db.session.commit()
    report = make_report(built)
    expected = ("6.2 per 10,000 (30 Sep 2021)", "4 per 10,000 by 31 Mar 2022", "1 day (30 Sep 2021)")

    pdf = " ".join(pdf_to_text(write_report(report, "pdf"), "-layout").split())
    html = " ".join(BeautifulSoup(write_report(report, "html"), "html.parser").get_text(" ").split())
    word = " ".join(
        cell.text
        for table in Document(BytesIO(write_report(report, "docx"))).tables
        for row in table.rows
        for cell in row.cells
    )
    for text in (pdf, html, word):
        for words in expected:
            assert words in text
        assert not re.search(r"\d rate per 10,000", text), "a value reads '6.2 per 10,000', not '6.2 rate per 10,000'"
        assert not re.search(r"\b1 days", text)
    sheet = load_workbook(BytesIO(write_report(report, "xlsx")))["KPIs"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=3)}
    assert rows["Exclusions rate"][2].value == 6.2
    assert rows["Exclusions rate"][2].number_format == 'General" per 10,000"'
    assert rows["Days to first contact"][2].number_format == '[=1]General" day";General" days"'

    login_as("viewer")
    page = " ".join(BeautifulSoup(client.get(f"/kpis/{rate.id}").data, "html.parser").get_text(" ").split())
    assert "6.2 per 10,000" in page
    page = " ".join(BeautifulSoup(client.get(f"/kpis/{wait.id}").data, "html.parser").get_text(" ").split())
    assert "1 day for 30 Sep 2021" in page


# --- defects seen in the paper --------------------------------------------------------------------------------------


def test_the_demo_warning_has_no_stray_warning_label_in_the_pdf_or_the_html_file(built):
    from tests.factories import create_update

    create_update(action=built.actions["2.1.1"], period=built.q2, rag="green", narrative="Illustrative", source="demo")
    db.session.commit()
    report = make_report(built)
    pdf = " ".join(pdf_to_text(write_report(report, "pdf")).split())
    assert "Demo data: this report counts" in pdf
    assert "Warning" not in pdf
    html = write_report(report, "html").decode("utf-8")
    style = html[html.index("<style>") : html.index("</style>")]
    assert ".govuk-visually-hidden" in style, "the standalone file hides the label screen readers hear"


def test_the_paper_says_as_at_beside_its_overdue_figure(built):
    report = make_report(built)
    html = BeautifulSoup(write_report(report, "html"), "html.parser")
    assert " ".join(html.select_one('[data-figure="overdue"]').get_text(" ").split()) == "2 overdue as at 30 Sep 2021"
    assert paper_data(report)["summary"]["figures"][1] == ["2", "overdue as at 30 Sep 2021"]


def test_the_change_table_says_why_nothing_improved_when_the_earlier_period_rated_nothing(built):
    report = make_report(built)
    assert report.summary.plan.changes["improved"] == 1
    assert report.summary.change_note is None, "Q1 rated actions: the counts speak for themselves"
    from tests.factories import create_period

    first = create_period(plan=built.plan, label="Q4 2020/21", current=False, position=-1)
    first.start_date, first.end_date = date(2021, 1, 1), date(2021, 3, 31)
    db.session.commit()
    source = load_report_source(built.plan.id)
    q1 = ReportOptions(period_id=built.q1.id)
    q1_report = build_report(source, q1, generated_by="Officer", generated_at=AT)
    note = q1_report.summary.change_note
    assert note is not None
    assert note.startswith("No action had a RAG rating for Q4 2020/21, so none can show as improved or worsened")
    html = BeautifulSoup(write_report(q1_report, "html"), "html.parser")
    assert html.select_one("#change-note").text == note


def test_starting_the_cli_or_the_app_imports_no_typst_charts_or_word_writer():
    code = (
        "import sys; import wsoa.cli; from wsoa import create_app; from config import Test; create_app(Test()); "
        "print(sorted(m for m in ('typst', 'matplotlib', 'docx', 'pikepdf', 'wsoa.reports.pdf', 'wsoa.reports.docx', "
        "'wsoa.reports.xlsx') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True, timeout=120)
    assert result.stdout.strip() == "[]"


def test_the_pdf_has_the_html_papers_sections_in_the_same_order(built):
    report = make_report(built)
    html = BeautifulSoup(write_report(report, "html"), "html.parser")
    html_sections = [" ".join(h.get_text().split()) for h in html.select("#board-report h2") if h.text != "Contents"]
    pdf = pikepdf.open(BytesIO(write_report(report, "pdf")))
    with pdf.open_outline() as outline:
        (plan,) = outline.root
        pdf_sections = [item.title for item in plan.children]
    assert pdf_sections == html_sections
    assert pdf_sections[0] == "Summary"
    assert pdf_sections[-1] == "Appendix C: evidence files"
    assert len(pdf_sections) == 2 + len(report.priorities) + 6, "summary, priorities, exceptions ... appendix C"


def test_text_extraction_finds_every_priority_title_action_ref_and_rag_word(built):
    report = make_report(built)
    text = " ".join(pdf_to_text(write_report(report, "pdf")).split())
    for section in report.priorities:
        assert f"Priority {section.number}: {section.title}" in text
    for ref in built.actions:
        assert re.search(rf"(?<![\d.]){re.escape(ref)}(?![\d.])", text), ref
    for word in ("Red", "Amber", "Green", "Blue", "Not rated"):
        assert re.search(rf"\b{word}\b", text), word


def test_typst_runs_in_a_process_of_its_own_which_gives_its_memory_back(built):
    """A compiler in the web worker keeps what it laid out (about 270 MB per 1,000-action paper, adding up)."""
    assert write_report(make_report(built), "pdf").startswith(b"%PDF")
    assert "typst" not in sys.modules


def test_a_typesetting_failure_is_reported_with_the_compilers_reason(built, tmp_path, monkeypatch):
    from wsoa.reports import pdf

    broken = tmp_path / "board_report.typ"
    broken.write_text('#let data = json(bytes(sys.inputs.data))\n#panic("the template is broken")\n')
    monkeypatch.setattr(pdf, "TEMPLATE", broken)
    with pytest.raises(pdf.TypesettingFailed, match="the template is broken"):
        pdf.render_pdf(make_report(built))
