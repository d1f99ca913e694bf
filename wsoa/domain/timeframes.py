"""Completion dates as plans write them ("Dec 20", "Sep 20 and ongoing", "Q3 2021/22") turned into timeframes.

The original text is always kept; what can be derived is derived, and what cannot is flagged, never an error.
Two-digit years are years: "Dec 20" is December 2020, due by its end, never the 20th of December.
Day-first (UK) order always: "04/05/2021" is the 4th of May.

Choices the design left open (see DESIGN.md section 1):
- "From Dec 20 and ongoing", "From Dec 20" and "Dec 20 onwards" start then and have no due date (end None, ongoing
  True): the work begins in December and carries on, so reading it as "due by 31 Dec 2020" would call it overdue from
  January while it is going exactly to plan. "Sep 20 and ongoing" is different: due by the end of September, then kept
  going.
- School terms span the widest months they can fill in any year, so a due date is never earlier than the term really
  ends: autumn 1 Sep to 31 Dec, spring 1 Jan to 30 Apr (Easter can fall late in April), summer 1 Apr to 31 Jul.
  "Spring term 2021/22" is spring 2022 (academic year).
- "Q3 2021" alone is not read: a financial-year and a calendar-year Q3 are different months. "Q3 2021/22" is.
- "w/c 4 Jan 21" (week commencing) runs from that day to six days later.
- A recurrence alone ("Termly") has no due date and is not a problem; `ongoing` is only set by words that say so
  ("ongoing", "from", "onwards"), so "Jun 21 and annually thereafter" is due end of June 2021 and not ongoing.
- A date whose year is before 2000 or after 2050 is kept but flagged ("Dec 99" is December 2099).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

__all__ = ["Timeframe", "parse_timeframe"]

# Spelled out rather than taken from `calendar`, whose names follow the process locale.
_MONTH_NAMES: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_NUMBERS: Final[dict[str, int]] = {
    spelling: number
    for number, name in enumerate(_MONTH_NAMES, start=1)
    for spelling in (name.lower(), name[:3].lower())
} | {"sept": 9}

# (first month, last month) of each school term; see the module docstring for why these are the widest spans.
TERM_MONTHS: Final[dict[str, tuple[int, int]]] = {"autumn": (9, 12), "spring": (1, 4), "summer": (4, 7)}

RECURRENCES: Final[dict[str, str]] = {
    "annually": "annually",
    "yearly": "annually",
    "every year": "annually",
    "each year": "annually",
    "termly": "termly",
    "every term": "termly",
    "each term": "termly",
    "half-termly": "half-termly",
    "half termly": "half-termly",
    "quarterly": "quarterly",
    "every quarter": "quarterly",
    "monthly": "monthly",
    "every month": "monthly",
    "fortnightly": "fortnightly",
    "weekly": "weekly",
}

PLAUSIBLE_YEARS: Final = range(2000, 2051)
_LONGEST_DATE: Final = 200  # longer text is prose, not a date; capping it also bounds the work done on it
_QUOTE_LIMIT: Final = 60  # problem messages are one line in a list and must fit a 300-character column

_MONTH = r"(?P<month>" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>\d{4}|\d{2})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_FINANCIAL_YEAR = r"(?:(?:fy|financial\s+year)\s*)?(?P<first>\d{4})\s*[/\-]\s*(?P<second>\d{4}|\d{2})"
_FY_SHORT = r"(?:fy|financial\s+year)\s*(?P<first>\d{2})\s*[/\-]\s*(?P<second>\d{2})"
_QUARTER = r"(?:q|quarter\s*)(?P<quarter>\d)"

_PARENTHESISED = re.compile(r"\((?P<note>[^()]*)\)")
_RECURRING = re.compile(
    r"(?:[\s,;]*(?:\b(?:and|then)\b|[&+])\s*(?:then\s+)?|\s*[-–—]\s*|\b)"
    r"(?P<how>" + "|".join(sorted(RECURRENCES, key=len, reverse=True)).replace(" ", r"\s+") + r")"
    r"(?:\s+(?:thereafter|after\s+that|afterwards))?\b",
    re.IGNORECASE,
)
# "Oct 20 - ongoing" and "Oct 20 to ongoing" say the work starts in October rather than being due then.
_TO_ONGOING = re.compile(r"\s*(?:[-–—]|\b(?:to|until|till)\b)\s*\bon[\s-]?going\b", re.IGNORECASE)
_ONGOING = re.compile(r"(?:[\s,;]*(?:\b(?:and|then)\b|[&+])\s*(?:then\s+)?|\b)on[\s-]?going\b", re.IGNORECASE)
_ONWARDS = re.compile(r"\s*\bonwards?\b", re.IGNORECASE)
_FROM = re.compile(r"^(?:from|starting(?:\s+from)?|commencing|start(?:s|ing)?(?:\s+in)?)\b\s*", re.IGNORECASE)
_WEEK_COMMENCING = re.compile(r"^(?:w/?[cb]|week\s+(?:commencing|beginning|starting))\b\.?:?\s*", re.IGNORECASE)
# Words before a date that do not change which date it is ("by the end of March 2021", "Target: Dec 20").
_LEADING_FILLER = re.compile(
    r"^(?:by|due|target(?:\s+date)?|deadline|date|until|till|to|in|during|within|no\s+later\s+than|the|end(?:\s+of)?)"
    r"\b[\s:]*",
    re.IGNORECASE,
)
_EDGE_PUNCTUATION = " \t\n.,;:-–—"
_TO_BE_CONFIRMED = re.compile(r"^(?:tbc|tba|tbd|to\s+be\s+(?:confirmed|agreed|decided|arranged|determined))$", re.I)
_NOT_APPLICABLE = re.compile(r"^(?:n/?a|not\s+applicable)$", re.IGNORECASE)
_RANGE_CONNECTOR = re.compile(r"\s+(?:to|until|till|through|thru)\s+|\s*[-–—]\s*", re.IGNORECASE)
_BARE_MONTH = re.compile("^" + _MONTH + "$", re.IGNORECASE)
_TRAILING_NOTE_SEPARATOR = re.compile(r"^\s*(?:[-–—:;,]|\.\s)\s*")


class _NotUnderstood(ValueError):
    """Raised inside the parser only; `definite` means the text had a date's shape but named no real date."""

    def __init__(self, message: str, *, definite: bool = False) -> None:
        super().__init__(message)
        self.definite = definite


