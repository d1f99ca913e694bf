"""Backup and restore of every table as one JSON document, the same on SQLite and PostgreSQL.

A council should also back up PostgreSQL itself (pg_dump); this is the portable copy that moves a tracker between
databases and that the tests can prove round-trips a plan with its whole history.
"""

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from alembic.migration import MigrationContext
from sqlalchemy import Date, DateTime, LargeBinary, Numeric, func, select, text

from wsoa.extensions import db
from wsoa.services import evidence

FORMAT = "wsoa-backup/1"

# Signed-in sessions are not the partnership's data: restoring them would sign people back in on the new server.
# Workbooks waiting between an import's preview and its confirm are not either: the officer uploads again.
NOT_BACKED_UP = frozenset({"user_session", "pending_upload"})


def _unchanged(row: dict) -> dict:
    return row


# Evidence files kept in a directory travel inside the backup, and land wherever the restoring tracker keeps them.
ROW_HOOKS = {"evidence_file": (evidence.row_for_backup, evidence.row_for_restore)}


def _backed_up_tables():
    return [table for table in db.metadata.sorted_tables if table.name not in NOT_BACKED_UP]


class RestoreRefused(ValueError):
    pass


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _decode(column, value: Any) -> Any:
    if value is None:
        return None
    column_type = column.type
    impl = getattr(column_type, "impl", column_type)
    if isinstance(impl, DateTime):
        parsed = datetime.fromisoformat(value)
        return parsed
    if isinstance(impl, Date):
        return date.fromisoformat(value)
    if isinstance(impl, Numeric):
        return Decimal(value)
    if isinstance(impl, LargeBinary):
        return base64.b64decode(value)
    return value


def schema_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def backup() -> str:
    """Every row of every table, as JSON text."""
    tables = {}
    for table in _backed_up_tables():
        order = list(table.primary_key.columns)
        rows = db.session.execute(select(table).order_by(*order)).mappings()
        carry = ROW_HOOKS.get(table.name, (_unchanged, _unchanged))[0]
        tables[table.name] = [{key: _encode(value) for key, value in carry(dict(row)).items()} for row in rows]
    return json.dumps({"format": FORMAT, "revision": schema_revision(), "tables": tables}, ensure_ascii=False)


def restore(document: str) -> dict[str, int]:
    """Load a backup into an empty, migrated database; returns rows restored per table. The caller commits."""
    try:
        data = json.loads(document)
    except json.JSONDecodeError as error:
        raise RestoreRefused(f"the file is not a tracker backup ({error.msg})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreRefused("the file is not a tracker backup")
    if data.get("revision") != schema_revision():
        raise RestoreRefused(
            f"the backup was made at schema {data.get('revision')} but this database is at {schema_revision()}: "
            "restore into a tracker at the same version"
        )
    for table in db.metadata.sorted_tables:
        if db.session.scalar(select(func.count()).select_from(table)):
            raise RestoreRefused(f"the database is not empty (table {table.name} has rows): restore into a new one")
    counts = {}
    for table in _backed_up_tables():
        rows = data["tables"].get(table.name, [])
        if rows:
            columns = table.columns
            place = ROW_HOOKS.get(table.name, (_unchanged, _unchanged))[1]
            db.session.execute(
                table.insert(),
                [
                    place({key: _decode(columns[key], value) for key, value in row.items() if key in columns})
                    for row in rows
                ],
            )
        counts[table.name] = len(rows)
    _reset_sequences()
    return counts


def _reset_sequences() -> None:
    """PostgreSQL keeps id counters apart from the rows: move them past the restored ids (SQLite needs nothing)."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.columns and table.c.id.autoincrement is not False and len(table.primary_key.columns) == 1:
            # Table names come from our own metadata, never from the backup file.
            statement = (
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
            )
            db.session.execute(text(statement))
