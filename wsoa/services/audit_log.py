"""Reading the audit trail: filtered, newest first, a page at a time, in a fixed number of queries."""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import ceil
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from wsoa.extensions import db
from wsoa.models import AuditEvent, User
from wsoa.scope import members_here

PER_PAGE = 50
SYSTEM = "system"  # the user filter for events with no user: imports from the command line, the demo
UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class AuditFilters:
    entity_type: str | None = None
    event: str | None = None
    user: int | str | None = None  # a user id, or SYSTEM
    date_from: date | None = None  # UK dates, inclusive
    date_to: date | None = None


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass
class AuditRow:
    event: AuditEvent
    changes: list[Change]


@dataclass
class AuditLogPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int
    per_page: int = PER_PAGE

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_number(self) -> int:
        return min(self.page * self.per_page, self.total)


@dataclass
class AuditFilterOptions:
    entity_types: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    users: list[tuple[int, str]] = field(default_factory=list)


def display_value(value: Any) -> str:
    """How a recorded value reads on the page."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def changes_of(before: dict | None, after: dict | None) -> list[Change]:
    """One row per field recorded before or after, in the order they were recorded."""
    before, after = before or {}, after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [Change(name, display_value(before.get(name)), display_value(after.get(name))) for name in names]


def _start_of_uk_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UK).astimezone(UTC)


def _conditions(filters: AuditFilters) -> list:
    conditions = []
    if filters.entity_type:
        conditions.append(AuditEvent.entity_type == filters.entity_type)
    if filters.event:
        conditions.append(AuditEvent.event == filters.event)
    if filters.user == SYSTEM:
        conditions.append(AuditEvent.user_id.is_(None))
    elif isinstance(filters.user, int):
        conditions.append(AuditEvent.user_id == filters.user)
    if filters.date_from:
        conditions.append(AuditEvent.at >= _start_of_uk_day(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEvent.at < _start_of_uk_day(filters.date_to + timedelta(days=1)))
    return conditions


def audit_log_page(filters: AuditFilters, *, page: int = 1, per_page: int = PER_PAGE) -> AuditLogPage:
    """Matching events, newest first; a page past the end shows the last page."""
    conditions = _conditions(filters)
    total = db.session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pages = max(1, ceil(total / per_page))
    page = min(max(page, 1), pages)
    events = db.session.scalars(
        select(AuditEvent)
        .options(joinedload(AuditEvent.user).raiseload(User.roles))
        .where(*conditions)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    rows = [AuditRow(event=event, changes=changes_of(event.before, event.after)) for event in events]
    return AuditLogPage(rows=rows, total=total, page=page, pages=pages, per_page=per_page)


def audit_filter_options() -> AuditFilterOptions:
    """What the filters offer: the kinds of thing and event recorded so far, and every user of the area."""
    kinds = db.session.execute(select(AuditEvent.entity_type, AuditEvent.event).distinct()).all()
    users = db.session.execute(
        select(User.id, User.name, User.email).where(members_here(User.id)).order_by(func.lower(User.name), User.id)
    ).all()
    return AuditFilterOptions(
        entity_types=sorted({kind.entity_type for kind in kinds}),
        events=sorted({kind.event for kind in kinds}),
        users=[(user.id, f"{user.name} ({user.email})") for user in users],
    )
