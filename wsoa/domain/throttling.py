"""Throttling sign-in attempts: a pure rule over the times of recent failures."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limit:
    """At most `attempts` failures within `window`; the next attempt is refused until the oldest ages out."""

    attempts: int
    window: timedelta


# Per account: enough for a few typos, far too few to guess a password. Per address: a shared office network
# can hold many people, so it is looser, but it still stops one machine trying many accounts.
ACCOUNT_LIMIT = Limit(attempts=5, window=timedelta(minutes=15))
ADDRESS_LIMIT = Limit(attempts=20, window=timedelta(minutes=15))
THROTTLED_MESSAGE = "Too many attempts. Wait 15 minutes and try again."


def recent_failures(failures: Iterable[datetime], *, now: datetime, window: timedelta) -> int:
    """How many failures fall within the window ending now (a failure stamped in the future counts as recent)."""
    since = now - window
    return sum(1 for at in failures if at > since)


def within_limit(failures: Iterable[datetime], *, now: datetime, limit: Limit) -> bool:
    """True when another attempt is allowed under this limit."""
    return recent_failures(failures, now=now, window=limit.window) < limit.attempts


def sign_in_allowed(
    *,
    account_failures: Iterable[datetime],
    address_failures: Iterable[datetime],
    now: datetime,
    account_limit: Limit = ACCOUNT_LIMIT,
    address_limit: Limit = ADDRESS_LIMIT,
) -> bool:
    """May this email address, from this client address, try a password now?"""
    return within_limit(account_failures, now=now, limit=account_limit) and within_limit(
        address_failures, now=now, limit=address_limit
    )


def longest_window(*limits: Limit) -> timedelta:
    """How far back failures matter: older ones can be forgotten."""
    return max((limit.window for limit in limits), default=timedelta(0))
