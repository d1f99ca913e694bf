"""The board report as a Word document (python-docx): real headings and tables, so officers can edit the paper.

A4 landscape; a running header and "Page x of y" footer; table header rows repeat on every page and rows do not
split across pages; RAG cells are shaded and carry the word; charts are PNG (Word cannot embed SVG).
"""

from collections.abc import Sequence
from datetime import UTC
from functools import lru_cache
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from wsoa.bulk import fewer_garbage_collections
from wsoa.domain.wording import uk_day
from wsoa.reports import rag_chart
from wsoa.reports.html import CHART_CACHE_SIZE
from wsoa.reports.model import CHANGE_KEYS, RAG_KEYS, ActionLine, BoardReport, KpiLine
from wsoa.reports.packaging import EPOCH, reproducible_zip, xml_text

PAGE_WIDTH = Mm(297)
PAGE_HEIGHT = Mm(210)
MARGIN = Mm(15)
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
RAG_FILLS = {"red": "D4351C", "amber": "F47738", "green": "00703C", "blue": "1D70B8", "none": "DDDDDD"}
RAG_TEXT = {"red": "FFFFFF", "amber": "0B0C0C", "green": "FFFFFF", "blue": "FFFFFF", "none": "0B0C0C"}
STATUS_FILLS = {"off_track": "D4351C", "at_risk": "F47738", "on_track": "00703C", "target_met": "1D70B8"}
HEADER_FILL = "E8E8E8"
Column = tuple[str, float]  # heading and share of the page width


@fewer_garbage_collections()  # a large plan makes millions of short-lived objects
def render_docx(report: BoardReport) -> bytes:
    """The report as .docx bytes: identical for identical reports (times inside come from `generated_at`)."""
    document = Document()
    _set_up(document, report)
    _cover(document, report)
    _summary(document, report)
    for section in report.priorities:
        _page_break(document)
        document.add_heading(f"Priority {section.number}: {section.title}", level=1)
        _para(
            document,
            f"Lead: {section.lead or 'Not named'} · {section.row.total} actions · {section.row.overdue} overdue · "
            f"{section.row.updates_missing} updates missing",
        )
        _picture(document, _rag_bar_png(tuple(section.row.distribution.items())))
        _para(document, rag_chart.describe(section.row.distribution, f"Priority {section.number}"), size=8)
        document.add_heading("Impact measures (KPIs)", level=2)
        _kpi_table(document, section.kpis)
        document.add_heading("Actions", level=2)
        _table(
            document,
            [("Ref", 0.06), ("Action", 0.29), ("Lead", 0.12), ("Due", 0.12), ("RAG", 0.07), ("Latest narrative", 0.34)],
            [[line.ref, line.title, line.lead, _due(line), line, _narrative(line)] for line in section.actions],
            empty="No actions.",
        )
    _exceptions(document, report)
    _page_break(document)
    document.add_heading(f"Completed this period ({len(report.completed)})", level=1)
    _table(
        document,
        [("Ref", 0.06), ("Action", 0.32), ("Lead", 0.12), ("Progress", 0.28), ("Evidence", 0.22)],
        [[a.ref, a.title, a.lead, a.narrative, a.evidence or "None recorded"] for a in report.completed],
        empty="No actions were completed this period.",
    )
    window = report.due_next
    span = f" ({uk_day(window.start)} to {uk_day(window.end)})" if window.start else ""
    document.add_heading(f"Due next period{span} ({len(window.actions)})", level=1)
    _short_table(document, window.actions, "No actions fall due next period.")
    _checks(document, report)
    if report.appendix:
        _page_break(document)
        document.add_heading(f"Appendix A: key roles as at {report.cover.position_as_at}", level=1)
        _table(
            document,
            [("Code", 0.12), ("Role", 0.4), ("Organisation", 0.24), ("Held by", 0.24)],
            [[r.code, r.title, r.organisation, r.person or "Vacant or not recorded"] for r in report.appendix.roles],
            empty="No key roles recorded.",
        )
        _page_break(document)
        document.add_heading("Appendix B: full action list", level=1)
        _table(
            document,
            [("Ref", 0.06), ("Action", 0.4), ("Lead", 0.14), ("Due", 0.19), ("RAG", 0.09), ("Change", 0.12)],
            [[a.ref, a.title, a.lead, _due(a), a, a.change_label] for a in report.appendix.actions],
            empty="No actions.",
        )
        document.add_heading("Appendix C: evidence files", level=1)
        _table(
            document,
            [("Ref", 0.08), ("Action", 0.46), ("Evidence files", 0.46)],
            [[e.ref, e.title, "; ".join(e.files)] for e in report.appendix.evidence],
            empty="No evidence files attached.",
        )
    buffer = BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), report.generated_at)


