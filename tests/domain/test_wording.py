"""One way to word things: dates, numbers and KPI values read the same on every page and in every format."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from wsoa.domain.wording import (
    excel_number_format,
    format_number,
    format_value,
    tidy,
    tidy_line,
    tidy_lines,
    tidy_text,
    uk_day,
    uk_moment,
)


def test_days_are_written_the_uk_way_and_a_moment_is_its_uk_day():
    assert uk_day(date(2021, 3, 31)) == "31 Mar 2021"
    assert uk_day(date(2021, 3, 1)) == "1 Mar 2021"
    assert uk_day(None) == ""
    assert uk_day(None, "Not set") == "Not set"
    # 23:30 UTC on 30 June is already 1 July in the UK (BST).
    assert uk_day(datetime(2021, 6, 30, 23, 30, tzinfo=UTC)) == "1 Jul 2021"


def test_moments_are_written_in_uk_time():
    assert uk_moment(datetime(2021, 6, 30, 13, 5, tzinfo=UTC)) == "30 Jun 2021 at 14:05"
    assert uk_moment(datetime(2021, 1, 4, 9, 0, tzinfo=UTC)) == "4 Jan 2021 at 09:00"
    assert uk_moment(None, "never") == "never"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234, "1,234"), (Decimal("6.2000"), "6.2"), (6.25, "6.25"), (6.256, "6.26"), (0, "0"), (None, "")],
)
def test_numbers_have_separators_and_no_trailing_zeros(value, expected):
    assert format_number(value) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (92, "%", "92%"),
        (Decimal("6.2"), "rate per 10,000", "6.2 per 10,000"),
        (1, "days", "1 day"),
        (Decimal("1.0000"), "weeks", "1 week"),
        (18, "weeks", "18 weeks"),
        (0, "days", "0 days"),
        (120, "number", "120"),
        (120, None, "120"),
        (None, "%", ""),
    ],
)
def test_a_value_is_worded_with_its_unit_as_people_say_it(value, unit, expected):
    assert format_value(value, unit) == expected


def test_excel_shows_a_value_with_the_same_unit_words():
    assert excel_number_format("rate per 10,000") == 'General" per 10,000"'
    assert excel_number_format("days") == '[=1]General" day";General" days"'
    assert excel_number_format("%") == 'General"%"'
    assert excel_number_format("number") == "General"


def test_tidying_what_people_type():
    assert tidy("  Done  ") == "Done"
    assert tidy("   ") is None
    assert tidy_lines(" a \n\n  b ") == "a\nb"
    assert tidy_line("  Weak   leadership \n") == "Weak leadership"
    assert tidy_text(" first\r\nsecond\r ") == "first\nsecond"
    assert tidy_text("  ") is None
