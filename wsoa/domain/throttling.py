"""Throttling sign-in attempts: a pure rule over how many recent failures there were, counted three ways.

Counting failures per account alone lets anyone lock a colleague out by typing their email with wrong passwords;
counting them per address alone locks out a whole council office behind one address. So failures are counted for the
account-and-address pair, for the account and for the address, and the account's and address's limits only hold
back a pair that has failed itself:

- an address with no recent failures for an account always gets its password checked, so the owner (or a colleague
  on a shared network) signs in with the right password whatever an attacker elsewhere, or next to them, is doing;
- one pair gets PAIR_LIMIT tries, and once an account (or an address) has had too many failures, every address that
  has failed against it must wait. A guesser gets at most PAIR_LIMIT tries per account from each address, and at most
  one more from each new address once the account's limit is reached.
"""

from dataclasses import dataclass
from datetime import timedelta

WINDOW = timedelta(minutes=15)  # failures older than this no longer count
PAIR_LIMIT = 5  # one account from one address: a few typos, far too few to guess
ACCOUNT_LIMIT = 10  # one account from every address
ADDRESS_LIMIT = 20  # one address against every account: a shared office network holds many people
THROTTLED_MESSAGE = "Too many attempts. Wait 15 minutes and try again."


@dataclass(frozen=True)
class RecentFailures:
    """Failed sign-ins within WINDOW: for this account from this address, for the account, and from the address."""

    pair: int = 0
    account: int = 0
    address: int = 0


def sign_in_allowed(
    recent: RecentFailures,
    *,
    pair_limit: int = PAIR_LIMIT,
    account_limit: int = ACCOUNT_LIMIT,
    address_limit: int = ADDRESS_LIMIT,
) -> bool:
    """May this email address, from this client address, try a password now?"""
    if recent.pair == 0:
        return True  # nothing has failed from here for this account: the right password always gets in
    return recent.pair < pair_limit and recent.account < account_limit and recent.address < address_limit
