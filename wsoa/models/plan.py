"""The plan's structure: plan → priority → outcome → action."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, case, false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wsoa.extensions import db
from wsoa.models.types import UTCDateTime, allowed_values, utcnow

if TYPE_CHECKING:
    from wsoa.models.kpi import Kpi
    from wsoa.models.progress import ProgressUpdate, ReviewPeriod
    from wsoa.models.roles import Role

PLAN_KINDS = {
    "written_statement_of_action": "Written statement of action",
    "accelerated_progress_plan": "Accelerated progress plan",
    "priority_action_plan": "Priority action plan",
    "strategic_plan": "SEND strategic plan",
    "audit_learning": "Audit learning plan",
    "other": "Other plan",
}
# The status held in the column. A plan is also "archived" while archived_at is set: that status is derived from
# archived_at alone (Plan.current_status), never stored, so the two cannot disagree and restoring puts back the
# status it had.
PLAN_STATUSES = ("draft", "active", "superseded")
ARCHIVED = "archived"
PLAN_STATUS_LABELS = {"draft": "Draft", "active": "Active", "superseded": "Superseded", ARCHIVED: "Archived"}


class Plan(db.Model):
    __tablename__ = "plan"
    __table_args__ = (
        allowed_values("kind", PLAN_KINDS),
        allowed_values("status", PLAN_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="written_statement_of_action")
    # Text, not bounded strings: a workbook's cover sheet or its file name titles the plan; nothing is cut off.
    title: Mapped[str] = mapped_column(Text)
    area: Mapped[str | None] = mapped_column(Text)  # as the workbook names it; the plan belongs to area_id
    # The local area that owns the plan; set from the area being worked in when left unset (wsoa.scope).
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    inspection_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when an admin archives the plan: it is kept whole but left out of every list and chooser until restored.
    # Separate from `status`, so restoring puts back the status it had; current_status reads "archived" meanwhile.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The column mapping its last import confirmed ({"columns": [{sheet, heading or column, field}]}), used again by
    # the next import of the same workbook so the officer need not choose again.
    import_mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Updates count in the board paper only once the priority's lead or an officer has signed them off.
    signoff_required: Mapped[bool] = mapped_column(default=False, server_default=false())

    priorities: Mapped[list["Priority"]] = relationship(
        back_populates="plan", order_by="Priority.position", lazy="raise", cascade="all, delete-orphan"
    )
    review_periods: Mapped[list["ReviewPeriod"]] = relationship(
        back_populates="plan", order_by="ReviewPeriod.position", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return PLAN_KINDS.get(self.kind, self.kind)

    @hybrid_property
    def current_status(self) -> str:
        """The plan's status as people see it: draft, active, superseded, or archived while it is archived."""
        return ARCHIVED if self.archived_at is not None else self.status

    @current_status.inplace.expression
    @classmethod
    def _current_status_expression(cls):
        return case((cls.archived_at.is_not(None), ARCHIVED), else_=cls.status)

    @property
    def status_label(self) -> str:
        return PLAN_STATUS_LABELS.get(self.current_status, self.current_status)


class Priority(db.Model):
    __tablename__ = "priority"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    lead_role: Mapped[str | None] = mapped_column(Text)
    accountable_role: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship(back_populates="priorities", lazy="raise")
    outcomes: Mapped[list["Outcome"]] = relationship(
        back_populates="priority", order_by="Outcome.position", lazy="raise", cascade="all, delete-orphan"
    )
    actions: Mapped[list["Action"]] = relationship(
        back_populates="priority", order_by="Action.position", lazy="raise", cascade="all, delete-orphan"
    )
    kpis: Mapped[list["Kpi"]] = relationship(
        back_populates="priority", order_by="Kpi.position", lazy="raise", cascade="all, delete-orphan"
    )


class Outcome(db.Model):
    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), index=True)
    ref: Mapped[str] = mapped_column(Text)  # at most KEY_TEXT_LIMIT characters, like an action's ref
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    priority: Mapped[Priority] = relationship(back_populates="outcomes", lazy="raise")


class Action(db.Model):
    """An action in the plan. Its identity is its id: printed refs repeat in real plans."""

    __tablename__ = "action"
    __table_args__ = (Index("ix_action_plan_ref", "plan_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome.id"), index=True)
    ref: Mapped[str] = mapped_column(Text)  # at most KEY_TEXT_LIMIT characters (it is indexed)
    section: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    # The completion date as written, and what could be derived from it (wsoa.domain.timeframes).
    # Text, not a bounded string: councils write whole sentences in these cells and nothing may be cut off.
    due_text: Mapped[str | None] = mapped_column(Text)
    due_start: Mapped[date | None]
    due_end: Mapped[date | None] = mapped_column(index=True)
    due_ongoing: Mapped[bool] = mapped_column(default=False)
    due_recurring: Mapped[str | None] = mapped_column(String(40))
    due_note: Mapped[str | None] = mapped_column(Text)
    due_problem: Mapped[str | None] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    partners: Mapped[str | None] = mapped_column(Text)
    resources: Mapped[str | None] = mapped_column(Text)
    success_criteria: Mapped[str | None] = mapped_column(Text)
    # Cells of the imported row that no field claimed: kept, and shown on the action page.
    extra_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The UK day an action was added in the app; None for actions written in the plan as imported, which belong to
    # every review period. A report for a period settled before this day leaves the action out.
    in_plan_from: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Incremented by every progress update or edit; a stale form is refused rather than overwriting.
    version: Mapped[int] = mapped_column(default=1)
    # The newest progress update (the action's current state) and the newest that moved its completion date, so a
    # page joins one row per action instead of grouping the whole history. Both are kept in the transaction that
    # appends the update (wsoa.models.point_at_latest_updates); history itself stays append-only. No foreign key:
    # progress_update already refers to action, and a cycle would order neither deletes nor backups.
    latest_update_id: Mapped[int | None]
    latest_revised_update_id: Mapped[int | None]
    # The action in an earlier plan this one carries on (a new plan started from that one): its history stays there,
    # read-only, and is shown on this action's page.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("action.id"), index=True)

    priority: Mapped[Priority] = relationship(back_populates="actions", lazy="raise")
    outcome: Mapped[Outcome | None] = relationship(lazy="raise")
    updates: Mapped[list["ProgressUpdate"]] = relationship(
        back_populates="action", order_by="ProgressUpdate.id", lazy="raise", cascade="all, delete-orphan"
    )
    lead_roles: Mapped[list["Role"]] = relationship(secondary="action_lead", lazy="raise", order_by="Role.code")


class ActionLead(db.Model):
    """The glossary roles named in an action's lead text ("DoP/DCS" → DoP, DCS), kept for filtering and permissions."""

    __tablename__ = "action_lead"

    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id", ondelete="CASCADE"), primary_key=True, index=True)
