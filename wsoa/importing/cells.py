"""Cell reading: a sheet's rows streamed with their values, fills and number formats, merged cells copied down, and
dates shown as the cell shows them.

Read-only worksheets do not expose merged cells or hidden columns, so those come from a streamed scan of each sheet's
XML for `<mergeCell>` and `<col hidden>` elements. Measured on the 5,000-action benchmark workbook: the scan costs
about 7 ms in all, while opening the workbook in normal mode instead (which does expose them) peaks at 23 MB just to
load, three times the 7.6 MB peak of the whole streamed read, and grows with every cell.
"""

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from openpyxl.utils import column_index_from_string

from wsoa.importing.rag import rag_from_fill

XML_SCAN_CHUNK = 1024 * 1024
XML_SCAN_OVERLAP = 2048  # longer than any <mergeCell> or <col> element, so none is missed at a chunk boundary

_ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3})(\d+):([A-Za-z]{1,3})(\d+)"')
_COLUMN_SPEC = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'\b(\w+)="([^"]*)"')


# -- sheet layout the streaming reader does not expose: merged cells and hidden columns ------------------------------


@dataclass(frozen=True)
class Merge:
    first_column: int  # 0-based
    first_row: int  # 1-based Excel row
    last_column: int
    last_row: int


@dataclass
class SheetLayout:
    merges: list[Merge] = field(default_factory=list)
    hidden_columns: set[int] = field(default_factory=set)  # 0-based


def sheet_layout(archive: zipfile.ZipFile, sheet_path: str | None) -> SheetLayout:
    layout = SheetLayout()
    if not sheet_path:
        return layout
    for chunk in _xml_chunks(archive, sheet_path.lstrip("/")):
        # Both elements are rare in a sheet's XML (column specs at the top, merges at the end): look before matching.
        merge_cells = _MERGE_CELL.findall(chunk) if b"mergeCell" in chunk else ()
        column_specs = _COLUMN_SPEC.findall(chunk) if b"hidden" in chunk else ()
        for first_col, first_row, last_col, last_row in merge_cells:
            merge = Merge(
                column_index_from_string(first_col.decode().upper()) - 1,
                int(first_row),
                column_index_from_string(last_col.decode().upper()) - 1,
                int(last_row),
            )
            if (merge.first_column, merge.first_row) != (merge.last_column, merge.last_row):
                layout.merges.append(merge)
        for attributes in column_specs:
            spec = dict(_ATTRIBUTE.findall(attributes))
            if spec.get(b"hidden") in (b"1", b"true") and spec.get(b"min", b"").isdigit():
                first, last = int(spec[b"min"]), int(spec.get(b"max", spec[b"min"]))
                # "Hide everything to the right" spans 16,384 columns; no plan's table is that wide.
                layout.hidden_columns.update(range(first - 1, min(last, first + 200)))
    layout.merges = sorted(set(layout.merges), key=lambda m: (m.first_row, m.first_column))
    return layout


