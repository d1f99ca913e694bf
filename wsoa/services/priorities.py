"""Editing a plan's priorities. A priority is deleted only while nothing hangs off it (its outcomes go with it)."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from wsoa.domain.wording import tidy_line, tidy_text
from wsoa.extensions import db
from wsoa.models import (
    Action,
    Kpi,
    Outcome,
    Plan,
    Priority,
)
from wsoa.services import audit
from wsoa.services.editing import Direction, StructureProblem, counts_by, in_use_reason, next_position, reorder
from wsoa.services.outcomes import OUTCOME_FIELDS
from wsoa.services.queries import priorities_of

PRIORITY_FIELDS = ["number", "title", "lead_role", "accountable_role"]


@dataclass(frozen=True)
class PriorityValues:
    number: int
    title: str
    lead_role: str | None = None
    accountable_role: str | None = None


def _priority_columns(plan_id: int, values: PriorityValues, priority: Priority | None = None) -> dict[str, Any]:
    title = tidy_text(values.title)
    if not title:
        raise StructureProblem("title", "Enter a title for the priority")
    # A priority an import numbered 0 or past 999 keeps its number; it is only refused as a new number.
    if not 1 <= values.number <= 999 and (priority is None or values.number != priority.number):
        raise StructureProblem("number", "Priority number must be between 1 and 999")
    clash = select(Priority.id).where(Priority.plan_id == plan_id, Priority.number == values.number)
    if priority is not None:
        clash = clash.where(Priority.id != priority.id)
    if db.session.scalar(clash) is not None:
        raise StructureProblem("number", f"There is already a priority {values.number} in this plan")
    return {
        "number": values.number,
        "title": title,
        "lead_role": tidy_line(values.lead_role),
        "accountable_role": tidy_line(values.accountable_role),
    }


def next_priority_number(plan_id: int) -> int:
    last = db.session.scalar(select(func.max(Priority.number)).where(Priority.plan_id == plan_id))
    return (last or 0) + 1


def add_priority(plan: Plan, values: PriorityValues, *, user_id: int | None) -> Priority:
    """A new priority at the end of the plan."""
    priority = Priority(
        plan_id=plan.id,
        position=next_position(Priority, Priority.plan_id == plan.id),
        **_priority_columns(plan.id, values),
    )
    audit.record_created(
        priority,
        PRIORITY_FIELDS,
        event="priority.created",
        summary=f"Priority {priority.number} added to {plan.title}",
        user_id=user_id,
    )
    return priority


def edit_priority(priority: Priority, values: PriorityValues, *, user_id: int | None) -> bool:
    changes = audit.apply_changes(priority, _priority_columns(priority.plan_id, values, priority))
    return audit.record_changes(
        priority, changes, event="priority.edited", summary=f"Priority {priority.number} edited", user_id=user_id
    )


def move_priority(priority: Priority, direction: Direction, *, user_id: int | None) -> bool:
    """Move a priority up or down the plan; False when it is already first (or last)."""
    siblings = priorities_of(priority.plan_id)
    return reorder(
        priority, siblings, direction, what=f"Priority {priority.number}", event="priority.moved", user_id=user_id
    )


def priority_in_use(priority: Priority) -> str | None:
    """Why this priority cannot be deleted, or None when it can."""
    actions = db.session.scalar(select(func.count(Action.id)).where(Action.priority_id == priority.id)) or 0
    kpis = db.session.scalar(select(func.count(Kpi.id)).where(Kpi.priority_id == priority.id)) or 0
    return in_use_reason(f"Priority {priority.number}", actions, kpis)


def delete_priority(priority: Priority, *, user_id: int | None) -> None:
    """Delete a priority that has no actions or impact measures (its outcomes go with it)."""
    reason = priority_in_use(priority)
    if reason:
        raise StructureProblem(None, reason)
    outcomes = db.session.scalars(select(Outcome).where(Outcome.priority_id == priority.id)).all()
    before = audit.snapshot(priority, PRIORITY_FIELDS) | {
        "outcomes": [audit.snapshot(o, OUTCOME_FIELDS) for o in outcomes]
    }
    audit.record(
        event="priority.deleted",
        entity=priority,
        summary=f"Priority {priority.number} deleted from the plan",
        user_id=user_id,
        before=before,
    )
    db.session.execute(delete(Outcome).where(Outcome.priority_id == priority.id))
    db.session.execute(delete(Priority).where(Priority.id == priority.id))
    db.session.flush()


def get_priority(priority_id: int) -> Priority | None:
    return db.session.scalars(
        select(Priority).options(selectinload(Priority.plan)).where(Priority.id == priority_id)
    ).first()


@dataclass
class OutcomeEntry:
    outcome: Outcome
    actions: int
    kpis: int

    @property
    def deletable(self) -> bool:
        return not (self.actions or self.kpis)


@dataclass
class PriorityStructure:
    priority: Priority
    plan: Plan
    outcomes: list[OutcomeEntry]
    actions: list[Action]
    kpis: int
    outcome_refs: dict[int, str] = field(default_factory=dict)

    @property
    def live_actions(self) -> list[Action]:
        return [a for a in self.actions if a.retired_at is None]

    @property
    def deletable(self) -> bool:
        return not (self.actions or self.kpis)


def priority_structure(priority_id: int) -> PriorityStructure | None:
    """A priority with its outcomes and every action, retired ones included, in order (four queries)."""
    priority = get_priority(priority_id)
    if priority is None:
        return None
    actions_per = counts_by(Action.outcome_id, Action.outcome_id.is_not(None))
    kpis_per = counts_by(Kpi.outcome_id, Kpi.outcome_id.is_not(None))
    outcomes = [
        OutcomeEntry(*row)
        for row in db.session.execute(
            select(Outcome, func.coalesce(actions_per.c.n, 0), func.coalesce(kpis_per.c.n, 0))
            .outerjoin(actions_per, actions_per.c.owner_id == Outcome.id)
            .outerjoin(kpis_per, kpis_per.c.owner_id == Outcome.id)
            .where(Outcome.priority_id == priority_id)
            .order_by(Outcome.position, Outcome.id)
        ).all()
    ]
    actions = db.session.scalars(
        select(Action).where(Action.priority_id == priority_id).order_by(Action.position, Action.id)
    ).all()
    kpis = db.session.scalar(select(func.count(Kpi.id)).where(Kpi.priority_id == priority_id)) or 0
    return PriorityStructure(
        priority=priority,
        plan=priority.plan,
        outcomes=outcomes,
        actions=list(actions),
        kpis=kpis,
        outcome_refs={entry.outcome.id: entry.outcome.ref for entry in outcomes},
    )
