"""The sign-in throttling rule: counts for the account-and-address pair, the account and the address."""

import pytest

from wsoa.domain.throttling import ACCOUNT_LIMIT, ADDRESS_LIMIT, PAIR_LIMIT, RecentFailures, sign_in_allowed


def test_the_limits_are_the_ones_the_readme_states():
    assert (PAIR_LIMIT, ACCOUNT_LIMIT, ADDRESS_LIMIT) == (5, 10, 20)


@pytest.mark.parametrize(
    ("pair", "allowed"),
    [(0, True), (1, True), (4, True), (5, False), (9, False)],
)
def test_one_address_may_fail_five_times_for_one_account(pair, allowed):
    assert sign_in_allowed(RecentFailures(pair=pair, account=pair, address=pair)) is allowed


def test_an_address_with_no_failures_for_the_account_always_gets_its_password_checked():
    """The owner elsewhere, or a colleague on the same network, is never locked out by someone else's failures."""
    assert sign_in_allowed(RecentFailures(pair=0, account=500, address=500))


@pytest.mark.parametrize(
    ("recent", "allowed"),
    [
        (RecentFailures(pair=1, account=9, address=1), True),
        (RecentFailures(pair=1, account=10, address=1), False),  # the account has had too many, from anywhere
        (RecentFailures(pair=1, account=1, address=19), True),
        (RecentFailures(pair=1, account=1, address=20), False),  # this address has failed too often, for anyone
    ],
)
def test_the_account_and_address_limits_hold_back_only_a_pair_that_has_failed(recent, allowed):
    assert sign_in_allowed(recent) is allowed


def test_custom_limits():
    assert not sign_in_allowed(RecentFailures(pair=1, account=1, address=1), pair_limit=1)
    assert sign_in_allowed(RecentFailures(pair=1, account=1, address=1), pair_limit=2, account_limit=2)