@dataclass(frozen=True)
class Timeframe:
    """A completion date as written, with what could be derived from it."""

    text: str | None
    start: date | None = None
    end: date | None = None
    ongoing: bool = False
    recurring: str | None = None
    note: str | None = None
    problem: str | None = None

    @property
    def is_dated(self) -> bool:
        """Whether a due date (the end of the timeframe) could be derived."""
        return self.end is not None


_Span = tuple[date, date]
_Reader = Callable[[dict[str, str]], _Span | None]


def _year(digits: str) -> int:
    # Two digits are always this century: plans are written from 2016 onwards.
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_of_next - timedelta(days=1)


def _month_span(year: int, month: int) -> _Span:
    return date(year, month, 1), _month_end(year, month)


def _day(year: int, month: int, day: int) -> _Span:
    exact = date(year, month, day)
    return exact, exact


def _read_numeric_date(parts: dict[str, str]) -> _Span:
    return _day(_year(parts["year"]), int(parts["month"]), int(parts["day"]))


def _read_named_date(parts: dict[str, str]) -> _Span:
    return _day(_year(parts["year"]), MONTH_NUMBERS[parts["month"].lower()], int(parts["day"]))


def _read_month_year(parts: dict[str, str]) -> _Span:
    return _month_span(_year(parts["year"]), MONTH_NUMBERS[parts["month"].lower()])


def _read_numeric_month(parts: dict[str, str]) -> _Span:
    return _month_span(int(parts["year"]), int(parts["month"]))


def _financial_first_year(parts: dict[str, str]) -> int | None:
    """The April year of "2021/22"; None when the two years are not consecutive (so it is no financial year)."""
    first, second = _year(parts["first"]), parts["second"]
    follows = int(second) == first + 1 if len(second) == 4 else int(second) == (first + 1) % 100
    return first if follows else None


def _read_financial_year(parts: dict[str, str]) -> _Span | None:
    first = _financial_first_year(parts)
    return None if first is None else (date(first, 4, 1), date(first + 1, 3, 31))


def _read_quarter(parts: dict[str, str]) -> _Span | None:
    first = _financial_first_year(parts)
    if first is None:
        return None
    quarter = int(parts["quarter"])
    if not 1 <= quarter <= 4:
        raise _NotUnderstood(f"Q{quarter} is not a real quarter (there are four, Q1 to Q4)", definite=True)
    # Financial quarters: Q1 April-June ... Q4 January-March of the second year.
    start_month = 3 * quarter + 1
    year = first + (start_month > 12)
    start_month = (start_month - 1) % 12 + 1
    return date(year, start_month, 1), _month_end(year, start_month + 2)


