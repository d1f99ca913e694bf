"""Today's date where the service is used, in one place so tests can fix it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def today() -> date:
    return datetime.now(UK).date()
