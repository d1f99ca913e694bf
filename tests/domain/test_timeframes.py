"""Completion dates as plans write them. Every completion date in the Shropshire WSoA (seed 004) is here."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wsoa.domain.timeframes import parse_timeframe

D = date


# (text, start, end, ongoing, recurring) – every distinct completion date in seed 004, answers written out.
SEED_004 = [
    ("Dec 20", D(2020, 12, 1), D(2020, 12, 31), False, None),
    ("Mar 21", D(2021, 3, 1), D(2021, 3, 31), False, None),
    ("Jan 21", D(2021, 1, 1), D(2021, 1, 31), False, None),
    ("Feb 21", D(2021, 2, 1), D(2021, 2, 28), False, None),
    ("Sep 20 and ongoing", D(2020, 9, 1), D(2020, 9, 30), True, None),
    ("Apr 21", D(2021, 4, 1), D(2021, 4, 30), False, None),
    ("Sep 21", D(2021, 9, 1), D(2021, 9, 30), False, None),
    ("Sep 20", D(2020, 9, 1), D(2020, 9, 30), False, None),
    ("Oct 20 to Feb 21", D(2020, 10, 1), D(2021, 2, 28), False, None),
    ("Nov 20 and ongoing", D(2020, 11, 1), D(2020, 11, 30), True, None),
    ("Dec 20 to March 21", D(2020, 12, 1), D(2021, 3, 31), False, None),
    ("Sep 20 to Feb 21", D(2020, 9, 1), D(2021, 2, 28), False, None),
    ("Nov 20", D(2020, 11, 1), D(2020, 11, 30), False, None),
    ("June 21", D(2021, 6, 1), D(2021, 6, 30), False, None),
    ("Jun 21", D(2021, 6, 1), D(2021, 6, 30), False, None),
    ("Jun 21 and annually thereafter", D(2021, 6, 1), D(2021, 6, 30), False, "annually"),
    ("Feb 21 and ongoing", D(2021, 2, 1), D(2021, 2, 28), True, None),
    ("Aug 20", D(2020, 8, 1), D(2020, 8, 31), False, None),
    ("Ongoing", None, None, True, None),
]


@pytest.mark.parametrize(("text", "start", "end", "ongoing", "recurring"), SEED_004)
def test_every_completion_date_in_the_shropshire_wsoa(text, start, end, ongoing, recurring):
    timeframe = parse_timeframe(text)
    assert (timeframe.text, timeframe.start, timeframe.end, timeframe.ongoing, timeframe.recurring) == (
        text,
        start,
        end,
        ongoing,
        recurring,
    )
    assert timeframe.problem is None


def test_two_digit_year_is_a_year_never_a_day():
    timeframe = parse_timeframe("Dec 20")
    assert timeframe.end == D(2020, 12, 31)
    assert timeframe.end != D(2020, 12, 20)


def test_inverted_range_is_kept_and_flagged_with_no_date():
    timeframe = parse_timeframe("Jan 21 to Dec 20")
    assert timeframe.text == "Jan 21 to Dec 20"
    assert timeframe.end is None
    assert "inverted" in timeframe.problem


def test_from_a_month_and_ongoing_starts_then_and_never_ends():
    timeframe = parse_timeframe("From Dec 20 and ongoing")
    assert (timeframe.start, timeframe.ongoing, timeframe.problem) == (D(2020, 12, 1), True, None)


def test_a_date_with_a_note_keeps_the_note():
    timeframe = parse_timeframe("Sept 21 (delayed as a result of impact of Covid)")
    assert (timeframe.end, timeframe.note) == (D(2021, 9, 30), "delayed as a result of impact of Covid")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Autumn term 2021", D(2021, 9, 1), D(2021, 12, 31)),
        ("Spring term 2021", D(2021, 1, 1), D(2021, 4, 30)),
        ("Summer term 2021", D(2021, 5, 1), D(2021, 7, 31)),
        ("Autumn 21", D(2021, 9, 1), D(2021, 12, 31)),
        ("Q1 2021/22", D(2021, 4, 1), D(2021, 6, 30)),
        ("Q3 2021/22", D(2021, 10, 1), D(2021, 12, 31)),
        ("Q4 2021/22", D(2022, 1, 1), D(2022, 3, 31)),
        ("Q3 21/22", D(2021, 10, 1), D(2021, 12, 31)),
        ("2021/22 Q3", D(2021, 10, 1), D(2021, 12, 31)),
        ("2021/22", D(2021, 4, 1), D(2022, 3, 31)),
        ("2021", D(2021, 1, 1), D(2021, 12, 31)),
        ("December 2020", D(2020, 12, 1), D(2020, 12, 31)),
        ("Dec-20", D(2020, 12, 1), D(2020, 12, 31)),
        ("31/03/2021", D(2021, 3, 31), D(2021, 3, 31)),
        ("31.03.21", D(2021, 3, 31), D(2021, 3, 31)),
        ("31 March 2021", D(2021, 3, 31), D(2021, 3, 31)),
        ("2021-03-31", D(2021, 3, 31), D(2021, 3, 31)),
        ("by end of March 2021", D(2021, 3, 1), D(2021, 3, 31)),
        ("Feb 24", D(2024, 2, 1), D(2024, 2, 29)),
    ],
)
def test_terms_financial_quarters_years_and_full_dates(text, start, end):
    timeframe = parse_timeframe(text)
    assert (timeframe.start, timeframe.end, timeframe.problem) == (start, end, None)


@pytest.mark.parametrize("value", [datetime(2021, 3, 31, 0, 0), D(2021, 3, 31)])
def test_real_excel_dates_are_shown_the_uk_way(value):
    timeframe = parse_timeframe(value)
    assert (timeframe.text, timeframe.end) == ("31 Mar 2021", D(2021, 3, 31))


@pytest.mark.parametrize("text", ["TBC", "tbc", "To be confirmed", "TBA"])
def test_to_be_confirmed_has_no_date_and_is_not_a_problem(text):
    timeframe = parse_timeframe(text)
    assert (timeframe.end, timeframe.problem) == (None, None)


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_is_nothing_and_no_problem(empty):
    assert parse_timeframe(empty) == parse_timeframe(None)
    assert parse_timeframe(empty).problem is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2021", "not a real date"),
        ("Q5 2021/22", "Could not read"),
        ("whenever", "Could not read"),
        ("Month 13 2021", "Could not read"),
        ("0", "Could not read"),
    ],
)
def test_unreadable_text_is_kept_and_flagged_never_an_error(text, message):
    timeframe = parse_timeframe(text)
    assert (timeframe.text, timeframe.end) == (text, None)
    assert message in timeframe.problem


@given(st.one_of(st.text(max_size=200), st.integers(), st.floats(allow_nan=True), st.none()))
def test_no_input_makes_it_raise(value):
    timeframe = parse_timeframe(value)
    assert timeframe.end is None or isinstance(timeframe.end, date)
    if timeframe.end is None and timeframe.text and not timeframe.ongoing and timeframe.note is None:
        assert timeframe.problem
