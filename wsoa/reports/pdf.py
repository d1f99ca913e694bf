"""The board report as PDF, typeset by Typst from the report model: A4 landscape, tagged PDF/UA-1.

The template (templates/reports/typst/board_report.typ) is fixed; the report goes to it as data, never as markup:
`paper_data` turns the `BoardReport` into plain JSON (every value already worded, as the HTML paper words it),
which reaches the template through `sys.inputs` and is placed there as strings, so no text from the plan is ever
read as Typst. The charts go the same way, as SVG bytes. The compiler's root is the template's own folder, which
holds nothing else, and no package is imported, so the template cannot read any other file or fetch anything.
"""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config import TEMPLATES_DIR
from wsoa.domain.wording import uk_day
from wsoa.reports import rag_chart
from wsoa.reports.model import CHANGE_KEYS, RAG_KEYS, ActionLine, BoardReport, KpiLine

TEMPLATE_DIR = Path(TEMPLATES_DIR) / "reports" / "typst"
TEMPLATE = TEMPLATE_DIR / "board_report.typ"
# The fonts the paper is set in; the compiler's own (Libertinus, New Computer Modern, DejaVu Sans Mono) are the
# fallback. Naming the folder, rather than scanning every system font, keeps start-up quick.
FONT_DIRS = ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/liberation2")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
PDF_STANDARD = "ua-1"
TYPESET = Path(__file__).with_name("typeset.py")
TYPESET_TIMEOUT = 120  # seconds; a 1,000-action paper takes a few

RAG_HEADINGS = ("Red", "Amber", "Green", "Blue (complete)", "Not rated")
CHANGE_HEADINGS = ("Improved", "Worsened", "Unchanged", "Newly complete", "Newly rated")


# ----- the report as data -----------------------------------------------------------------------------------------


def _action(line: ActionLine) -> dict[str, Any]:
    if line.narrative_period and not line.updated_this_period:
        note = f"(from {line.narrative_period}: no update this period)"
    elif not line.narrative and not line.updated_this_period:
        note = "No update this period"
    else:
        note = ""
    return {
        "ref": line.ref,
        "title": line.title,
        "lead": line.lead or "—",
        "lead_or_none": line.lead or "not named",
        "due": line.due_display,
        "overdue": line.overdue,
        "rag": line.rag_label,
        "rag_key": line.rag_key,
        "narrative": line.narrative or "",
        "note": note,
        "next_steps": line.next_steps or "None recorded",
        "risks": line.risks or "None recorded",
        "progress": line.narrative or "None recorded",
        "evidence": line.evidence or "None recorded",
        "change": line.change_label,
    }


def _kpi(kpi: KpiLine) -> dict[str, Any]:
    return {
        "name": kpi.name,
        "latest": kpi.latest_display,
        "target": kpi.target_display,
        "status": kpi.status_label,
        "status_key": kpi.status,
        "stale": kpi.stale,
        "chart": f"kpi-{kpi.id}" if kpi.readings else None,
        "caption": f"{_truncate(kpi.name, 120)}: {kpi.explanation}",
    }


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _counts(distribution: dict[str, int]) -> list[str]:
    return [str(distribution[key]) for key in RAG_KEYS]


