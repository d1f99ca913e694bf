"""Reading a KPI value upload: a CSV or Excel table of KPI, date, value and note, into rows to save and problems by
row and column. The numbers, dates and values themselves are judged by `wsoa.domain.kpi_values`.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from wsoa.domain.kpi_values import (
    NotADate,
    NotANumber,
    ValueDraft,
    format_number,
    parse_number,
    parse_value_date,
    resolve_value,
    uk_day,
)
from wsoa.importing.problems import OneLineRefusal
from wsoa.importing.safety import opened_workbook

MAX_UPLOAD_ROWS = 5000
MAX_BLANK_RUN = 1000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
HEADER_SEARCH_ROWS = 10


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class UploadUnreadable(OneLineRefusal):
    """The file cannot be read as a table of values; the reason is one line for the person who uploaded it."""


Cell = Any
Table = list[tuple[int, list[Cell]]]  # (row number as the spreadsheet shows it, cells)


def read_table(content: bytes, file_name: str) -> Table:
    """The rows of a .csv or .xlsx file, numbered as a spreadsheet shows them. Raises UploadUnreadable."""
    name = (file_name or "").lower()
    if not content:
        raise UploadUnreadable("the file is empty")
    if name.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UploadUnreadable("it is an old-style .xls workbook: save it as .xlsx or .csv and try again")
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    if name.endswith((".csv", ".txt")):
        return _read_csv(content)
    raise UploadUnreadable("it must be a CSV file (.csv) or an Excel workbook (.xlsx)")


def _read_csv(content: bytes) -> Table:
    if b"\x00" in content[:4096]:
        raise UploadUnreadable("it is not a text CSV file")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything; kept for the odd undefined byte
        raise UploadUnreadable("it is not a text CSV file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _collect(enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1))
    except csv.Error as error:
        raise UploadUnreadable(f"it could not be read as CSV ({error})") from None


def _collect(numbered_rows: Iterable[tuple[int, Iterable[Cell]]]) -> Table:
    """Rows up to the limit; a long run of empty rows (a formatted but unused sheet) ends the table."""
    rows: Table = []
    filled = blank_run = 0
    for number, row in numbered_rows:
        cells = list(row)
        if all(_blank(cell) for cell in cells):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
        else:
            blank_run = 0
            filled += 1
            if filled > MAX_UPLOAD_ROWS + 1:
                raise UploadUnreadable(f"it has more than {MAX_UPLOAD_ROWS:,} rows: split it into smaller files")
        rows.append((number, cells))
    return rows


def _read_xlsx(content: bytes) -> Table:
    if not content.startswith(b"PK"):
        raise UploadUnreadable("it is not an Excel workbook (.xlsx)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadUnreadable("the file is damaged (it is not a complete .xlsx file)") from None
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES or any(
        m.compress_size and m.file_size / m.compress_size > MAX_COMPRESSION_RATIO
        for m in members
        if m.file_size > 1024 * 1024
    ):
        raise UploadUnreadable("it expands to far more data than a table of values holds, so it was refused")
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise UploadUnreadable("it is a zip file but not an Excel workbook (.xlsx)")
    with opened_workbook(content, UploadUnreadable, lambda error: type(error).__name__) as workbook:
        sheet = workbook.worksheets[0]
        return _collect(
            (number, (_cell_value(cell) for cell in row)) for number, row in enumerate(sheet.iter_rows(), start=1)
        )


def _cell_value(cell) -> Cell:
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    # A cell formatted as a percentage holds 0.92 for 92%: take it as people see it.
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in number_format:
        return Decimal(str(value)) * 100
    return value


# Header words (lower case, letters and digits only) for each column.
COLUMNS = {
    "kpi": {"kpi", "kpiid", "kpiname", "kpinumber", "kpiref", "measure", "impactmeasure", "indicator", "id", "name"},
    "date": {"date", "period", "periodend", "asat", "dateofvalue", "valuedate", "month", "for", "dateorperiod"},
    "value": {"value", "figure", "actual", "result", "amount"},
    "note": {"note", "notes", "comment", "comments"},
    "numerator": {"numerator"},
    "denominator": {"denominator"},
}
COLUMN_TITLES = {
    "kpi": "KPI",
    "date": "Date",
    "value": "Value",
    "note": "Note",
    "numerator": "Numerator",
    "denominator": "Denominator",
}
REQUIRED_COLUMNS = ("kpi", "date", "value")


@dataclass(frozen=True)
class KpiRef:
    """What an upload may name a KPI by, and whether the uploader may record its values."""

    id: int
    name: str | None
    text: str | None
    unit: str | None = None
    is_ratio: bool = False
    may_record: bool = True


@dataclass(frozen=True)
class ValueRow:
    row: int
    kpi_id: int
    on: date
    value: Decimal
    note: str | None = None
    period_label: str | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str | None  # the column's title: KPI, Date, Value, Note
    message: str


@dataclass
class ParsedUpload:
    rows: list[ValueRow]
    problems: list[RowProblem]
    rows_read: int  # data rows after the header, empty ones included


def _heading(cell: Cell) -> str:
    return re.sub(r"[^a-z0-9]", "", str(cell or "").lower())


def _find_header(table: Table) -> tuple[int, dict[str, int]]:
    for index, (_, cells) in enumerate(table[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(cells):
            heading = _heading(cell)
            for key, words in COLUMNS.items():
                if heading in words and key not in columns:
                    columns[key] = position
                    break
        if "kpi" in columns and ("value" in columns or "date" in columns):
            missing = [COLUMN_TITLES[key] for key in REQUIRED_COLUMNS if key not in columns]
            if missing:
                raise UploadUnreadable(
                    f"it has no {' or '.join(missing)} column: the first row must name the columns "
                    "KPI, Date, Value and Note"
                )
            return index, columns
    raise UploadUnreadable("the first row must name the columns KPI, Date, Value and Note (Note is optional)")


def _normal(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


class _KpiIndex:
    def __init__(self, kpis: Sequence[KpiRef]):
        self.by_id = {kpi.id: kpi for kpi in kpis}
        self.by_words: dict[str, list[KpiRef]] = {}
        for kpi in kpis:
            for words in {_normal(kpi.name), _normal(kpi.text)} - {""}:
                self.by_words.setdefault(words, []).append(kpi)

    def find(self, cell: Cell) -> tuple[KpiRef | None, str | None]:
        if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
            if float(cell).is_integer() and int(cell) in self.by_id:
                return self.by_id[int(cell)], None
            return None, f"No KPI in this plan has the id {format_number(cell)}"
        text = str(cell).strip()
        if text.isdigit():
            if int(text) in self.by_id:
                return self.by_id[int(text)], None
            return None, f"No KPI in this plan has the id {text}"
        found = self.by_words.get(_normal(text), [])
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            return None, f"More than one KPI in this plan is called '{_short(text)}': use its id instead"
        return None, f"No KPI in this plan is called '{_short(text)}' (use its id or its name as shown on its page)"


def _cell(cells: list[Cell], position: int | None) -> Cell:
    if position is None or position >= len(cells):
        return None
    value = cells[position]
    return value.strip() if isinstance(value, str) else value


def parse_value_upload(table: Table, kpis: Sequence[KpiRef], *, today: date) -> ParsedUpload:
    """Good rows to save and every problem by row and column. Raises UploadUnreadable when there is no header row."""
    header_index, columns = _find_header(table)
    index = _KpiIndex(kpis)
    rows: list[ValueRow] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[int, date], int] = {}
    pending_blank: list[int] = []  # empty rows count as problems only when data follows them
    data = table[header_index + 1 :]
    for number, cells in data:
        if all(_blank(cell) for cell in cells):
            pending_blank.append(number)
            continue
        problems.extend(RowProblem(blank, None, "The row is empty") for blank in pending_blank)
        pending_blank = []
        row_problems: list[RowProblem] = []

        kpi_cell = _cell(cells, columns["kpi"])
        kpi = None
        if _blank(kpi_cell):
            row_problems.append(RowProblem(number, "KPI", "Enter the KPI's id or name"))
        else:
            kpi, message = index.find(kpi_cell)
            if kpi is None:
                row_problems.append(RowProblem(number, "KPI", message or "Unknown KPI"))
            elif not kpi.may_record:
                row_problems.append(
                    RowProblem(
                        number, "KPI", "You cannot record values for this KPI: its owner is a role you do not hold"
                    )
                )
                kpi = None

        on = period_label = None
        date_cell = _cell(cells, columns["date"])
        if _blank(date_cell):
            row_problems.append(RowProblem(number, "Date", "Enter the date or period the value is for"))
        else:
            try:
                on, period_label = parse_value_date(date_cell)
            except NotADate as error:
                row_problems.append(RowProblem(number, "Date", f"Date {error}"))

        numbers: dict[str, Decimal | None] = {}
        for key in ("value", "numerator", "denominator"):
            raw = _cell(cells, columns.get(key))
            try:
                numbers[key] = parse_number(raw)
            except NotANumber:
                row_problems.append(
                    RowProblem(number, COLUMN_TITLES[key], f"{COLUMN_TITLES[key]} '{_short(str(raw))}' is not a number")
                )
                numbers[key] = None
        number_columns = ("Value", "Numerator", "Denominator")
        if all(v is None for v in numbers.values()) and not any(p.column in number_columns for p in row_problems):
            row_problems.append(RowProblem(number, "Value", "Enter the value"))
        note_cell = _cell(cells, columns.get("note"))
        note = str(note_cell) if not _blank(note_cell) else None

        if not row_problems and kpi is not None and on is not None:
            draft = ValueDraft(
                on=on,
                value=numbers["value"],
                numerator=numbers["numerator"],
                denominator=numbers["denominator"],
                note=note,
                period_label=period_label,
            )
            value, value_problems = resolve_value(draft, unit=kpi.unit, is_ratio=kpi.is_ratio, today=today)
            for problem in value_problems:
                column = {"on": "Date", "period_label": "Date", "note": "Note"}.get(
                    problem.field, COLUMN_TITLES.get(problem.field, "Value")
                )
                if problem.field in ("numerator", "denominator") and problem.field not in columns:
                    column = "Value"  # no such column: the value itself is what is missing
                message = problem.message
                if problem.field == "on":
                    message = "Date must be today or in the past"
                row_problems.append(RowProblem(number, column, message))
            if not row_problems and value is not None:
                seen_key = (kpi.id, on)
                if seen_key in seen:
                    row_problems.append(
                        RowProblem(
                            number, "Date", f"Row {seen[seen_key]} already gives this KPI a value for {uk_day(on)}"
                        )
                    )
                else:
                    seen[seen_key] = number
                    rows.append(
                        ValueRow(
                            row=number,
                            kpi_id=kpi.id,
                            on=on,
                            value=value,
                            note=note,
                            period_label=period_label,
                            numerator=numbers["numerator"],
                            denominator=numbers["denominator"],
                        )
                    )
        problems.extend(row_problems)
    rows_read = len(data) - len(pending_blank)
    if not rows and not problems:
        raise UploadUnreadable("it has a header row but no values under it")
    return ParsedUpload(rows=rows, problems=problems, rows_read=rows_read)