def _xml_chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The part in overlapping chunks, so memory stays flat however large the sheet is."""
    try:
        stream = archive.open(name)
    except KeyError:
        return
    with stream:
        tail = b""
        while chunk := stream.read(XML_SCAN_CHUNK):
            buffer = tail + chunk
            yield buffer
            # Keep the end for the next round: an element cut in two here is whole there. Elements wholly inside
            # the overlap are seen twice; the caller de-duplicates merges and hidden columns are a set.
            tail = buffer[-XML_SCAN_OVERLAP:]


# -- rows and cell values --------------------------------------------------------------------------------------------


class Row:
    """One row with something in it: cleaned values by 0-based column, and the cells (for fills and formats)."""

    __slots__ = ("cells", "merged", "number", "values")

    def __init__(self, number: int, values: list, cells: tuple):
        self.number = number
        self.values = values
        self.cells = cells
        self.merged: tuple[int, ...] = ()  # columns whose value was copied down from a merged cell above

    def value(self, column: int | None):
        return self.values[column] if column is not None and column < len(self.values) else None

    def text(self, column: int | None) -> str | None:
        # Called a dozen times per action: written out rather than through value() to keep per-row work small.
        if column is None or column >= len(self.values):
            return None
        value = self.values[column]
        if value is None or value.__class__ is str:
            return value
        cell = self.cells[column] if column < len(self.cells) else None
        return display_text(value, getattr(cell, "number_format", None))

    def number_format(self, column: int | None) -> str | None:
        cell = self.cells[column] if column is not None and column < len(self.cells) else None
        return getattr(cell, "number_format", None)

    def texts(self) -> list[tuple[int, object]]:
        return [(column, value) for column, value in enumerate(self.values) if value is not None]

    def fill(self, column: int | None):
        if column is None or column >= len(self.cells):
            return None
        return getattr(self.cells[column], "fill", None)


def _clean_text(value: str) -> str | None:
    """Cell text with Excel's line breaks as plain newlines and its ends trimmed; None when nothing is left."""
    if "_x" in value:
        # OOXML escapes characters XML cannot hold, notably the carriage return of Excel line breaks (_x000D_).
        value = _ESCAPED_CHARACTER.sub(lambda match: chr(int(match.group(1), 16)), value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.strip() or None


def rows_of(sheet, merges: list[Merge]) -> Iterator[Row]:
    """The sheet's non-empty rows, streamed; a value in a merged cell is copied to every row the merge spans."""
    waiting = iter([merge for merge in merges if merge.last_row > merge.first_row])  # sorted by first row
    upcoming = next(waiting, None)
    active: list[tuple[Merge, object]] = []
    for cells in sheet.iter_rows():
        values = [_clean_text(value) if (value := cell.value).__class__ is str else value for cell in cells]
        number = next((cell.row for cell, value in zip(cells, values, strict=True) if value is not None), None)
        if number is None:
            continue
        row = Row(number, values, cells)
        if active:
            active = [(merge, value) for merge, value in active if merge.last_row >= number]
            _copy_merged_values(row, active)
        while upcoming is not None and upcoming.first_row <= number:
            if upcoming.first_row == number and (value := row.value(upcoming.first_column)) is not None:
                active.append((upcoming, value))
            upcoming = next(waiting, None)
        yield row


def _copy_merged_values(row: Row, active: list[tuple[Merge, object]]) -> None:
    merged = []
    for merge, value in active:
        column = merge.first_column
        if row.value(column) is None:
            if len(row.values) <= column:
                row.values.extend([None] * (column + 1 - len(row.values)))
            row.values[column] = value
            merged.append(column)
    row.merged = tuple(merged)


def display_text(value, number_format: str | None = None) -> str | None:
    """A cell value as the cell shows it: dates in their number format, whole numbers without '.0'."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date):
        return display_date(value, number_format)
    if isinstance(value, time | timedelta):
        return str(value)
    if isinstance(value, int | float):
        if number_format and number_format.endswith("%"):
            return f"{value * 100:.10g}%"
        return f"{value:.15g}"
    return str(value).strip() or None


_DATE_FORMAT_TOKEN = re.compile(
    r'"[^"]*"|\\.|\[[^\]]*\]|yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|[hs]|am/pm|a/p|.', re.IGNORECASE
)
# Excel shows its locale's short date for these built-in formats; the plans are English.
_LOCALE_SHORT_DATES = {"mm-dd-yy", "m/d/yy h:mm", "m/d/yy", "mm/dd/yy"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _date_tokens(number_format: str | None) -> list[str]:
    """The tokens of a number format's date part (day-first for locale short dates); the time of day says nothing
    about when an action is due, so it is left off."""
    pattern = (number_format or "").split(";")[0]
    if pattern.lower() in _LOCALE_SHORT_DATES:
        pattern = "dd/mm/yyyy"
    tokens = []
    for token in _DATE_FORMAT_TOKEN.findall(pattern):
        if token.lower() in ("h", "s", "am/pm", "a/p"):
            break
        tokens.append(token)
    return tokens


def display_date(value: date, number_format: str | None) -> str:
    """A date as Excel displays it under its number format, without the time."""
    day = value.date() if isinstance(value, datetime) else value
    parts: list[str] = []
    dated = False
    for token in _date_tokens(number_format):
        lower = token.lower()
        if lower in _DATE_PARTS:
            parts.append(_DATE_PARTS[lower](day))
            dated = True
        elif token.startswith('"'):
            parts.append(token[1:-1])
        elif token.startswith("\\"):
            parts.append(token[1:])
        elif not token.startswith("["):
            parts.append(token)
    text = "".join(parts).strip(" -/.,:T")
    return text if dated and text else f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def hides_the_day(number_format: str | None) -> bool:
    """Whether a date cell under this number format shows its month or year but not its day ("mmm-yy": Mar-21)."""
    shown = {token.lower() for token in _date_tokens(number_format)}
    return bool(shown & _DATE_PARTS.keys()) and not shown & {"d", "dd"}


_DATE_PARTS = {
    "yyyy": lambda day: f"{day.year:04d}",
    "yy": lambda day: f"{day.year % 100:02d}",
    "mmmmm": lambda day: _MONTHS[day.month - 1][0],
    "mmmm": lambda day: _MONTHS[day.month - 1],
    "mmm": lambda day: _MONTHS[day.month - 1][:3],
    "mm": lambda day: f"{day.month:02d}",
    "m": lambda day: str(day.month),
    "dddd": lambda day: _WEEKDAYS[day.weekday()],
    "ddd": lambda day: _WEEKDAYS[day.weekday()][:3],
    "dd": lambda day: f"{day.day:02d}",
    "d": lambda day: str(day.day),
}


# -- fills -----------------------------------------------------------------------------------------------------------


class FillColours:
    """Ratings from fills, resolved once per distinct fill (a workbook has a handful, used on thousands of cells)."""

    def __init__(self, theme: list, palette):
        self.theme = theme
        self.palette = palette
        self.by_fill: dict[int, tuple[object, str | None]] = {}

    def rating(self, fill) -> str | None:
        if fill is None:
            return None
        known = self.by_fill.get(id(fill))
        if known is None or known[0] is not fill:
            known = (fill, rag_from_fill(fill, self.theme, self.palette))
            self.by_fill[id(fill)] = known
        return known[1]
