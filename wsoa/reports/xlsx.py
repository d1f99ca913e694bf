"""The board report as an Excel workbook (openpyxl): one sheet per section, for officers who filter and sort.

Each sheet has a title row, a frozen header row and an auto filter; RAG cells carry the word on the RAG fill; every
cell is written with `write_text`, so text that starts with = + - @ stays text and never runs as a formula.
"""

from collections.abc import Sequence
from datetime import UTC, date
from io import BytesIO
from typing import Any, NamedTuple
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from wsoa.bulk import fewer_garbage_collections
from wsoa.domain.rag import rag_label
from wsoa.domain.wording import excel_number_format, uk_day
from wsoa.reports.cells import write_text
from wsoa.reports.model import CHANGE_KEYS, RAG_KEYS, ActionLine, BoardReport, KpiLine
from wsoa.reports.packaging import EPOCH, reproducible_zip, xml_text
from wsoa.reports.plan_workbook import RAG_FILLS, RAG_FONT_COLOURS

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_FILL = PatternFill("solid", fgColor="FFE8E8E8")
NOT_RATED_FILL = PatternFill("solid", fgColor="FFDDDDDD")
DATE_FORMAT = "d mmm yyyy"
STATUS_FILLS = {"off_track": "red", "at_risk": "amber", "on_track": "green", "target_met": "blue"}
Column = tuple[str, int]  # heading, width in characters
# Every sheet of actions starts with these columns (see _action_cells).
ACTION_COLUMNS: list[Column] = [
    ("Priority", 9),
    ("Ref", 9),
    ("Action", 60),
    ("Lead", 24),
    ("Due", 22),
    ("Due date", 13),
    ("RAG", 11),
]


class Rag:
    """A cell value to show as a RAG word on its fill."""

    def __init__(self, key: str, label: str) -> None:
        self.key, self.label = key, label


