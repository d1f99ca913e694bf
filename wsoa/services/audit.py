"""Audit events: who changed what, with the values before and after."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from wsoa.extensions import db
from wsoa.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj, fields: list[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def apply_changes(obj, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set the given attributes and return {field: (old, new)} for those that really changed."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            setattr(obj, name, new)
            changes[name] = (_jsonable(old), _jsonable(new))
    return changes


def record(
    *,
    event: str,
    entity,
    summary: str,
    user_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> AuditEvent:
    if changes is not None:
        before = {name: old for name, (old, _) in changes.items()}
        after = {name: new for name, (_, new) in changes.items()}
    audit_event = AuditEvent(
        event=event,
        entity_type=type(entity).__name__.lower(),
        entity_id=getattr(entity, "id", None),
        summary=summary,
        user_id=user_id,
        before=before,
        after=after,
    )
    db.session.add(audit_event)
    return audit_event


def record_changes(
    entity, changes: dict[str, tuple[Any, Any]], *, event: str, summary: str, user_id: int | None
) -> bool:
    """An edit's one event: flushed and recorded when anything changed. Returns whether anything did."""
    if changes:
        db.session.flush()
        record(event=event, entity=entity, summary=summary, user_id=user_id, changes=changes)
    return bool(changes)


def record_created(entity, fields: list[str], *, event: str, summary: str, user_id: int | None) -> None:
    """Add a new row, flush it (so it has its id and defaults) and record it with those fields as saved."""
    db.session.add(entity)
    db.session.flush()
    record(event=event, entity=entity, summary=summary, user_id=user_id, after=snapshot(entity, fields))
