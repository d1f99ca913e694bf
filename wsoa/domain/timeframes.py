"""Completion dates as plans write them ("Dec 20", "Sep 20 and ongoing", "Q3 2021/22") turned into dates.

The original text is always kept; what can be derived is derived, and what cannot is flagged, never an error.
Two-digit years are years: "Dec 20" is December 2020, due by its end, never the 20th of December.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in {calendar.month_name[number].lower(), calendar.month_abbr[number].lower()}
} | {"sept": 9}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_YEAR = rf"(?P<m>{_MONTH_NAMES})\.?[\s\-'’/]*(?P<y>\d{{4}}|\d{{2}})"

# School terms: autumn Sep–Dec, spring Jan–Apr (Easter), summer Apr/May–Jul.
TERMS = {"autumn": (9, 12), "spring": (1, 4), "summer": (5, 7)}
RECURRENCE = {
    "annually": "annually",
    "yearly": "annually",
    "termly": "termly",
    "monthly": "monthly",
    "quarterly": "quarterly",
    "weekly": "weekly",
}

_NOTE = re.compile(r"\((?P<note>[^)]*)\)")
_ONGOING = re.compile(r"\b(?:and\s+)?on-?going\b", re.IGNORECASE)
_FROM = re.compile(r"^\s*(?:from|starting|beginning)\b", re.IGNORECASE)
_RECURRING = re.compile(
    r"\band\s+(?P<how>annually|yearly|termly|monthly|quarterly|weekly)(?:\s+thereafter)?\b", re.IGNORECASE
)
_TBC = re.compile(r"^\s*(?:tbc|tba|tbd|to be (?:confirmed|agreed|decided)|n/?a)\s*\.?\s*$", re.IGNORECASE)
_RANGE_SPLIT = re.compile(r"\s+(?:to|until|till|through|-|–|—)\s+|\s*[–—]\s*", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*(?:by\s+the\s+end\s+of|by\s+end\s+of|end\s+of|by|before|w/?c|due)\s+", re.IGNORECASE)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")),
    ("dmy", re.compile(r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})$")),
    ("day_month_year", re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_YEAR + "$", re.IGNORECASE)),
    ("month_year", re.compile("^" + _MONTH_YEAR + "$", re.IGNORECASE)),
    ("quarter", re.compile(r"^q(?P<q>[1-4])\s*(?:of\s+)?(?P<fy>\d{4}|\d{2})\s*[/\-]\s*\d{2,4}$", re.IGNORECASE)),
    ("quarter_after", re.compile(r"^(?P<fy>\d{4}|\d{2})\s*[/\-]\s*\d{2,4}\s*q(?P<q>[1-4])$", re.IGNORECASE)),
    ("term", re.compile(r"^(?P<term>autumn|spring|summer)(?:\s+term)?\s+(?P<y>\d{4}|\d{2})$", re.IGNORECASE)),
    ("financial_year", re.compile(r"^(?:fy\s*)?(?P<fy>\d{4})\s*[/\-]\s*(?P<fy2>\d{2}|\d{4})$", re.IGNORECASE)),
    ("year", re.compile(r"^(?P<y>\d{4})$")),
]


@dataclass(frozen=True)
class Timeframe:
    text: str | None
    start: date | None = None
    end: date | None = None
    ongoing: bool = False
    recurring: str | None = None
    note: str | None = None
    problem: str | None = None

    @property
    def is_dated(self) -> bool:
        return self.end is not None


class _Unreadable(ValueError):
    pass


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _span(text: str) -> tuple[date, date]:
    """The first and last day of one point in time written as text."""
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = match.groupdict()
        try:
            if kind in ("iso", "dmy"):
                day = date(_year(parts["y"]), int(parts["m"]), int(parts["d"]))
                return day, day
            if kind == "day_month_year":
                day = date(_year(parts["y"]), MONTHS[parts["m"].lower()], int(parts["d"]))
                return day, day
        except ValueError:
            raise _Unreadable(f"'{text}' is not a real date") from None
        if kind == "month_year":
            year, month = _year(parts["y"]), MONTHS[parts["m"].lower()]
            return date(year, month, 1), _month_end(year, month)
        if kind in ("quarter", "quarter_after"):
            first_year, quarter = _year(parts["fy"]), int(parts["q"])
            start_month = 4 + 3 * (quarter - 1)
            year = first_year + (start_month > 12)
            start_month = (start_month - 1) % 12 + 1
            return date(year, start_month, 1), _month_end(year, start_month + 2)
        if kind == "term":
            first, last = TERMS[parts["term"].lower()]
            year = _year(parts["y"])
            return date(year, first, 1), _month_end(year, last)
        if kind == "financial_year":
            first_year = int(parts["fy"])
            return date(first_year, 4, 1), date(first_year + 1, 3, 31)
        if kind == "year":
            year = int(parts["y"])
            return date(year, 1, 1), date(year, 12, 31)
    raise _Unreadable(f"Could not read a completion date from '{text}'")


def _clean(text: str) -> str:
    text = _PREFIX.sub("", text)
    return " ".join(text.replace(",", " ").split()).strip(" .;:")


def parse_timeframe(value: object) -> Timeframe:
    """Read a completion-date cell (text or a real date) without ever raising."""
    if value is None:
        return Timeframe(text=None)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return Timeframe(text=f"{value.day} {value:%b %Y}", start=value, end=value)
    text = " ".join(str(value).split())
    if not text:
        return Timeframe(text=None)
    try:
        return _parse_text(text)
    except (ValueError, OverflowError, KeyError, IndexError):
        return Timeframe(text=text, problem=f"Could not read a completion date from '{text}'")


def _parse_text(text: str) -> Timeframe:
    if _TBC.match(text):
        return Timeframe(text=text, note="To be confirmed")
    remainder = text
    notes = [m.group("note").strip() for m in _NOTE.finditer(remainder)]
    remainder = _NOTE.sub(" ", remainder)
    recurring = None
    if match := _RECURRING.search(remainder):
        recurring = RECURRENCE[match.group("how").lower()]
        remainder = remainder[: match.start()] + remainder[match.end() :]
    ongoing = bool(_ONGOING.search(remainder))
    remainder = _ONGOING.sub(" ", remainder)
    starts_from = bool(_FROM.match(remainder))
    remainder = _FROM.sub(" ", remainder)
    remainder = _clean(remainder)
    note = "; ".join(n for n in notes if n) or None
    if not remainder:
        if ongoing:
            return Timeframe(text=text, ongoing=True, recurring=recurring, note=note)
        return Timeframe(text=text, note=note, problem=f"Could not read a completion date from '{text}'")
    try:
        parts = [p for p in _RANGE_SPLIT.split(remainder) if p.strip()]
        if len(parts) == 2 and not _looks_like_single_date(remainder):
            first_start, _ = _span(_clean(parts[0]))
            last_start, last_end = _span(_clean(parts[1]))
            if last_end < first_start:
                return Timeframe(
                    text=text,
                    ongoing=ongoing,
                    recurring=recurring,
                    note=note,
                    problem=f"'{text}' is an inverted range (it ends before it starts); no due date derived",
                )
            return Timeframe(
                text=text, start=first_start, end=last_end, ongoing=ongoing, recurring=recurring, note=note
            )
        start, end = _span(remainder)
    except _Unreadable as unreadable:
        return Timeframe(text=text, ongoing=ongoing, recurring=recurring, note=note, problem=str(unreadable))
    if starts_from:
        # "From Dec 20 and ongoing": work starts then and does not end; the start month is the first milestone.
        return Timeframe(text=text, start=start, end=end, ongoing=True, recurring=recurring, note=note)
    return Timeframe(text=text, start=start, end=end, ongoing=ongoing, recurring=recurring, note=note)


def _looks_like_single_date(text: str) -> bool:
    """'31-03-2021' and '2021-03-31' contain dashes but are one date, not a range."""
    return any(
        pattern.match(text)
        for kind, pattern in _PATTERNS
        if kind in ("iso", "dmy", "financial_year", "quarter", "quarter_after")
    )
