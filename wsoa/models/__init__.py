"""All models, imported here so Alembic and the app see every table."""

from sqlalchemy import event
from sqlalchemy.orm import Session

from wsoa.models.audit import AuditEvent, ImportBatch
from wsoa.models.kpi import Kpi, KpiBenchmark, KpiMilestone, KpiValue
from wsoa.models.plan import Action, ActionLead, Outcome, Plan, Priority
from wsoa.models.progress import ProgressUpdate, ReviewPeriod
from wsoa.models.reminders import Notice, NoticePreference, ReminderSettings
from wsoa.models.roles import Role, RoleHolder
from wsoa.models.users import SignInFailure, User, UserSession, user_role

APPEND_ONLY = (ProgressUpdate, AuditEvent, KpiValue)

__all__ = [
    "Action",
    "ActionLead",
    "AuditEvent",
    "ImportBatch",
    "Kpi",
    "KpiBenchmark",
    "KpiMilestone",
    "KpiValue",
    "Notice",
    "NoticePreference",
    "Outcome",
    "Plan",
    "Priority",
    "ProgressUpdate",
    "ReminderSettings",
    "ReviewPeriod",
    "Role",
    "RoleHolder",
    "SignInFailure",
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
