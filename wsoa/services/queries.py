"""Query pieces shared by the read services.

Each action points at its newest progress update and at its newest update that moved the completion date
(Action.latest_update_id, Action.latest_revised_update_id), kept in the transaction that appends the update. Pages
join those pointers, one row per action, instead of grouping the whole history to find them.
"""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, select
from sqlalchemy.orm import aliased

from wsoa.extensions import db
from wsoa.models import Action, Priority, ProgressUpdate, ReviewPeriod, Role, point_at_latest_updates

# Every character Python's str.strip() removes: "filled" in SQL means what wsoa.domain.honesty._filled means.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def priorities_of(plan_id: int) -> list[Priority]:
    """The plan's priorities in the plan's order."""
    return list(
        db.session.scalars(
            select(Priority).where(Priority.plan_id == plan_id).order_by(Priority.position, Priority.number)
        )
    )


def refresh_latest_updates(*, action_ids: Iterable[int] | None = None, plan_id: int | None = None) -> None:
    """Point actions at their newest updates after updates were inserted in bulk (imports): one statement."""
    db.session.execute(point_at_latest_updates(action_ids=action_ids, plan_id=plan_id))


# Made once: building an alias proxies every column of the table, a cost each page would otherwise pay per request.
_LATEST_UPDATE = aliased(ProgressUpdate, name="latest_update")
_REVISED_UPDATE = ProgressUpdate.__table__.alias("revised_update")


def with_latest_update(query: Select, action_entity) -> Select:
    """Add each action's latest update (None if never updated), its period's label and latest revised due date."""
    return (
        query.outerjoin(_LATEST_UPDATE, _LATEST_UPDATE.id == action_entity.latest_update_id)
        .outerjoin(_REVISED_UPDATE, _REVISED_UPDATE.c.id == action_entity.latest_revised_update_id)
        .outerjoin(ReviewPeriod, ReviewPeriod.id == _LATEST_UPDATE.review_period_id)
        .add_columns(_LATEST_UPDATE, ReviewPeriod.label, _REVISED_UPDATE.c.revised_due_end)
    )


def updated_in_period(period_id: int | None) -> ColumnElement[bool]:
    """Whether the action has an update for the period: one probe of ix_progress_update_action_period per action."""
    if period_id is None:
        return false()
    return exists().where(ProgressUpdate.action_id == Action.id, ProgressUpdate.review_period_id == period_id)


def filled(column) -> ColumnElement[bool]:
    """The text holds more than whitespace (NULL counts as empty)."""
    return func.coalesce(func.length(func.trim(column, WHITESPACE)), 0) > 0


def effective_due(revised_due_end) -> ColumnElement[date]:
    return func.coalesce(revised_due_end, Action.due_end)


def is_overdue_sql(rag, revised_due_end, today: date) -> ColumnElement[bool]:
    """wsoa.domain.actions.is_overdue for live actions, in SQL so pages can count and filter without loading rows."""
    return and_(effective_due(revised_due_end) < today, func.coalesce(rag, "") != "blue")


def glossary() -> list[Role]:
    """The key-roles glossary in the one order it is shown and moved in (rows merged from two imports can tie)."""
    return list(db.session.scalars(select(Role).order_by(Role.position, Role.code, Role.id)))


def people_by_code() -> dict[str, str | None]:
    """The glossary as {code: current holder}, for showing who a lead code is."""
    return dict(db.session.execute(select(Role.code, Role.person).where(Role.code.is_not(None))).all())
