"""Query pieces shared by the read services."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from wsoa.extensions import db
from wsoa.models import ProgressUpdate, ReviewPeriod, Role


def latest_update_ids():
    """Subquery: each action's latest progress update id (history is append-only, so the highest id is latest)."""
    return (
        select(ProgressUpdate.action_id, func.max(ProgressUpdate.id).label("update_id"))
        .group_by(ProgressUpdate.action_id)
        .subquery("latest")
    )


def latest_revised_due_ids():
    """Subquery: each action's latest update that moved its completion date."""
    return (
        select(ProgressUpdate.action_id, func.max(ProgressUpdate.id).label("update_id"))
        .where(ProgressUpdate.revised_due_end.is_not(None))
        .group_by(ProgressUpdate.action_id)
        .subquery("latest_revision")
    )


def with_latest_update(query: Select, action_entity) -> Select:
    """Add each action's latest update (None if never updated), its period's label and latest revised due date."""
    latest = latest_update_ids()
    revision = latest_revised_due_ids()
    latest_update = aliased(ProgressUpdate, name="latest_update")
    revised_update = ProgressUpdate.__table__.alias("revised_update")
    return (
        query.outerjoin(latest, latest.c.action_id == action_entity.id)
        .outerjoin(latest_update, latest_update.id == latest.c.update_id)
        .outerjoin(revision, revision.c.action_id == action_entity.id)
        .outerjoin(revised_update, revised_update.c.id == revision.c.update_id)
        .outerjoin(ReviewPeriod, ReviewPeriod.id == latest_update.review_period_id)
        .add_columns(latest_update, ReviewPeriod.label, revised_update.c.revised_due_end)
    )


def glossary() -> list[Role]:
    """The key-roles glossary in the one order it is shown and moved in (rows merged from two imports can tie)."""
    return list(db.session.scalars(select(Role).order_by(Role.position, Role.code, Role.id)))


def people_by_code() -> dict[str, str | None]:
    """The glossary as {code: current holder}, for showing who a lead code is."""
    return dict(db.session.execute(select(Role.code, Role.person).where(Role.code.is_not(None))).all())
