"""Column types shared by the models."""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime
from sqlalchemy.types import TypeDecorator

# Text that can come from a workbook, an upload or a file name is unbounded Text: nothing may be cut off. Text that is
# also a key in an index (action refs, role codes, review period names; outcome refs alike) has one limit everywhere,
# since PostgreSQL cannot index an entry over about 2,700 bytes: 500 characters is 2,000 bytes even if every one takes
# four in UTF-8, and far longer than any real ref or code. The importer and the forms refuse longer keys with a reason.
KEY_TEXT_LIMIT = 500


def allowed_values(column: str, values: Iterable[str], *, nullable: bool = False) -> CheckConstraint:
    """A check named "<column>_allowed" that the column holds one of `values` (or NULL, where nullable)."""
    listed = f"{column} IN ({', '.join(repr(value) for value in values)})"
    return CheckConstraint(f"{column} IS NULL OR {listed}" if nullable else listed, name=f"{column}_allowed")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC and always returns an aware UTC datetime, so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