def _read_ambiguous_quarter(parts: dict[str, str]) -> _Span:
    raise _NotUnderstood(
        f"Q{parts['quarter']} {parts['year']} could be a calendar or a financial-year quarter; "
        f"write the financial year, for example Q{parts['quarter']} {parts['year']}/{(int(parts['year']) + 1) % 100:02d}",
        definite=True,
    )


def _term_span(term: str, year: int) -> _Span:
    first_month, last_month = TERM_MONTHS[term.lower()]
    return date(year, first_month, 1), _month_end(year, last_month)


def _read_term(parts: dict[str, str]) -> _Span:
    return _term_span(parts["term"], _year(parts["year"]))


def _read_academic_term(parts: dict[str, str]) -> _Span | None:
    first = _financial_first_year(parts)
    if first is None:
        return None
    return _term_span(parts["term"], first if parts["term"].lower() == "autumn" else first + 1)


def _read_year(parts: dict[str, str]) -> _Span:
    year = int(parts["year"])
    return date(year, 1, 1), date(year, 12, 31)


# Tried in order against a whole piece of text; a reader returning None means "not this form after all".
# `searchable` forms are also looked for inside longer text; a bare year is too loose for that ("Easter 2021").
_FORMS: Final[list[tuple[str, _Reader, bool]]] = [
    (r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})", _read_numeric_date, True),
    (r"(?P<day>\d{1,2})(?P<sep>\s*[/.\-]\s*|\s+)(?P<month>\d{1,2})(?P=sep)" + _YEAR, _read_numeric_date, True),
    (_WEEKDAY + _DAY + r"(?:\s+of\s+|\s+|[-/.]|)" + _MONTH + r"(?:,?\s+|[-/.']|)" + _YEAR, _read_named_date, True),
    (_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+(?P<year>\d{4})", _read_named_date, True),
    (_QUARTER + r"\s*(?:of\s+)?" + _FINANCIAL_YEAR, _read_quarter, True),
    (_QUARTER + r"\s*(?:of\s+)?" + _FY_SHORT, _read_quarter, True),
    (r"(?P<first>\d{2})\s*[/\-]\s*(?P<second>\d{2})\s*" + _QUARTER, _read_quarter, True),
    (_QUARTER + r"\s*(?P<first>\d{2})\s*[/\-]\s*(?P<second>\d{2})", _read_quarter, True),
    (_FINANCIAL_YEAR + r"\s*" + _QUARTER, _read_quarter, True),
    (_FY_SHORT + r"\s*" + _QUARTER, _read_quarter, True),
    (_QUARTER + r"\s+(?P<year>\d{4})", _read_ambiguous_quarter, True),
    (r"(?P<term>autumn|spring|summer)(?:\s+term)?\s*" + _FINANCIAL_YEAR, _read_academic_term, True),
    (r"(?P<term>autumn|spring|summer)(?:\s+term)?\s*" + _YEAR, _read_term, True),
    (_MONTH + r"[\s\-'’‘/.,]*" + _YEAR, _read_month_year, True),
    (_FINANCIAL_YEAR, _read_financial_year, True),
    (_FY_SHORT, _read_financial_year, True),
    (r"(?P<month>\d{1,2})\s*[/.\-]\s*(?P<year>\d{4})", _read_numeric_month, True),
    (r"(?P<year>\d{4})\s*[/.\-]\s*(?P<month>\d{1,2})", _read_numeric_month, True),
    (r"(?P<year>\d{4})", _read_year, False),
]
_WHOLE: Final = [(re.compile(f"^(?:{pattern})$", re.IGNORECASE), reader) for pattern, reader, _ in _FORMS]
_INSIDE: Final = [
    (re.compile(rf"(?<![\w/.\-])(?:{pattern})(?![\w/])", re.IGNORECASE), reader)
    for pattern, reader, searchable in _FORMS
    if searchable
]


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _QUOTE_LIMIT else flat[: _QUOTE_LIMIT - 1].rstrip() + "…"


def _trim(text: str) -> str:
    return " ".join(text.split()).strip(_EDGE_PUNCTUATION)


def _strip_leading_filler(text: str) -> str:
    while (match := _LEADING_FILLER.match(text)) and match.end() > 0:
        text = text[match.end() :]
    return text


