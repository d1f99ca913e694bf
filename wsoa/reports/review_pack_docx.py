"""The review pack as a Word document (python-docx), laid out as the board report's Word version: real headings and
tables, a chart (PNG) with its data table, RAG cells shaded with the word."""

from functools import lru_cache
from io import BytesIO

from docx import Document
from docx.shared import Mm

from wsoa.bulk import fewer_garbage_collections
from wsoa.domain.wording import uk_day
from wsoa.reports import rag_chart
from wsoa.reports.docx import RAG_FILLS, RAG_TEXT, _kpi_table, _page_break, _para, _shade, _table, set_up_page
from wsoa.reports.html import CHART_CACHE_SIZE
from wsoa.reports.packaging import reproducible_zip
from wsoa.reports.review_pack import AgreedLine, PackPriority, ReviewPack

RAG_COLUMNS = [("Red", 0.1), ("Amber", 0.1), ("Green", 0.1), ("Blue (complete)", 0.1), ("Not rated", 0.1)]


@fewer_garbage_collections()
def render_pack_docx(pack: ReviewPack) -> bytes:
    """The pack as .docx bytes: identical for identical packs (times inside come from `generated_at`)."""
    document = Document()
    set_up_page(
        document,
        header=pack.running_title,
        footer=f"Generated {pack.generated_at_display} · Page ",
        title=pack.running_title,
        subject=pack.meeting.label,
        author=pack.generated_by,
        when=pack.generated_at,
    )
    _cover(document, pack)
    for section in pack.priorities:
        _page_break(document)
        _priority(document, pack, section)
    _page_break(document)
    document.add_heading("Agreed for the plan as a whole", level=1)
    _agreed(document, pack.agreed_for_the_plan, "Nothing agreed last time for the plan as a whole.")
    document.add_heading("Agreed at this meeting", level=1)
    _agreed(document, pack.agreed_this_meeting, "Nothing recorded as agreed at this meeting yet.")
    buffer = BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), pack.generated_at)


def _cover(document, pack: ReviewPack) -> None:
    _para(document, f"{pack.plan_kind}{' · ' + pack.area if pack.area else ''}", size=12)
    document.add_heading(pack.plan_title, level=0)
    document.add_heading(pack.title, level=1)
    _table(
        document,
        [("", 0.25), ("", 0.75)],
        [list(pair) for pair in pack.cover_details],
        header=False,
    )
    _para(document, pack.basis, size=8)


def _priority(document, pack: ReviewPack, section: PackPriority) -> None:
    document.add_heading(section.heading, level=1)
    _para(document, f"Lead: {section.lead or 'Not named'}")
    document.add_heading("Is progress sufficient?", level=2)
    current = section.current_statement
    if current:
        _para(document, f"{current.verdict_label}: {current.reasons}", bold=True)
        _para(document, f"Agreed by {current.agreed_by}. {current.recorded}.", size=8)
    else:
        _para(document, "No statement recorded for this meeting yet.")
    _table(
        document,
        [("Meeting", 0.2), ("Sufficient?", 0.1), ("Reasons", 0.35), ("Agreed by", 0.15), ("Recorded", 0.2)],
        [
            [s.meeting, s.verdict_label + (" (corrected)" if s.corrected else ""), s.reasons, s.agreed_by, s.recorded]
            for s in section.statements
        ],
        empty="No statements recorded.",
    )
    when = f" ({uk_day(pack.previous.held_on)})" if pack.previous else ""
    document.add_heading(f"Agreed at the last {pack.meeting.kind_phrase}{when}", level=2)
    _agreed(document, section.agreed_last_time, "Nothing was agreed for this area last time.")
    document.add_heading("RAG ratings by review period", level=2)
    if section.periods:
        document.add_picture(BytesIO(_history_png(section.history)), width=Mm(180))
        _para(document, section.history_description, size=8)
    table = _table(
        document,
        [("Review period", 0.3), *RAG_COLUMNS, ("Total", 0.1)],
        [[p.label, *(str(n) for n in p.counts), str(p.total)] for p in section.periods],
        empty="No review periods begun by the meeting.",
    )
    for column, key in enumerate(rag_chart.ORDER, start=1):
        _shade(table.rows[0].cells[column], RAG_FILLS[key], RAG_TEXT[key])
    document.add_heading("KPIs against their milestones", level=2)
    _kpi_table(document, [kpi.line for kpi in section.kpis])
    for kpi in section.kpis:
        _para(document, kpi.line.name, bold=True)
        _table(
            document,
            [("Date", 0.15), ("Point", 0.15), ("Planned", 0.15), ("Actual", 0.3), ("Met?", 0.15)],
            [[uk_day(m.on), m.kind, m.planned, m.actual, m.verdict] for m in kpi.milestones],
            empty="No baseline, milestones or target set.",
        )
    document.add_heading("Evidence", level=2)
    _table(
        document,
        [("Ref", 0.08), ("Action", 0.42), ("Evidence file", 0.35), ("Added", 0.15)],
        [[e.ref, e.title, e.file_name, uk_day(e.added_on)] for e in section.evidence],
        empty="No evidence files attached.",
    )
    document.add_heading("Open challenges", level=2)
    _table(
        document,
        [("Ref", 0.08), ("Action", 0.32), ("Challenge", 0.4), ("Raised", 0.2)],
        [
            [c.ref, c.title, c.text, uk_day(c.raised_on) + (f" by {c.raised_by}" if c.raised_by else "")]
            for c in section.challenges
        ],
        empty="No open challenges.",
    )
    document.add_heading("Completion dates moved", level=2)
    _table(
        document,
        [("Period", 0.12), ("Ref", 0.07), ("Action", 0.3), ("Was due", 0.12), ("Now due", 0.15), ("Reason", 0.24)],
        [
            [s.period, s.ref, s.title, uk_day(s.was, "Not set"), s.now_display, s.reason or "No reason recorded"]
            for s in section.slipped
        ],
        empty="No completion dates moved.",
    )


def _agreed(document, lines: tuple[AgreedLine, ...], empty: str) -> None:
    table = _table(
        document,
        [("Agreed", 0.4), ("Plan action", 0.35), ("What became of it", 0.25)],
        [
            [line.text, f"{line.action_ref} {line.action_title}" if line.action_ref else "—", line.status]
            for line in lines
        ],
        empty=empty,
    )
    for row, line in zip(table.rows[1:], lines, strict=False):
        if line.action_ref and line.rag:
            _shade(row.cells[2], RAG_FILLS[line.rag], RAG_TEXT[line.rag])


@lru_cache(maxsize=CHART_CACHE_SIZE)
def _history_png(history: rag_chart.History) -> bytes:
    return rag_chart.rag_history_png(history)