def _set_up(document, report: BoardReport) -> None:
    set_up_page(
        document,
        header=f"{report.running_title} · Position as at {report.cover.position_as_at}",
        footer=f"Generated {report.generated_at_display} · Page ",
        title=report.running_title,
        subject=f"Position as at {report.cover.position_as_at}",
        author=report.cover.generated_by,
        when=report.generated_at,
    )


def set_up_page(document, *, header: str, footer: str, title: str, subject: str, author: str, when) -> None:
    """A4 landscape, Arial 9, a running header, "Page x of y" in the footer and the document's properties (the
    review pack's Word version lays its pages out the same way)."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(9)
    running = section.header.paragraphs[0]
    running.text = xml_text(header)
    running.runs[0].font.size = Pt(8)
    paragraph = section.footer.paragraphs[0]
    run = paragraph.add_run(xml_text(footer))
    run.font.size = Pt(8)
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ").font.size = Pt(8)
    _field(paragraph, "NUMPAGES")
    properties = document.core_properties
    properties.title = xml_text(title)
    properties.subject = xml_text(subject)
    properties.author = xml_text(author)
    properties.last_modified_by = xml_text(author)
    properties.comments = ""
    properties.revision = 1
    stamp = (when or EPOCH).astimezone(UTC).replace(tzinfo=None)
    properties.created = properties.modified = stamp
    properties.last_printed = stamp


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    run.font.size = Pt(8)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, placeholder, end):
        run._r.append(element)


def _para(document, text: str, *, bold: bool = False, size: float | None = None):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(xml_text(text))
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _picture(document, png: bytes) -> None:
    document.add_picture(BytesIO(png), width=Mm(180))


def _cover(document, report: BoardReport) -> None:
    cover = report.cover
    _para(document, f"{cover.plan_kind}{' · ' + cover.area if cover.area else ''}", size=12)
    document.add_heading(xml_text(cover.plan_title), level=0)
    document.add_heading(xml_text(cover.title), level=1)
    _table(document, [("", 0.25), ("", 0.75)], report.cover_details, header=False)
    if cover.demo_data:
        _para(document, cover.demo_warning, size=11, bold=True)
    _para(document, cover.basis, size=8)


def _summary(document, report: BoardReport) -> None:
    summary = report.summary
    _page_break(document)
    document.add_heading("Summary", level=1)
    figures = [
        ("Actions", summary.plan.total),
        ("Overdue", summary.plan.overdue),
        ("Updates missing", summary.plan.updates_missing),
        ("Red or amber", summary.exceptions),
        ("Dates moved", summary.slipped),
        ("Completed this period", summary.completed),
        ("Due next period", summary.due_next),
        ("Checks to make", summary.checks),
    ]
    _table(document, [(name, 1 / len(figures)) for name, _ in figures], [[str(n) for _, n in figures]])
    _picture(document, _rag_bar_png(tuple(summary.plan.distribution.items())))
    _para(document, rag_chart.describe(summary.plan.distribution, summary.plan.title), size=8)
    document.add_heading("Actions by RAG rating", level=2)
    rag_keys = RAG_KEYS
    rows = [
        [f"{r.number}. {r.title}", *(r.distribution[k] for k in rag_keys), r.total, r.overdue, r.updates_missing]
        for r in summary.priorities
    ]
    plan = summary.plan
    rows.append([plan.title, *(plan.distribution[k] for k in rag_keys), plan.total, plan.overdue, plan.updates_missing])
    table = _table(
        document,
        [
            ("Priority", 0.36),
            ("Red", 0.08),
            ("Amber", 0.08),
            ("Green", 0.08),
            ("Blue (complete)", 0.08),
            ("Not rated", 0.08),
            ("Total", 0.08),
            ("Overdue", 0.08),
            ("Updates missing", 0.08),
        ],
        [[str(v) for v in row] for row in rows],
    )
    for column, key in enumerate(rag_keys, start=1):
        _shade(table.rows[0].cells[column], RAG_FILLS[key], RAG_TEXT[key])
    document.add_heading(f"Change since {report.cover.compared_with or 'the previous period'}", level=2)
    change_keys = CHANGE_KEYS
    changes = [[f"{r.number}. {r.title}", *(str(r.changes[k]) for k in change_keys)] for r in summary.priorities]
    changes.append([plan.title, *(str(plan.changes[k]) for k in change_keys)])
    _table(
        document,
        [
            ("Priority", 0.45),
            ("Improved", 0.11),
            ("Worsened", 0.11),
            ("Unchanged", 0.11),
            ("Newly complete", 0.11),
            ("Newly rated", 0.11),
        ],
        changes,
    )
    document.add_heading("KPIs by status", level=2)
    _table(document, [("Status", 0.4), ("KPIs", 0.15)], [[label, str(n)] for label, n in summary.kpi_statuses])


def _kpi_table(document, kpis: Sequence[KpiLine]) -> None:
    if not kpis:
        _para(document, "No KPIs for this priority.")
        return
    table = _table(
        document,
        [("KPI", 0.52), ("Latest value", 0.16), ("Target", 0.16), ("Status", 0.16)],
        [
            [k.name, k.latest_display, k.target_display, k.status_label + (" (out of date)" if k.stale else "")]
            for k in kpis
        ],
    )
    for row, kpi in zip(table.rows[1:], kpis, strict=True):
        if kpi.status in STATUS_FILLS:
            fill = STATUS_FILLS[kpi.status]
            _shade(row.cells[3], fill, "0B0C0C" if kpi.status == "at_risk" else "FFFFFF")
    for kpi in kpis:
        png = _kpi_chart_png(kpi)
        if png:
            document.add_picture(BytesIO(png), width=Mm(120))
            _para(document, f"{kpi.name}: {kpi.explanation}", size=8)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def _kpi_chart_png(kpi: KpiLine) -> bytes | None:
    """The KPI's trend chart (drawn once per process for the same data: see wsoa.reports.html)."""
    if not kpi.readings:
        return None
    from wsoa.reports.charts import report_kpi_trend_png

    return report_kpi_trend_png(kpi)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def _rag_bar_png(distribution: tuple[tuple[str, int], ...]) -> bytes:
    return rag_chart.rag_bar_png(dict(distribution))


