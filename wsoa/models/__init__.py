"""All models, imported here so Alembic and the app see every table."""

from collections.abc import Iterable

from sqlalchemy import Update, case, event, exists, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from wsoa.models.areas import Area, AreaMembership
from wsoa.models.assurance import ActionComment, EvidenceFile, UpdateReview
from wsoa.models.audit import AuditEvent, ImportBatch, PendingUpload
from wsoa.models.kpi import Kpi, KpiBenchmark, KpiMilestone, KpiValue
from wsoa.models.meetings import AgreedAction, ReviewMeeting, SufficiencyStatement
from wsoa.models.plan import Action, ActionLead, Outcome, Plan, Priority
from wsoa.models.progress import ProgressUpdate, ReviewPeriod
from wsoa.models.public import PublicPage, PublicText, PublicTextApproval, PublicTextVersion
from wsoa.models.reminders import Notice, NoticePreference, ReminderSettings
from wsoa.models.roles import Role, RoleHolder
from wsoa.models.users import SignInFailure, User, UserSession, user_role

APPEND_ONLY = (
    ProgressUpdate,
    AuditEvent,
    KpiValue,
    EvidenceFile,
    UpdateReview,
    ActionComment,
    SufficiencyStatement,
    PublicTextVersion,
    PublicTextApproval,
)

__all__ = [
    "Action",
    "Area",
    "AreaMembership",
    "ActionComment",
    "ActionLead",
    "AgreedAction",
    "AuditEvent",
    "EvidenceFile",
    "ImportBatch",
    "Kpi",
    "KpiBenchmark",
    "KpiMilestone",
    "KpiValue",
    "Notice",
    "NoticePreference",
    "Outcome",
    "PendingUpload",
    "Plan",
    "Priority",
    "ProgressUpdate",
    "PublicPage",
    "PublicText",
    "PublicTextApproval",
    "PublicTextVersion",
    "ReminderSettings",
    "ReviewMeeting",
    "point_at_latest_updates",
    "ReviewPeriod",
    "Role",
    "RoleHolder",
    "SignInFailure",
    "SufficiencyStatement",
    "UpdateReview",
    "User",
    "UserSession",
    "user_role",
]


class AppendOnlyViolation(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_history(session: Session, flush_context, instances) -> None:
    """History is append-only: refuse any edit or delete of updates, audit events and KPI values."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, APPEND_ONLY) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyViolation(f"{type(obj).__name__} {obj.id} is history and cannot be changed")


_APPEND_ONLY_TABLES = frozenset(model.__table__ for model in APPEND_ONLY)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes_to_history(state) -> None:
    """The same rule for UPDATE and DELETE statements, which never pass through a flush."""
    if (state.is_update or state.is_delete) and getattr(state.statement, "table", None) in _APPEND_ONLY_TABLES:
        raise AppendOnlyViolation(f"{state.statement.table.name} is history and cannot be changed")


def _newest(*conditions):
    return (
        select(func.max(ProgressUpdate.id)).where(ProgressUpdate.action_id == Action.id, *conditions).scalar_subquery()
    )


def _newer_than(pointer, *conditions):
    """The action has an update newer than the pointer (as this statement sees the history): one index probe."""
    return exists().where(
        ProgressUpdate.action_id == Action.id, ProgressUpdate.id > func.coalesce(pointer, 0), *conditions
    )


def _forward(pointer, newest):
    """The newest update this statement sees, unless the pointer already points further on.

    On PostgreSQL an UPDATE that waited for another transaction's lock on the action re-reads the action row but
    not the history, so `newest` can miss the update that transaction committed; the pointer it left is newer.
    """
    return case((newest > func.coalesce(pointer, 0), newest), else_=pointer)


def point_at_latest_updates(*, action_ids: Iterable[int] | None = None, plan_id: int | None = None) -> Update:
    """One UPDATE that points the actions (by id, or a whole plan's) at their newest and newest revising updates.

    History is append-only and ids grow, so the newest update is the one with the highest id and a pointer only
    moves forward. Only actions with an update newer than their pointers are written, and that is no edit of the
    action: its updated_at stays (an import re-pointing a whole plan would otherwise touch every action).
    """
    revising = ProgressUpdate.revised_due_end.is_not(None)
    statement = (
        update(Action)
        .where(or_(_newer_than(Action.latest_update_id), _newer_than(Action.latest_revised_update_id, revising)))
        .values(
            latest_update_id=_forward(Action.latest_update_id, _newest()),
            latest_revised_update_id=_forward(Action.latest_revised_update_id, _newest(revising)),
            updated_at=Action.updated_at,
        )
    )
    if action_ids is not None:
        statement = statement.where(Action.id.in_(sorted(set(action_ids))))
    if plan_id is not None:
        statement = statement.where(Action.plan_id == plan_id)
    return statement.execution_options(synchronize_session=False)


_POINTERS = ["latest_update_id", "latest_revised_update_id"]


@event.listens_for(Session, "after_flush")
def _point_at_new_updates(session: Session, flush_context) -> None:
    """Updates added through the ORM (the update form, the demo, tests) move their actions' pointers in the same
    transaction; bulk inserts (imports) call point_at_latest_updates themselves."""
    action_ids = {obj.action_id for obj in session.new if isinstance(obj, ProgressUpdate)}
    if not action_ids:
        return
    session.connection().execute(point_at_latest_updates(action_ids=action_ids))
    session.info.setdefault("wsoa_repointed", set()).update(action_ids)


@event.listens_for(Session, "after_flush_postexec")
def _forget_stale_pointers(session: Session, flush_context) -> None:
    """Actions already loaded in this session read their moved pointers afresh."""
    for action_id in session.info.pop("wsoa_repointed", ()):
        action = session.identity_map.get(inspect(Action).identity_key_from_primary_key((action_id,)))
        if action is not None:
            session.expire(action, _POINTERS)
