"""The review pack as PDF, typeset by Typst (templates/reports/typst/review_pack.typ) as the board paper is: tagged
PDF/UA-1, the pack passed as data (strings, never markup) and the charts as SVG with their text alternatives."""

from pathlib import Path
from typing import Any

from config import TEMPLATES_DIR
from wsoa.domain.wording import uk_day
from wsoa.reports.pdf import RAG_HEADINGS, typeset
from wsoa.reports.review_pack import AgreedLine, PackPriority, ReviewPack

# A folder of its own: the compiler's root is the template's folder, so neither paper's template can read the other.
TEMPLATE_DIR = Path(TEMPLATES_DIR) / "reports" / "typst-review-pack"
TEMPLATE = TEMPLATE_DIR / "review_pack.typ"


def _agreed(lines: tuple[AgreedLine, ...]) -> list[dict[str, Any]]:
    return [
        {
            "text": line.text,
            "action": f"{line.action_ref} {line.action_title}" if line.action_ref else "—",
            "status": line.status,
            "rag_key": line.rag if line.action_ref and line.rag else "",
        }
        for line in lines
    ]


def _priority(pack: ReviewPack, section: PackPriority) -> dict[str, Any]:
    current = section.current_statement
    when = f" ({uk_day(pack.previous.held_on)})" if pack.previous else ""
    return {
        "heading": section.heading,
        "lead": section.lead or "Not named",
        "statement": None
        if current is None
        else {
            "verdict": current.verdict_label,
            "reasons": current.reasons,
            "note": f"Agreed by {current.agreed_by}. {current.recorded}.",
        },
        "statements": [
            [s.meeting, s.verdict_label + (" (corrected)" if s.corrected else ""), s.reasons, s.agreed_by, s.recorded]
            for s in section.statements
        ],
        "agreed_heading": f"Agreed at the last {pack.meeting.kind_phrase}{when}",
        "agreed": _agreed(section.agreed_last_time),
        "chart": f"history-{section.number}" if section.periods else None,
        "history": [[p.label, *(str(n) for n in p.counts), str(p.total)] for p in section.periods],
        "kpis": [
            {
                "name": kpi.line.name,
                "status": kpi.line.status_label,
                "status_key": kpi.line.status,
                "explanation": kpi.line.explanation,
                "chart": f"kpi-{kpi.line.id}" if kpi.line.readings else None,
                "milestones": [[uk_day(m.on), m.kind, m.planned, m.actual, m.verdict] for m in kpi.milestones],
            }
            for kpi in section.kpis
        ],
        "evidence": [[e.ref, e.title, e.file_name, uk_day(e.added_on)] for e in section.evidence],
        "challenges": [
            [c.ref, c.title, c.text, uk_day(c.raised_on) + (f" by {c.raised_by}" if c.raised_by else "")]
            for c in section.challenges
        ],
        "slipped": [
            [s.period, s.ref, s.title, uk_day(s.was, "Not set"), s.now_display, s.reason or "No reason recorded"]
            for s in section.slipped
        ],
    }


def pack_data(pack: ReviewPack) -> dict[str, Any]:
    """Everything the PDF prints, worded and in order, as JSON-ready values."""
    charts = {}
    for section in pack.priorities:
        if section.periods:
            charts[f"history-{section.number}"] = section.history_description
        for kpi in section.kpis:
            if kpi.line.readings:
                charts[f"kpi-{kpi.line.id}"] = f"Trend of {kpi.line.name}: {kpi.line.explanation}"
    return {
        "title": pack.running_title,
        "author": pack.generated_by,
        "description": pack.title,
        "footer_left": f"Generated {pack.generated_at_display}",
        "charts": charts,
        "rag_head": ["Review period", *RAG_HEADINGS, "Total"],
        "cover": {
            "caption": pack.plan_kind + (f" · {pack.area}" if pack.area else ""),
            "plan_title": pack.plan_title,
            "title": pack.title,
            "details": [list(pair) for pair in pack.cover_details],
            "basis": pack.basis,
        },
        "priorities": [_priority(pack, section) for section in pack.priorities],
        "plan_agreed": _agreed(pack.agreed_for_the_plan),
        "this_meeting": _agreed(pack.agreed_this_meeting),
    }


def chart_svgs(pack: ReviewPack) -> dict[str, str]:
    from wsoa.reports.html import kpi_chart_source
    from wsoa.reports.rag_chart import rag_history_svg

    svgs = {}
    for section in pack.priorities:
        if section.periods:
            svgs[f"history-{section.number}"] = rag_history_svg(section.history)
        for kpi in section.kpis:
            if kpi.line.readings:
                svgs[f"kpi-{kpi.line.id}"] = kpi_chart_source(kpi.line)
    return svgs


def render_pack_pdf(pack: ReviewPack) -> bytes:
    """The pack as a tagged PDF/UA-1 document."""
    return typeset(TEMPLATE, pack_data(pack), chart_svgs(pack), pack.generated_at)
