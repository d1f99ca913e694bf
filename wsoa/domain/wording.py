"""How the tracker words things, in one place: UK dates and times, numbers, KPI values with their units, tidy text.

Pure: no Flask, no database. The Jinja filters (wsoa.formatting), the KPI pages and charts, and the board paper's
writers (HTML, PDF, Word, Excel) all word dates and values through these functions, so "6.2 per 10,000", "1 day" and
"31 Mar 2021" read the same on every page and in every format.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")

# A KPI's unit: the stored value, how a form offers it, and how a chart's axis names it.
UNITS = ("%", "number", "rate per 10,000", "days", "weeks")
UNIT_LABELS = {
    "%": "Percentage (%)",
    "number": "Number",
    "rate per 10,000": "Rate per 10,000",
    "days": "Days",
    "weeks": "Weeks",
}
UNIT_AXIS_LABELS = {
    "%": "Percentage",
    "number": "Number",
    "rate per 10,000": "Rate per 10,000",
    "days": "Days",
    "weeks": "Weeks",
}


# ----- dates --------------------------------------------------------------------------------------------------------


def uk_day(value: date | datetime | None, default: str = "") -> str:
    """31 Mar 2021 (a moment is read as its UK calendar day)."""
    if value is None:
        return default
    if isinstance(value, datetime) and value.tzinfo:
        value = value.astimezone(UK)
    return f"{value.day} {value:%b %Y}"


def uk_moment(value: datetime | None, default: str = "") -> str:
    """31 Mar 2021 at 14:05, in UK time."""
    if value is None:
        return default
    local = value.astimezone(UK) if value.tzinfo else value
    return f"{local.day} {local:%b %Y} at {local:%H:%M}"


# ----- numbers and values -------------------------------------------------------------------------------------------


def format_number(value: Decimal | float | int | None, default: str = "") -> str:
    """1,234 or 6.25: thousands separated, at most two decimal places, no trailing zeros."""
    if value is None:
        return default
    as_float = float(value)
    return f"{as_float:,.0f}" if as_float.is_integer() else f"{as_float:,.2f}".rstrip("0").rstrip(".")


def format_value(value: Decimal | float | int | None, unit: str | None, default: str = "") -> str:
    """A value with its unit, as people say it: 92%, 6.2 per 10,000, 1 day, 18 weeks, 120."""
    if value is None:
        return default
    text = format_number(value)
    if unit == "%":
        return f"{text}%"
    if unit == "rate per 10,000":
        return f"{text} per 10,000"
    if unit in ("days", "weeks"):
        return f"{text} {unit[:-1] if float(value) == 1 else unit}"
    if unit and unit != "number":
        return f"{text} {unit}"
    return text


def excel_number_format(unit: str | None) -> str:
    """An Excel number format that shows a value the way format_value words it, the cell keeping the number."""
    if unit == "%":
        return 'General"%"'
    if unit == "rate per 10,000":
        return 'General" per 10,000"'
    if unit in ("days", "weeks"):
        return f'[=1]General" {unit[:-1]}";General" {unit}"'
    return "General"


# ----- tidying what people type -------------------------------------------------------------------------------------


def tidy(text: str | None) -> str | None:
    """Trim a free-text answer; blank becomes None."""
    if text is None:
        return None
    text = text.strip()
    return text or None


def tidy_lines(text: str | None) -> str | None:
    """Evidence links, one per line: trimmed, blank lines dropped."""
    if not text:
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(lines) or None


def tidy_line(value: str | None) -> str | None:
    """One-line text: runs of spaces become one space; blank is None."""
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def tidy_text(value: str | None) -> str | None:
    """Several lines as typed (browsers send CRLF), without blank space at either end; blank is None."""
    if value is None:
        return None
    value = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return value or None
