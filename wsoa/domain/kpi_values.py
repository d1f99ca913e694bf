"""KPI definitions and values as people type or upload them: numbers, dates, milestone and benchmark lines, files.

Pure: no Flask, no database. Everything returns typed values plus problems located by field, line or row, in the
words shown to the person who typed them. Dates are UK style (31/03/2021); a month, term or quarter ("Mar 21",
"Q3 2021/22") stands for its last day and keeps its words as the period label.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from wsoa.domain.timeframes import parse_timeframe
from wsoa.domain.wording import UNITS, format_number, format_value, uk_day

DIRECTIONS = ("higher", "lower", "band")
DIRECTION_LABELS = {"higher": "Higher is better", "lower": "Lower is better", "band": "Hold within a band"}
FREQUENCIES = ("monthly", "termly", "quarterly", "annual")
FREQUENCY_LABELS = {"monthly": "Monthly", "termly": "Termly", "quarterly": "Quarterly", "annual": "Annual"}
# A value that is a numerator over a denominator is scaled by the unit: 92 of 100 is 92%, 6 of 10,000 a rate of 6.
RATIO_SCALE = {"%": Decimal(100), "rate per 10,000": Decimal(10000)}
PLACES = Decimal("0.0001")  # the database keeps four decimal places
LARGEST = Decimal("10000000000")  # Numeric(14, 4): anything this big is a typing mistake
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
MAX_NOTE = 2000
# A period's words as an upload's date column or the form gives them; the date reader reads no longer text.
MAX_PERIOD_LABEL = 200
MAX_UPLOAD_ROWS = 5000
MAX_BLANK_RUN = 1000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
HEADER_SEARCH_ROWS = 10

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")


class NotANumber(ValueError):
    pass


class NotADate(ValueError):
    pass


@dataclass(frozen=True)
class Problem:
    """Something wrong with one field of a form, in GOV.UK wording."""

    field: str
    message: str


# ---------------------------------------------------------------------------------------------------------------
# Numbers and dates.


def parse_number(raw: Any) -> Decimal | None:
    """A number as typed or read from a cell: '1,200', '85%', ' 12.5 ' or 12; None when blank; NotANumber otherwise."""
    if raw is None or isinstance(raw, bool):
        if isinstance(raw, bool):
            raise NotANumber(str(raw))
        return None
    if isinstance(raw, Decimal | int | float):
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            raise NotANumber(str(raw)) from None
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            return None
        text = _THOUSANDS.sub("", text).removesuffix("%")
        if not _NUMBER.match(text):
            raise NotANumber(str(raw))
        number = Decimal(text)
    if not number.is_finite() or abs(number) >= LARGEST:
        raise NotANumber(str(raw))
    return number.quantize(PLACES, rounding=ROUND_HALF_UP)


def parse_value_date(raw: Any) -> tuple[date, str | None]:
    """A date or a period: (the date, the period's words or None). Raises NotADate with the reason."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        _check_year(raw)
        return raw, None
    if raw is None or isinstance(raw, bool | int | float | Decimal):
        raise NotADate("must be a real date, for example 31/03/2021")
    text = " ".join(str(raw).split())
    if not text:
        raise NotADate("is missing")
    timeframe = parse_timeframe(text)
    if (
        timeframe.problem
        or timeframe.end is None
        or timeframe.start is None
        or timeframe.ongoing
        or timeframe.recurring
        or timeframe.note
    ):
        raise NotADate(f"'{_short(text)}' is not a date, month, term or quarter (for example 31/03/2021 or Mar 21)")
    _check_year(timeframe.end)
    return timeframe.end, (None if timeframe.start == timeframe.end else text)


def _check_year(day: date) -> None:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise NotADate(f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------------------------
# Milestones and benchmarks, one per line.


@dataclass(frozen=True)
class Milestone:
    on: date
    value: Decimal


@dataclass(frozen=True)
class Benchmark:
    label: str
    value: Decimal
    on: date | None = None


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


def _split_first(line: str) -> tuple[str, str] | None:
    for separator in ("\t", ";", ","):
        if separator in line:
            left, right = line.split(separator, 1)
            return left.strip(), right.strip()
    return None


def parse_milestones(text: str | None) -> tuple[list[Milestone], list[LineProblem]]:
    """'31/03/2021, 60' per line: the date, a comma, the value expected by then. Sorted by date."""
    milestones: list[Milestone] = []
    problems: list[LineProblem] = []
    seen: dict[date, int] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = _split_first(line)
        if parts is None or not parts[0] or not parts[1]:
            problems.append(LineProblem(number, "enter a date, a comma, then the value, for example 31/03/2021, 60"))
            continue
        try:
            on, _ = parse_value_date(parts[0])
        except NotADate as error:
            problems.append(LineProblem(number, f"the date {error}"))
            continue
        try:
            value = parse_number(parts[1])
        except NotANumber:
            problems.append(LineProblem(number, f"the value '{_short(parts[1])}' must be a number"))
            continue
        if value is None:
            problems.append(LineProblem(number, "enter the value expected by the date"))
            continue
        if on in seen:
            problems.append(LineProblem(number, f"there is already a milestone for {uk_day(on)} on line {seen[on]}"))
            continue
        seen[on] = number
        milestones.append(Milestone(on, value))
    return sorted(milestones, key=lambda m: m.on), problems


def parse_benchmarks(text: str | None) -> tuple[list[Benchmark], list[LineProblem]]:
    """'England average, 0.06, 31/08/2020' per line: what it is, its value and (optionally) the date of the figure."""
    benchmarks: list[Benchmark] = []
    problems: list[LineProblem] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        separator = "\t" if "\t" in line else ","
        parts = [part.strip() for part in line.split(separator)]
        on = None
        if len(parts) >= 3 and not _is_number(parts[-1]):
            try:
                on, _ = parse_value_date(parts[-1])
            except NotADate as error:
                problems.append(LineProblem(number, f"the date {error}"))
                continue
            parts = parts[:-1]
        label = (", " if separator == "," else " ").join(part for part in parts[:-1] if part)
        if len(parts) < 2 or not parts[-1] or not label:
            problems.append(
                LineProblem(
                    number, "enter what it is, its value and its date, for example England average, 0.06, 31/08/2020"
                )
            )
            continue
        try:
            value = parse_number(parts[-1])
        except NotANumber:
            problems.append(LineProblem(number, f"the value '{_short(parts[-1])}' must be a number"))
            continue
        if value is None:  # pragma: no cover - an empty last part is caught above
            continue
        if len(label) > 120:
            problems.append(LineProblem(number, "the name of the benchmark must be 120 characters or fewer"))
            continue
        benchmarks.append(Benchmark(label, value, on))
    return benchmarks, problems


def _is_number(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except NotANumber:
        return False


def _dmy(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def milestones_text(milestones: Iterable[Any]) -> str:
    """Milestones back as the lines people edit (anything with `on` and `value`)."""
    return "\n".join(f"{_dmy(m.on)}, {format_number(m.value).replace(',', '')}" for m in milestones)


def benchmarks_text(benchmarks: Iterable[Any]) -> str:
    """Benchmarks back as the lines people edit (anything with `label`, `value` and `on`)."""
    lines = []
    for b in benchmarks:
        line = f"{b.label}, {format_number(b.value).replace(',', '')}"
        lines.append(f"{line}, {_dmy(b.on)}" if b.on else line)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# A KPI definition.


@dataclass
class KpiDraft:
    """A KPI definition as entered, already typed (numbers as Decimal, dates as date)."""

    name: str | None
    text: str | None
    unit: str | None
    direction: str | None
    outcome_id: int | None = None
    baseline_value: Decimal | None = None
    baseline_date: date | None = None
    target_value: Decimal | None = None
    target_date: date | None = None
    tolerance: Decimal | None = None
    band_low: Decimal | None = None
    band_high: Decimal | None = None
    is_ratio: bool = False
    frequency: str | None = None
    data_source: str | None = None
    owner_role_id: int | None = None
    milestones: list[Milestone] = field(default_factory=list)
    benchmarks: list[Benchmark] = field(default_factory=list)


def check_definition(draft: KpiDraft) -> list[Problem]:
    """Everything wrong with a KPI definition, in the order of the form. A target of 0 is a real target."""
    problems: list[Problem] = []
    if not (draft.name or "").strip():
        problems.append(Problem("name", "Enter a name for the KPI"))
    elif len(draft.name.strip()) > 200:
        problems.append(Problem("name", "Name must be 200 characters or fewer"))
    if not (draft.text or "").strip():
        problems.append(Problem("text", "Enter the impact measure as it is written in the plan"))
    if draft.unit not in UNITS:
        problems.append(Problem("unit", "Select the unit the KPI is measured in"))
    if draft.direction not in DIRECTIONS:
        problems.append(Problem("direction", "Select whether higher or lower is better, or a band to hold within"))
    for name, words in (("baseline", "baseline"), ("target", "target")):
        value, on = getattr(draft, f"{name}_value"), getattr(draft, f"{name}_date")
        if value is not None and on is None:
            problems.append(
                Problem(
                    f"{name}_date",
                    "Enter the date of the baseline" if name == "baseline" else "Enter the date the target is due",
                )
            )
        if on is not None and value is None:
            problems.append(Problem(f"{name}_value", f"Enter the {words} value"))
    if draft.baseline_date and draft.target_date and draft.target_date <= draft.baseline_date:
        problems.append(Problem("target_date", "Target date must be after the baseline date"))
    if draft.baseline_value is not None and draft.target_value is not None:
        if draft.direction == "higher" and draft.target_value < draft.baseline_value:
            problems.append(
                Problem("direction", "The target is lower than the baseline, so higher cannot be better: check both")
            )
        if draft.direction == "lower" and draft.target_value > draft.baseline_value:
            problems.append(
                Problem("direction", "The target is higher than the baseline, so lower cannot be better: check both")
            )
    if draft.direction == "band":
        if draft.band_low is None and draft.band_high is None:
            problems.append(Problem("band_low", "Enter the lowest value, the highest value, or both, of the band"))
        elif draft.band_low is not None and draft.band_high is not None and draft.band_high < draft.band_low:
            problems.append(
                Problem("band_high", "Highest value of the band must be the same as or more than the lowest")
            )
    if draft.tolerance is not None and draft.tolerance < 0:
        problems.append(Problem("tolerance", "Tolerance must be 0 or more"))
    if draft.frequency is not None and draft.frequency not in FREQUENCIES:
        problems.append(Problem("frequency", "Select how often the KPI is reported"))
    if draft.data_source and len(draft.data_source) > 300:
        problems.append(Problem("data_source", "Data source must be 300 characters or fewer"))
    for milestone in draft.milestones:
        if draft.baseline_date and milestone.on <= draft.baseline_date:
            problems.append(
                Problem("milestones", f"Milestone for {uk_day(milestone.on)} must be after the baseline date")
            )
        if draft.target_date and milestone.on >= draft.target_date:
            problems.append(
                Problem("milestones", f"Milestone for {uk_day(milestone.on)} must be before the target date")
            )
    if draft.milestones and draft.target_date is None:
        problems.append(Problem("target_date", "Enter the target and its date: milestones lead up to a target"))
    return problems


# ---------------------------------------------------------------------------------------------------------------
# A recorded value.


@dataclass(frozen=True)
class ValueDraft:
    on: date | None
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str | None = None
    period_label: str | None = None


def resolve_value(
    draft: ValueDraft, *, unit: str | None, is_ratio: bool, today: date
) -> tuple[Decimal | None, list[Problem]]:
    """The value to store and what is wrong: with a numerator and denominator, the value is worked out from them."""
    problems: list[Problem] = []
    if draft.on is None:
        problems.append(Problem("on", "Enter the date the value is for"))
    elif draft.on > today:
        problems.append(Problem("on", "Date the value is for must be today or in the past"))
    value = draft.value
    numerator, denominator = draft.numerator, draft.denominator
    if numerator is not None or denominator is not None:
        if not is_ratio:
            problems.append(Problem("value", "This KPI is not a numerator over a denominator: enter only the value"))
        elif numerator is None:
            problems.append(Problem("numerator", "Enter the numerator"))
        elif denominator is None:
            problems.append(Problem("denominator", "Enter the denominator"))
        elif numerator < 0:
            problems.append(Problem("numerator", "Numerator must be 0 or more"))
        elif denominator <= 0:
            problems.append(Problem("denominator", "Denominator must be more than 0"))
        elif unit == "%" and numerator > denominator:
            problems.append(Problem("numerator", "Numerator must not be more than the denominator"))
        else:
            scale = RATIO_SCALE.get(unit or "", Decimal(1))
            worked_out = (numerator / denominator * scale).quantize(PLACES, rounding=ROUND_HALF_UP)
            if value is not None and abs(value - worked_out) > max(Decimal("0.05"), abs(worked_out) / 1000):
                problems.append(
                    Problem(
                        "value",
                        f"Value does not match the numerator and denominator, which give "
                        f"{format_value(worked_out, unit)}: leave the value empty to use that",
                    )
                )
            value = worked_out
    elif value is None:
        if is_ratio:
            problems.append(Problem("numerator", "Enter the numerator and denominator, or the value"))
        else:
            problems.append(Problem("value", "Enter the value"))
    if draft.note and len(draft.note) > MAX_NOTE:
        problems.append(Problem("note", f"Note must be {MAX_NOTE:,} characters or fewer"))
    if draft.period_label and len(draft.period_label) > MAX_PERIOD_LABEL:
        problems.append(Problem("period_label", f"Period must be {MAX_PERIOD_LABEL} characters or fewer"))
    for name, words, what in (("note", draft.note, "Note"), ("period_label", draft.period_label, "Period")):
        if words and "\x00" in words:  # a NUL, which a CSV file can hold and no database stores
            problems.append(Problem(name, f"{what} holds a character that cannot be saved (a null): remove it"))
    return (value if not problems else None), problems


# ---------------------------------------------------------------------------------------------------------------
# Uploads: a CSV or Excel table of KPI, date, value and note.


class UploadUnreadable(Exception):
    """The file cannot be read as a table of values; the reason is one line for the person who uploaded it."""

    def __init__(self, reason: str):
        self.reason = " ".join(str(reason).split())
        super().__init__(self.reason)


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
    from openpyxl import load_workbook  # imported here: only uploads need it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        raise UploadUnreadable(f"it could not be opened as an Excel workbook ({type(error).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        return _collect(
            (number, (_cell_value(cell) for cell in row)) for number, row in enumerate(sheet.iter_rows(), start=1)
        )
    except UploadUnreadable:
        raise
    except Exception as error:
        raise UploadUnreadable(f"its contents could not be read ({type(error).__name__})") from None
    finally:
        workbook.close()


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
                key = (kpi.id, on)
                if key in seen:
                    row_problems.append(
                        RowProblem(number, "Date", f"Row {seen[key]} already gives this KPI a value for {uk_day(on)}")
                    )
                else:
                    seen[key] = number
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
