"""Building workbooks in the layouts councils use, for the importer's tests."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

from wsoa.importing.parsed import ParsedPlan
from wsoa.importing.workbook import read_workbook

STANDARD_HEADINGS = [
    "Outcome Ref",
    "Actions",
    "Completion Date",
    "Lead",
    "Delivery Partners",
    "Resources (cost and/or time)",
    "How will we know?",
    "Progress against actions/impact & RAG rating Nov 20",
]


def save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(workbook: Workbook) -> ParsedPlan:
    return read_workbook(save(workbook))


def solid(rgb: str | None = None, *, theme: int | None = None, tint: float = 0.0, indexed: int | None = None):
    """A solid fill from an rgb hex, a theme colour (with tint) or an indexed palette colour."""
    if theme is not None:
        return PatternFill("solid", fgColor=Color(theme=theme, tint=tint))
    if indexed is not None:
        return PatternFill("solid", fgColor=Color(indexed=indexed))
    return PatternFill("solid", fgColor=rgb)


def flat_plan(rows: list[list], headings: list[str] | None = None, title: str = "Testshire WSoA") -> Workbook:
    """One sheet for the whole plan, with priority and outcome columns: title on row 1, headings on row 3."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append([title])
    sheet.append([])
    sheet.append(headings or ["Priority", "Ref", "Action", "Deadline", "Owner", "Partners", "RAG", "Update"])
    for row in rows:
        sheet.append(row)
    return workbook


def priority_sheet(
    workbook: Workbook,
    number: int,
    title: str,
    *,
    outcomes: list[list] = (),
    measures: list[str] = (),
    rows: list[list] = (),
    headings: list[str] = STANDARD_HEADINGS,
    sheet_name: str | None = None,
):
    """One sheet per priority as the Shropshire plan lays it out: merged banners, outcomes and measures, the table."""
    sheet = workbook.create_sheet(sheet_name or f"Priority {number}")
    last = chr(ord("A") + len(headings) - 1)
    sheet.append([f"Priority {number}"])
    sheet.merge_cells(f"A1:{last}1")
    sheet.append([title])
    sheet.merge_cells(f"A2:{last}2")
    if outcomes:
        sheet.append(["Outcomes:"])
        for outcome in outcomes:
            sheet.append(outcome)
    if measures:
        sheet.append(["Impact measures:"])
        for measure in measures:
            sheet.append([None, measure])
    sheet.append([])
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    return sheet


def cover_sheet(workbook: Workbook, title: str) -> None:
    """A contents page: the plan's name and a list of what follows, no table of actions."""
    sheet = workbook.active
    sheet.title = "Contents"
    sheet.append([title])
    sheet.append([])
    sheet.append(["Contents:"])
    sheet.append([None, "Introduction", 2])
    sheet.append([None, "Priority 1", 5])
    sheet.append(["1.", "Weak strategic leadership"])