def _exceptions(document, report: BoardReport) -> None:
    exceptions = report.exceptions
    _page_break(document)
    document.add_heading("Exceptions", level=1)
    document.add_heading(f"Red and amber actions ({len(exceptions.red_amber)})", level=2)
    _table(
        document,
        [
            ("Ref", 0.05),
            ("Action", 0.16),
            ("Lead", 0.1),
            ("Due", 0.1),
            ("RAG", 0.06),
            ("Progress", 0.176),
            ("Next steps", 0.176),
            ("Risks and mitigation", 0.178),
        ],
        [
            [
                a.ref,
                a.title,
                a.lead,
                _due(a),
                a,
                a.narrative,
                a.next_steps or "None recorded",
                a.risks or "None recorded",
            ]
            for a in exceptions.red_amber
        ],
        empty="No actions are rated Red or Amber.",
    )
    document.add_heading(f"Completion dates moved this period ({len(exceptions.slipped)})", level=2)
    _table(
        document,
        [("Ref", 0.06), ("Action", 0.32), ("Lead", 0.12), ("Was due", 0.12), ("Now due", 0.12), ("Reason", 0.26)],
        [
            [
                s.action.ref,
                s.action.title,
                s.action.lead,
                uk_day(s.old_due, "Not set"),
                uk_day(s.new_due, "Not set") + (f" ({s.new_due_text})" if s.new_due_text else ""),
                s.reason or "No reason recorded",
            ]
            for s in exceptions.slipped
        ],
        empty="No completion dates moved this period.",
    )
    document.add_heading(f"Overdue actions ({len(exceptions.overdue)})", level=2)
    _short_table(document, exceptions.overdue, "No actions are overdue.")


