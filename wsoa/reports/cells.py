"""Writing spreadsheet cells that Excel will never run as formulas."""

from typing import Any

from openpyxl.cell.cell import Cell

# Text starting with these can be taken as a formula by Excel or by a CSV reader (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def write_text(cell: Cell, value: Any) -> Cell:
    """Put a value in a cell as data: strings are stored as text, never as a formula, whatever they start with."""
    cell.value = value
    if isinstance(value, str):
        # openpyxl turns any string starting with "=" into a formula; force the string type, and mark
        # formula-like text with Excel's quote prefix so re-editing the cell in Excel keeps it as text too.
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    return cell