def _span(text: str) -> _Span:
    """The first and last day of one point in time written as text."""
    cleaned = _strip_leading_filler(_trim(text))
    for pattern, reader in _WHOLE:
        match = pattern.match(cleaned)
        if not match:
            continue
        try:
            span = reader(match.groupdict())
        except _NotUnderstood:
            raise
        except (ValueError, OverflowError):
            raise _NotUnderstood(f"'{_quote(text)}' is not a real date", definite=True) from None
        if span is not None:
            return span
    raise _NotUnderstood(f"Could not read a completion date from '{_quote(text)}'")


def _range(text: str) -> _Span:
    """A range "Oct 20 to Feb 21" (also "-", "–", "until", "through")."""
    connectors = list(_RANGE_CONNECTOR.finditer(text))
    definite: _NotUnderstood | None = None
    # Both parts whole dates first, so "Dec-20-Mar-21" splits in the middle, not after "Dec".
    for bare_month_allowed in (False, True):
        for connector in connectors:
            left, right = text[: connector.start()], text[connector.end() :]
            if not _trim(left) or not _trim(right):
                continue
            try:
                last_start, last_end = _span(right)
                first_start = _range_start(left, last_start, bare_month_allowed)
            except _NotUnderstood as failure:
                definite = definite or (failure if failure.definite else None)
                continue
            if last_end < first_start:
                raise _NotUnderstood(
                    f"'{_quote(text)}' is an inverted range (it ends before it starts); no due date derived",
                    definite=True,
                )
            return first_start, last_end
    if definite:
        raise definite
    raise _NotUnderstood(f"Could not read a completion date from '{_quote(text)}'")


def _range_start(left: str, right_start: date, bare_month_allowed: bool) -> date:
    """The start of a range's first part; a bare month ("Oct - Dec 20") takes its year from the second part."""
    if bare_month_allowed and (month := _BARE_MONTH.match(_strip_leading_filler(_trim(left)))):
        number = MONTH_NUMBERS[month.group("month").lower()]
        return date(right_start.year - (number > right_start.month), number, 1)
    return _span(left)[0]


def _single_or_range(text: str) -> tuple[_Span, bool]:
    """The span the text names, and whether it was written as a range."""
    try:
        return _span(text), False
    except _NotUnderstood as single_failure:
        if single_failure.definite:
            raise
    return _range(text), True


@dataclass(frozen=True)
class _Reading:
    span: _Span
    is_range: bool
    extra_note: str | None = None
    read_only: str | None = None  # set when only this part of the text was read as the date


def _read_dates(text: str) -> _Reading:
    """Dates from the whole text, else from the part of it that holds dates, keeping the rest as a note."""
    try:
        return _Reading(*_single_or_range(text))
    except _NotUnderstood as whole_failure:
        if whole_failure.definite:
            raise
        unreadable = whole_failure
    found = _dates_inside(text)
    if not found:
        raise unreadable
    core_start, core_end = found[0][0], found[-1][1]
    core = text[core_start:core_end]
    before, after = _trim(text[:core_start]), text[core_end:]
    try:
        span, is_range = _single_or_range(core)
    except _NotUnderstood as core_failure:
        if core_failure.definite:
            raise
        raise _NotUnderstood(
            f"Could not read one completion date from '{_quote(text)}': it names more than one date", definite=True
        ) from None
    leftover = "; ".join(part for part in (before, _trim(after)) if part) or None
    # A date followed by a separated remark ("Dec 20 - subject to funding") is fully understood.
    understood = not before and (not _trim(after) or bool(_TRAILING_NOTE_SEPARATOR.match(after)))
    return _Reading(span, is_range, extra_note=leftover, read_only=None if understood else core)


def _dates_inside(text: str) -> list[tuple[int, int]]:
    """Where date-shaped pieces sit in the text, earliest first, with no two overlapping."""
    taken: list[tuple[int, int]] = []
    for pattern, reader in _INSIDE:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            try:
                if reader(match.groupdict()) is None:
                    continue
            except (ValueError, OverflowError):
                continue
            taken.append((match.start(), match.end()))
    return sorted(taken)


def _implausible_year_problem(text: str, *days: date | None) -> str | None:
    for day in days:
        if day is not None and day.year not in PLAUSIBLE_YEARS:
            return f"'{_quote(text)}' gives the year {day.year}, which is unlikely for a completion date; check it"
    return None


def _join_notes(*notes: str | None) -> str | None:
    return "; ".join(note for note in notes if note) or None


@dataclass(frozen=True)
class _Wording:
    """The words around the dates, taken out of the text, and what is left to read as dates."""

    remainder: str
    notes: tuple[str, ...]
    recurring: str | None
    says_ongoing: bool
    open_ended: bool
    week_commencing: bool


