"""Building workbooks in the layouts councils use, for the importer's tests."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import PatternFill


def save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def solid(rgb: str | None = None, *, theme: int | None = None, tint: float = 0.0, indexed: int | None = None):
    if theme is not None:
        from openpyxl.styles.colors import Color

        return PatternFill("solid", fgColor=Color(theme=theme, tint=tint))
    if indexed is not None:
        from openpyxl.styles.colors import Color

        return PatternFill("solid", fgColor=Color(indexed=indexed))
    return PatternFill("solid", fgColor=rgb)


def flat_plan(rows: list[list], headings: list[str] | None = None, title: str = "Testshire WSoA") -> Workbook:
    """One sheet for the whole plan, with priority and outcome columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append([title])
    sheet.append([])
    sheet.append(headings or ["Priority", "Ref", "Action", "Deadline", "Owner", "Partners", "RAG", "Update"])
    for row in rows:
        sheet.append(row)
    return workbook
