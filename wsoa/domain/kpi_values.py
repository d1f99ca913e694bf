"""KPI definitions and values as people type or upload them: numbers, dates, milestone and benchmark lines.

Pure: no Flask, no database. Everything returns typed values plus problems located by field, line or row, in the
words shown to the person who typed them. Dates are UK style (31/03/2021); a month, term or quarter ("Mar 21",
"Q3 2021/22") stands for its last day and keeps its words as the period label.
"""

import re
from collections.abc import Iterable
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
    elif len((draft.name or "").strip()) > 200:
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