@fewer_garbage_collections()  # a large plan makes millions of short-lived objects
def render_xlsx(report: BoardReport) -> bytes:
    """The report as .xlsx bytes: identical for identical reports (times inside come from `generated_at`)."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    _cover(cover, report)
    _summary(workbook.create_sheet("Summary"), report)
    _sheet(
        workbook.create_sheet("KPIs"),
        f"Impact measures (KPIs) as at {report.cover.position_as_at}",
        [
            ("Priority", 9),
            ("KPI", 60),
            ("Latest value", 14),
            ("Latest date", 13),
            ("Target", 12),
            ("Target date", 13),
            ("Status", 14),
            ("Out of date", 11),
            ("Explanation", 60),
        ],
        [_kpi_row(kpi) for section in report.priorities for kpi in section.kpis],
    )
    _sheet(
        workbook.create_sheet("Actions by priority"),
        f"Actions by priority as at {report.cover.position_as_at}",
        [
            *ACTION_COLUMNS,
            ("Overdue", 9),
            ("Updated this period", 12),
            ("Latest narrative", 70),
            ("Narrative from", 14),
        ],
        [
            [
                *_action_cells(a),
                _yes(a.overdue),
                _yes(a.updated_this_period),
                a.narrative,
                a.narrative_period,
            ]
            for section in report.priorities
            for a in section.actions
        ],
    )
    exceptions = report.exceptions
    _sheet(
        workbook.create_sheet("Exceptions"),
        f"Red and amber actions ({len(exceptions.red_amber)})",
        [
            ("Priority", 9),
            ("Ref", 9),
            ("Action", 50),
            ("Lead", 24),
            ("Due", 22),
            ("RAG", 11),
            ("Progress", 60),
            ("Next steps", 50),
            ("Risks and mitigation", 50),
        ],
        [
            [a.priority, a.ref, a.title, a.lead, a.due_display, _rag(a), a.narrative, a.next_steps, a.risks]
            for a in exceptions.red_amber
        ],
    )
    _sheet(
        workbook.create_sheet("Slipped"),
        f"Completion dates moved this period ({len(exceptions.slipped)})",
        [
            ("Priority", 9),
            ("Ref", 9),
            ("Action", 50),
            ("Lead", 24),
            ("Was due", 13),
            ("Now due", 13),
            ("Now due (as written)", 18),
            ("Reason", 60),
        ],
        [
            [
                s.action.priority,
                s.action.ref,
                s.action.title,
                s.action.lead,
                s.old_due,
                s.new_due,
                s.new_due_text,
                s.reason,
            ]
            for s in exceptions.slipped
        ],
    )
    _sheet(
        workbook.create_sheet("Overdue"), f"Overdue actions ({len(exceptions.overdue)})", *_short(exceptions.overdue)
    )
    _sheet(
        workbook.create_sheet("Completed"),
        f"Completed this period ({len(report.completed)})",
        [("Priority", 9), ("Ref", 9), ("Action", 50), ("Lead", 24), ("Progress", 60), ("Evidence", 50)],
        [[a.priority, a.ref, a.title, a.lead, a.narrative, a.evidence] for a in report.completed],
    )
    window = report.due_next
    span = f" ({uk_day(window.start)} to {uk_day(window.end)})" if window.start else ""
    _sheet(workbook.create_sheet("Due next period"), f"Due next period{span}", *_short(window.actions))
    _sheet(
        workbook.create_sheet("Checks"),
        f"Checks before the board ({report.checks.total})"
        + (f". {report.checks.sign_off_note}" if report.checks.sign_off_note else ""),
        [("Check", 40), ("Ref", 9), ("Action or KPI", 50), ("Lead", 24), ("Detail", 60)],
        [[c.title, c.ref, c.subject, c.lead, c.message] for c in report.checks.lines],
    )
    if report.appendix:
        _sheet(
            workbook.create_sheet("Key roles"),
            f"Key roles as at {report.cover.position_as_at}",
            [("Code", 12), ("Role", 45), ("Organisation", 30), ("Held by", 30)],
            [[r.code, r.title, r.organisation, r.person] for r in report.appendix.roles],
        )
        _sheet(
            workbook.create_sheet("Action list"),
            "Full action list",
            [*ACTION_COLUMNS, ("Previous RAG", 12), ("Change", 15)],
            [[*_action_cells(a), _previous(a), a.change_label] for a in report.appendix.actions],
        )
        _sheet(
            workbook.create_sheet("Evidence files"),
            "Evidence files",
            [("Ref", 9), ("Action", 60), ("Evidence files", 60)],
            [[e.ref, e.title, "; ".join(e.files)] for e in report.appendix.evidence],
        )
    _properties(workbook, report)
    buffer = BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        # ExcelWriter, not Workbook.save, which would stamp the file with the time of saving.
        ExcelWriter(workbook, archive).save()
    return reproducible_zip(buffer.getvalue(), report.generated_at)


def _properties(workbook: Workbook, report: BoardReport) -> None:
    properties = workbook.properties
    properties.title = xml_text(report.running_title)
    properties.subject = xml_text(f"Position as at {report.cover.position_as_at}")
    properties.creator = xml_text(report.cover.generated_by)
    properties.lastModifiedBy = xml_text(report.cover.generated_by)
    when = (report.generated_at or EPOCH).astimezone(UTC).replace(tzinfo=None)
    properties.created = properties.modified = when


def _rag(line: ActionLine) -> Rag:
    return Rag(line.rag_key, line.rag_label)


def _previous(line: ActionLine) -> Rag:
    return Rag(line.previous_rag or "none", rag_label(line.previous_rag))


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _action_cells(a: ActionLine) -> list[Any]:
    """The cells under ACTION_COLUMNS."""
    return [a.priority, a.ref, a.title, a.lead, a.due_display, a.due, _rag(a)]


def _short(lines: Sequence[ActionLine]) -> tuple[list[Column], list[list[Any]]]:
    return ACTION_COLUMNS, [_action_cells(a) for a in lines]


def _kpi_row(kpi: KpiLine) -> list[Any]:
    status_key = STATUS_FILLS.get(kpi.status, "none")
    return [
        kpi.priority,
        kpi.name,
        _measured(kpi.latest_value, kpi.unit),
        kpi.latest_on,
        _measured(kpi.target_value, kpi.unit),
        kpi.target_on,
        Rag(status_key, kpi.status_label),
        _yes(kpi.stale),
        kpi.explanation,
    ]


class Measured(NamedTuple):
    """A KPI value: stored as a number, shown with its unit as every other format words it."""

    value: float
    unit: str | None


def _measured(value: float | None, unit: str | None) -> Measured | None:
    return None if value is None else Measured(value, unit)


def _put(sheet: Worksheet, row: int, column: int, value: Any):
    """One cell, formula-safe, with dates as real dates and RAG as its word on its fill."""
    cell = sheet.cell(row, column)
    if isinstance(value, Measured):
        write_text(cell, value.value)
        cell.number_format = excel_number_format(value.unit)
        return cell
    if isinstance(value, Rag):
        write_text(cell, value.label)
        if value.key in RAG_FILLS:
            cell.fill = PatternFill("solid", fgColor=RAG_FILLS[value.key])
            cell.font = Font(bold=True, color=RAG_FONT_COLOURS[value.key])
        else:
            cell.fill = NOT_RATED_FILL
            cell.font = BOLD
        return cell
    if isinstance(value, str):
        write_text(cell, xml_text(value))
    else:
        write_text(cell, value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
    return cell


def _sheet(sheet: Worksheet, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> None:
    """Title in row 1, headings in row 2 (frozen, with a filter), then one row per item."""
    write_text(sheet.cell(1, 1), xml_text(title)).font = TITLE
    for column, (heading, width) in enumerate(columns, start=1):
        cell = write_text(sheet.cell(2, column), heading)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row_number, values in enumerate(rows, start=3):
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, row_number, column, value)
            if isinstance(value, str) and len(value) > 40:
                cell.alignment = WRAP
    sheet.freeze_panes = "A3"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A2:{last}{max(2 + len(rows), 2)}"


def _cover(sheet: Worksheet, report: BoardReport) -> None:
    cover = report.cover
    _sheet(
        sheet,
        f"{cover.plan_title}: {cover.title}",
        [("Item", 22), ("Value", 90)],
        [
            ["Plan", cover.plan_title],
            ["Kind", cover.plan_kind],
            ["Area", cover.area],
            ["Review period", cover.period_with_dates],
            ["Board date", cover.board_date],
            ["Position as at", cover.as_at],
            ["Figures recorded by", cover.recorded_by],
            *([["Demo data", cover.demo_warning]] if cover.demo_data else []),
            *report.provenance,
        ],
    )


def _summary(sheet: Worksheet, report: BoardReport) -> None:
    summary = report.summary
    rag_keys = RAG_KEYS
    change_keys = CHANGE_KEYS
    rows: list[list[Any]] = [
        [
            r.number,
            r.title,
            *(r.distribution[k] for k in rag_keys),
            r.total,
            *(r.changes[k] for k in change_keys),
            r.overdue,
            r.updates_missing,
        ]
        for r in (*summary.priorities, summary.plan)
    ]
    rows[-1][0] = "All"
    compared = report.cover.compared_with or "previous period"
    _sheet(
        sheet,
        f"Summary as at {report.cover.position_as_at} (change since {compared})",
        [
            ("Priority", 9),
            ("Title", 50),
            ("Red", 8),
            ("Amber", 8),
            ("Green", 8),
            ("Blue (complete)", 10),
            ("Not rated", 9),
            ("Total", 8),
            ("Improved", 10),
            ("Worsened", 10),
            ("Unchanged", 10),
            ("Newly complete", 10),
            ("Newly rated", 10),
            ("Overdue", 9),
            ("Updates missing", 10),
        ],
        rows,
    )
    for column, key in enumerate(rag_keys, start=3):
        cell = sheet.cell(2, column)
        cell.fill = PatternFill("solid", fgColor=RAG_FILLS.get(key, "FFDDDDDD"))
        cell.font = Font(bold=True, color=RAG_FONT_COLOURS.get(key, "FF0B0C0C"))
    for column in range(1, 16):
        sheet.cell(2 + len(rows), column).font = BOLD
    start = 2 + len(rows) + 2
    figures = [
        ("KPIs by status", None),
        *summary.kpi_statuses,
        ("", None),
        ("Red or amber actions", summary.exceptions),
        ("Completion dates moved", summary.slipped),
        ("Completed this period", summary.completed),
        ("Due next period", summary.due_next),
        ("Checks to make", summary.checks),
    ]
    for offset, (label, count) in enumerate(figures):
        write_text(sheet.cell(start + offset, 2), label).font = BOLD if count is None else Font()
        if count is not None:
            write_text(sheet.cell(start + offset, 3), count)
