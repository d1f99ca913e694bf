"""The whole plan as an .xlsx in the standard WSoA layout, which the importer reads back to the same plan."""

from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from wsoa.domain.rag import rag_label
from wsoa.reports.cells import write_text

RAG_FILLS = {"red": "FFD4351C", "amber": "FFF47738", "green": "FF00703C", "blue": "FF1D70B8"}
RAG_FONT_COLOURS = {"red": "FFFFFFFF", "amber": "FF0B0C0C", "green": "FFFFFFFF", "blue": "FFFFFFFF"}
HEADINGS = (
    "Action Ref",
    "Actions",
    "Completion Date",
    "Lead",
    "Delivery Partners",
    "Resources (cost and/or time)",
    "How will we know?",
)
WIDTHS = (10, 60, 16, 12, 30, 28, 45)
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


@dataclass
class ExportUpdate:
    period: str | None
    rag: str | None
    progress: str | None


@dataclass
class ExportAction:
    ref: str
    outcome_ref: str | None
    section: str | None
    title: str
    due_text: str | None
    lead: str | None
    partners: str | None
    resources: str | None
    success_criteria: str | None
    extra_fields: dict[str, str]
    updates: list[ExportUpdate]  # the latest update of each period, oldest period first


@dataclass
class ExportPriority:
    number: int
    title: str
    outcomes: list[tuple[str, str]]
    kpis: list[str]
    actions: list[ExportAction] = field(default_factory=list)


@dataclass
class ExportRole:
    code: str
    title: str | None
    organisation: str | None
    person: str | None


@dataclass
class ExportPlan:
    title: str
    periods: list[str | None]  # None: progress recorded with no review period
    priorities: list[ExportPriority]
    roles: list[ExportRole]


def plan_workbook(plan: ExportPlan) -> bytes:
    """Contents sheet, one sheet per priority (banner, outcomes, impact measures, action table), key roles."""
    workbook = Workbook()
    contents = workbook.active
    contents.title = "Contents"
    write_text(contents.cell(1, 1), plan.title).font = Font(bold=True, size=14)
    write_text(contents.cell(3, 1), "Priorities:").font = BOLD
    for row, priority in enumerate(plan.priorities, start=4):
        write_text(contents.cell(row, 1), f"{priority.number}.")
        write_text(contents.cell(row, 2), priority.title)
    contents.column_dimensions["B"].width = 100
    for priority in plan.priorities:
        _priority_sheet(workbook, priority, plan.periods)
    _roles_sheet(workbook, plan.roles)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _priority_sheet(workbook: Workbook, priority: ExportPriority, periods: list[str | None]) -> None:
    sheet = workbook.create_sheet(f"Priority {priority.number}")
    extra_names = sorted({name for action in priority.actions for name in action.extra_fields})
    headings = [*HEADINGS, *(h for label in periods for h in _period_headings(label)), *extra_names]
    last_column = get_column_letter(len(headings))
    write_text(sheet.cell(1, 1), f"Priority {priority.number}").font = Font(bold=True, size=14)
    write_text(sheet.cell(2, 1), priority.title).font = BOLD
    sheet.merge_cells(f"A1:{last_column}1")
    sheet.merge_cells(f"A2:{last_column}2")
    row = 3
    if priority.outcomes:
        write_text(sheet.cell(row, 1), "Outcomes:").font = BOLD
        for ref, text in priority.outcomes:
            row += 1
            write_text(sheet.cell(row, 1), ref)
            write_text(sheet.cell(row, 2), text).alignment = WRAP
        row += 1
    if priority.kpis:
        write_text(sheet.cell(row, 1), "Impact measures:").font = BOLD
        for text in priority.kpis:
            row += 1
            write_text(sheet.cell(row, 2), text).alignment = WRAP
        row += 1
    row += 1
    header_row = row
    for column, heading in enumerate(headings, start=1):
        cell = write_text(sheet.cell(header_row, column), heading)
        cell.font = BOLD
        cell.alignment = WRAP
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    current_group: tuple[str | None, str | None] | None = None
    for action in priority.actions:
        group = (action.outcome_ref, action.section)
        if group != current_group and (action.outcome_ref or action.section):
            row += 1
            write_text(sheet.cell(row, 1), action.outcome_ref)
            write_text(sheet.cell(row, 2), action.section).font = BOLD
        current_group = group
        row += 1
        values = [
            action.ref,
            action.title,
            action.due_text,
            action.lead,
            action.partners,
            action.resources,
            action.success_criteria,
        ]
        by_period = {update.period: update for update in action.updates}
        for label in periods:
            update = by_period.get(label)
            values += [update.progress if update else None, update.rag if update else None]
        values += [action.extra_fields.get(name) for name in extra_names]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column)
            if headings[column - 1].startswith("RAG") and value:
                write_text(cell, rag_label(value))
                cell.fill = PatternFill("solid", fgColor=RAG_FILLS[value])
                cell.font = Font(bold=True, color=RAG_FONT_COLOURS[value])
            else:
                write_text(cell, value)
            cell.alignment = WRAP
    for column, heading in enumerate(headings, start=1):
        width = WIDTHS[column - 1] if column <= len(WIDTHS) else (12 if heading.startswith("RAG ") else 45)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{max(row, header_row)}"


def _period_headings(label: str | None) -> tuple[str, str]:
    return (f"Progress {label}", f"RAG {label}") if label else ("Progress", "RAG")


def _roles_sheet(workbook: Workbook, roles: list[ExportRole]) -> None:
    sheet = workbook.create_sheet("Key roles")
    write_text(sheet.cell(1, 1), "Key roles").font = Font(bold=True, size=14)
    for column, heading in enumerate(("Code", "Role", "Organisation", "Name"), start=1):
        write_text(sheet.cell(3, column), heading).font = BOLD
    for row, role in enumerate(roles, start=4):
        for column, value in enumerate((role.code, role.title, role.organisation, role.person), start=1):
            write_text(sheet.cell(row, column), value)
    for column, width in zip("ABCD", (12, 45, 30, 30), strict=True):
        sheet.column_dimensions[column].width = width