def paper_data(report: BoardReport) -> dict[str, Any]:
    """Everything the paper prints, worded and in order, as JSON-ready values (strings, numbers as text, lists)."""
    cover = report.cover
    summary = report.summary
    compared = cover.compared_with or "last period"
    charts = {"plan": rag_chart.describe(summary.plan.distribution, summary.plan.title)}
    for section in report.priorities:
        charts[f"priority-{section.number}"] = rag_chart.describe(
            section.row.distribution, f"Priority {section.number}"
        )
        for kpi in section.kpis:
            if kpi.readings:
                charts[f"kpi-{kpi.id}"] = f"Trend of {kpi.name}: {kpi.explanation}"
    window = report.due_next
    appendix = report.appendix
    return {
        "title": report.running_title,
        "author": cover.generated_by,
        "description": f"{cover.title}, position as at {cover.position_as_at}",
        "header_left": report.running_title,
        "header_right": f"Position as at {cover.position_as_at}",
        "footer_left": f"Generated {report.generated_at_display}",
        "charts": charts,
        "cover": {
            "caption": cover.plan_kind + (f" · {cover.area}" if cover.area else ""),
            "plan_title": cover.plan_title,
            "title": cover.title,
            "details": report.cover_details,
            "demo_warning": cover.demo_warning if cover.demo_data else None,
            "basis": cover.basis,
        },
        "summary": {
            "figures": [
                [str(summary.plan.total), "actions"],
                [str(summary.plan.overdue), f"overdue as at {cover.position_as_at}"],
                [str(summary.plan.updates_missing), "updates missing"],
                [str(summary.exceptions), "red or amber"],
                [str(summary.slipped), "dates moved"],
                [str(summary.completed), "completed this period"],
                [str(summary.due_next), "due next period"],
                [str(summary.checks), "checks to make"],
            ],
            "rag_head": ["Priority", *RAG_HEADINGS, "Total", "Overdue", "Updates missing"],
            "rag_rows": [
                [f"{row.number}. {row.title}", *_counts(row.distribution), str(row.total), str(row.overdue)]
                + [str(row.updates_missing)]
                for row in summary.priorities
            ],
            "rag_total": [
                summary.plan.title,
                *_counts(summary.plan.distribution),
                str(summary.plan.total),
                str(summary.plan.overdue),
                str(summary.plan.updates_missing),
            ],
            "change_heading": f"Change since {cover.compared_with or 'the previous period (none: this is the first)'}",
            "change_head": ["Priority", *CHANGE_HEADINGS],
            "change_rows": [
                [f"{row.number}. {row.title}", *(str(row.changes[key]) for key in CHANGE_KEYS)]
                for row in summary.priorities
            ],
            "change_total": [summary.plan.title, *(str(summary.plan.changes[key]) for key in CHANGE_KEYS)],
            "change_note": summary.change_note,
            "kpi_statuses": [[label, str(count)] for label, count in summary.kpi_statuses],
        },
        "priorities": [
            {
                "heading": f"Priority {section.number}: {section.title}",
                "chart": f"priority-{section.number}",
                "lead_line": (
                    f"{section.lead or 'Not named'} · {section.row.total} actions · {section.row.overdue} overdue"
                    f" · {section.row.updates_missing} updates missing"
                ),
                "kpis": [_kpi(kpi) for kpi in section.kpis],
                "actions": [_action(line) for line in section.actions],
            }
            for section in report.priorities
        ],
        "exceptions": {
            "red_amber": [_action(line) for line in report.exceptions.red_amber],
            "slipped": [
                {
                    "ref": slip.action.ref,
                    "title": slip.action.title,
                    "lead": slip.action.lead or "—",
                    "was": uk_day(slip.old_due, "Not set"),
                    "now": uk_day(slip.new_due, "Not set") + (f" ({slip.new_due_text})" if slip.new_due_text else ""),
                    "reason": slip.reason or "No reason recorded",
                }
                for slip in report.exceptions.slipped
            ],
            "overdue": [_action(line) for line in report.exceptions.overdue],
        },
        "completed": [_action(line) for line in report.completed],
        "due_next": {
            "heading": "Due next period"
            + (f" ({uk_day(window.start)} to {uk_day(window.end)})" if window.start else "")
            + f" ({len(window.actions)})",
            "actions": [_action(line) for line in window.actions],
        },
        "checks": {
            "heading": f"Checks before the board ({report.checks.total})",
            "counts": [[title, str(count)] for title, count in report.checks.counts],
            "sign_off_note": report.checks.sign_off_note,
            "lines": [
                {"title": c.title, "ref": c.ref, "subject": c.subject, "lead": c.lead or "—", "message": c.message}
                for c in report.checks.lines
            ],
        },
        "appendix": None
        if appendix is None
        else {
            "roles_heading": f"Appendix A: key roles as at {cover.position_as_at}",
            "roles": [
                [r.code or "", r.title or "", r.organisation or "", r.person or "Vacant or not recorded"]
                for r in appendix.roles
            ],
            "change_head": f"Change since {compared}",
            "actions": [_action(line) for line in appendix.actions],
            "evidence": [[e.ref, e.title, "; ".join(e.files)] for e in appendix.evidence],
        },
    }


def chart_svgs(report: BoardReport) -> dict[str, str]:
    """Every chart the paper shows, as SVG, keyed as in `paper_data`'s "charts" (drawn once per process)."""
    from wsoa.reports.html import kpi_chart_source, rag_bar_source

    svgs = {"plan": rag_bar_source(tuple(report.summary.plan.distribution.items()))}
    for section in report.priorities:
        svgs[f"priority-{section.number}"] = rag_bar_source(tuple(section.row.distribution.items()))
        for kpi in section.kpis:
            if kpi.readings:
                svgs[f"kpi-{kpi.id}"] = kpi_chart_source(kpi)
    return svgs


# ----- typesetting ------------------------------------------------------------------------------------------------


class TypesettingFailed(RuntimeError):
    """The compiler could not make the PDF (its message says why)."""


def render_pdf(report: BoardReport) -> bytes:
    """The paper as a tagged PDF/UA-1 document. Same report, same bytes: its only date is the generation time."""
    return typeset(TEMPLATE, paper_data(report), chart_svgs(report), report.generated_at)


def typeset(template: Path, data: dict[str, Any], charts: dict[str, str], generated_at: datetime | None) -> bytes:
    """A fixed template of this folder typeset as tagged PDF/UA-1 with `data` (JSON) and `charts` (SVG by key) as its
    inputs (the review pack is typeset the same way).

    Typst runs in a process of its own (wsoa/reports/typeset.py), which gives back all the memory it takes.
    """
    inputs = {"data": json.dumps(data, ensure_ascii=False)}
    inputs.update({f"chart-{key}": svg for key, svg in charts.items()})
    stamp = (generated_at or EPOCH).astimezone(UTC)
    job = {
        "inputs": inputs,
        "timestamp": int(stamp.timestamp()),
        "standards": [PDF_STANDARD],
        "font_dirs": [d for d in FONT_DIRS if Path(d).is_dir()],
    }
    result = subprocess.run(  # noqa: S603  (our own script, run by this Python, with no shell)
        [sys.executable, "-I", str(TYPESET), str(template)],
        input=json.dumps(job, ensure_ascii=False).encode("utf-8"),
        capture_output=True,
        timeout=TYPESET_TIMEOUT,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.startswith(b"%PDF"):
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise TypesettingFailed(f"The PDF could not be typeset: {message[-1] if message else 'no reason given'}")
    return result.stdout