def _take_wording(unbracketed: str, notes: tuple[str, ...]) -> _Wording:
    remainder = unbracketed
    recurring = None
    if match := _RECURRING.search(remainder):
        recurring = RECURRENCES[" ".join(match.group("how").lower().split())]
        remainder = remainder[: match.start()] + " " + remainder[match.end() :]
    # "From X", "X onwards" and "X - ongoing" start at X (open-ended); "X and ongoing" is due by X, then continues.
    open_ended = bool(_TO_ONGOING.search(remainder))
    remainder = _TO_ONGOING.sub(" ", remainder)
    says_ongoing = open_ended or bool(_ONGOING.search(remainder))
    remainder = _trim(_ONGOING.sub(" ", remainder))
    if _ONWARDS.search(remainder):
        open_ended = True
        remainder = _trim(_ONWARDS.sub(" ", remainder))
    if match := _FROM.match(remainder):
        open_ended = True
        remainder = _trim(remainder[match.end() :])
    week_commencing = bool(_WEEK_COMMENCING.match(remainder))
    remainder = _trim(_WEEK_COMMENCING.sub("", remainder))
    return _Wording(remainder, notes, recurring, says_ongoing, open_ended, week_commencing)


def _parse_text(text: str) -> Timeframe:
    notes = tuple(each for match in _PARENTHESISED.finditer(text) if (each := _trim(match.group("note"))))
    unbracketed = _PARENTHESISED.sub(" ", " ".join(text.split()))
    if len(unbracketed) > _LONGEST_DATE:
        return Timeframe(
            text=text,
            note=_join_notes(*notes),
            problem=f"Could not read a completion date from '{_quote(text)}': it is too long to be one",
        )
    wording = _take_wording(unbracketed, notes)
    remainder, recurring = wording.remainder, wording.recurring
    note = _join_notes(*wording.notes)

    def undated(problem: str | None = None, first_note: str | None = None) -> Timeframe:
        ongoing = wording.says_ongoing or wording.open_ended
        return Timeframe(
            text=text, ongoing=ongoing, recurring=recurring, note=_join_notes(first_note, note), problem=problem
        )

    if _TO_BE_CONFIRMED.match(remainder):
        return undated(first_note="To be confirmed")
    if _NOT_APPLICABLE.match(remainder):
        return undated(first_note="Not applicable")
    if not remainder:
        understood = wording.says_ongoing or wording.open_ended or recurring is not None
        return undated(None if understood else f"Could not read a completion date from '{_quote(text)}'")
    try:
        reading = _read_dates(remainder)
    except _NotUnderstood as failure:
        # A specific diagnosis names the piece at fault; otherwise quote the whole text as the reader wrote it.
        return undated(str(failure) if failure.definite else f"Could not read a completion date from '{_quote(text)}'")
    end: date | None
    start, end = reading.span
    # An open-ended single date starts the work rather than ending it (see the module docstring); a range has an end.
    starts_only = wording.open_ended and not reading.is_range
    if starts_only:
        end = None
    elif wording.week_commencing and start == end:
        end = start + timedelta(days=6)
    problem = None
    if reading.read_only:
        problem = (
            f"Only '{_quote(reading.read_only)}' in '{_quote(text)}' was read as a date; the rest is kept as a note"
        )
    return Timeframe(
        text=text,
        start=start,
        end=end,
        ongoing=wording.says_ongoing or starts_only,
        recurring=recurring,
        note=_join_notes(note, reading.extra_note),
        problem=problem or _implausible_year_problem(text, start, end),
    )


def _display(day: date) -> str:
    return f"{day.day} {_MONTH_NAMES[day.month - 1][:3]} {day.year}"


def _as_text(value: object) -> str:
    # A whole-number float is how a spreadsheet hands over a number typed as "2021".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_timeframe(value: object) -> Timeframe:
    """Read a completion date (text, a real date, or any cell value) into a Timeframe; never raises."""
    try:
        if value is None:
            return Timeframe(text=None)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return Timeframe(
                text=_display(value),
                start=value,
                end=value,
                problem=_implausible_year_problem(_display(value), value),
            )
        text = _as_text(value).strip()
        if not text:
            return Timeframe(text=None)
        return _parse_text(text)
    except Exception:  # a cell we cannot read must become a flagged row, never a failed import
        shown = value.strip() if isinstance(value, str) else None
        return Timeframe(text=shown or None, problem="Could not read a completion date from this cell")
