from datetime import UTC, datetime, timedelta

import pytest

from wsoa.domain.throttling import (
    ACCOUNT_LIMIT,
    ADDRESS_LIMIT,
    Limit,
    longest_window,
    recent_failures,
    sign_in_allowed,
    within_limit,
)

NOW = datetime(2021, 3, 15, 12, 0, tzinfo=UTC)


def minutes_ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


@pytest.mark.parametrize(
    ("failures", "allowed"),
    [
        ([], True),
        (minutes_ago(1, 2, 3, 4), True),
        (minutes_ago(1, 2, 3, 4, 5), False),
        (minutes_ago(1, 2, 3, 4, 14.9), False),
        (minutes_ago(1, 2, 3, 4, 15), True),  # the oldest has just aged out
        (minutes_ago(16, 17, 18, 19, 20, 30), True),
    ],
)
def test_an_account_may_fail_five_times_in_fifteen_minutes(failures, allowed):
    assert within_limit(failures, now=NOW, limit=ACCOUNT_LIMIT) is allowed


def test_an_address_may_fail_twenty_times_before_it_is_refused():
    half_minutes = [m / 2 for m in range(20)]
    assert within_limit(minutes_ago(*half_minutes[:19]), now=NOW, limit=ADDRESS_LIMIT)
    assert not within_limit(minutes_ago(*half_minutes), now=NOW, limit=ADDRESS_LIMIT)


def test_either_limit_refuses_the_attempt():
    few, many = minutes_ago(1), minutes_ago(*range(1, 6))
    assert sign_in_allowed(account_failures=few, address_failures=few, now=NOW)
    assert not sign_in_allowed(account_failures=many, address_failures=few, now=NOW)
    assert not sign_in_allowed(account_failures=few, address_failures=minutes_ago(*[1] * 20), now=NOW)


def test_a_failure_stamped_after_now_still_counts():
    assert recent_failures([NOW + timedelta(seconds=5)], now=NOW, window=timedelta(minutes=15)) == 1


def test_custom_limits_and_the_window_to_remember():
    tight = Limit(attempts=1, window=timedelta(minutes=1))
    assert not within_limit(minutes_ago(0.5), now=NOW, limit=tight)
    assert within_limit(minutes_ago(2), now=NOW, limit=tight)
    assert longest_window(tight, ACCOUNT_LIMIT) == timedelta(minutes=15)
    assert longest_window() == timedelta(0)