def _checks(document, report: BoardReport) -> None:
    checks = report.checks
    _page_break(document)
    document.add_heading(f"Checks before the board ({checks.total})", level=1)
    _para(document, "Ratings that the facts on record do not support, and KPIs with out-of-date values.")
    if checks.sign_off_note:
        _para(document, checks.sign_off_note)
    _table(document, [("Check", 0.5), ("Count", 0.12)], [[title, str(n)] for title, n in checks.counts])
    _table(
        document,
        [("Check", 0.22), ("Ref", 0.06), ("Action or KPI", 0.32), ("Lead", 0.12), ("Detail", 0.28)],
        [[c.title, c.ref, c.subject, c.lead, c.message] for c in checks.lines],
        empty="Nothing to check.",
    )


def _short_table(document, lines: Sequence[ActionLine], empty: str) -> None:
    _table(
        document,
        [("Ref", 0.06), ("Action", 0.5), ("Lead", 0.16), ("Due", 0.19), ("RAG", 0.09)],
        [[a.ref, a.title, a.lead, _due(a), a] for a in lines],
        empty=empty,
    )


def _due(line: ActionLine) -> str:
    return line.due_display + (" · Overdue" if line.overdue else "")


def _narrative(line: ActionLine) -> str:
    text = line.narrative or ""
    if not line.updated_this_period:
        text += (
            f" (from {line.narrative_period}: no update this period)"
            if line.narrative_period
            else ("No update this period" if not text else "")
        )
    return text.strip()


def _table(document, columns: Sequence[Column], rows, *, header: bool = True, empty: str | None = None):
    """A Word table; a cell given an ActionLine shows its RAG word on the RAG colour."""
    table = document.add_table(rows=0, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    widths = [int(CONTENT_WIDTH * share) for _, share in columns]
    grid = table._tbl.tblGrid
    for col, width in zip(grid.gridCol_lst, widths, strict=True):
        col.w = width
    if header:
        tr = _row(table, [name for name, _ in columns], widths, bold=True)
        _tr_property(tr, "w:tblHeader")
        for tc in tr.tc_lst:
            _shade_tc(tc, HEADER_FILL, None)
    if not rows and empty:
        _row(table, [empty] + [""] * (len(columns) - 1), widths)
    for values in rows:
        _row(table, values, widths)
    document.add_paragraph()  # Word joins tables that touch into one
    return table


def _row(table, values, widths, *, bold: bool = False):
    tr = table._tbl.add_tr()
    _tr_property(tr, "w:cantSplit")
    for value, width in zip(values, widths, strict=True):
        tc = tr.add_tc()
        tc.width = width
        paragraph = tc.p_lst[0] if tc.p_lst else tc.add_p()
        if isinstance(value, ActionLine):
            run = paragraph.add_r()
            run.text = value.rag_label
            _bold(run)
            _shade_tc(tc, RAG_FILLS[value.rag_key], RAG_TEXT[value.rag_key])
            continue
        text = xml_text(value if isinstance(value, str) else ("" if value is None else str(value)))
        if text:
            run = paragraph.add_r()
            run.text = text
            if bold:
                _bold(run)
    return tr


def _tr_property(tr, name: str) -> None:
    properties = tr.get_or_add_trPr()
    element = OxmlElement(name)
    element.set(qn("w:val"), "true")
    properties.append(element)


def _bold(run) -> None:
    properties = run.get_or_add_rPr()
    properties.append(OxmlElement("w:b"))


def _shade(cell, fill: str, text_colour: str | None) -> None:
    _shade_tc(cell._tc, fill, text_colour)
    if text_colour:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.color.rgb = RGBColor.from_string(text_colour)


def _shade_tc(tc, fill: str, text_colour: str | None) -> None:
    """Cell shading (w:shd); the text colour goes on the cell's runs so the word stays readable."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc.get_or_add_tcPr().append(shading)
    if text_colour:
        for r in tc.iter(qn("w:r")):
            properties = r.get_or_add_rPr()
            colour = OxmlElement("w:color")
            colour.set(qn("w:val"), text_colour)
            properties.append(colour)
