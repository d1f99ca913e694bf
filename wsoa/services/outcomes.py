"""Editing a priority's outcomes. An outcome is deleted only while no action or impact measure hangs off it."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from wsoa.domain.wording import tidy_line, tidy_text
from wsoa.extensions import db
from wsoa.models import (
    Action,
    Kpi,
    Outcome,
    Priority,
)
from wsoa.services import audit
from wsoa.services.editing import Direction, StructureProblem, in_use_reason, next_position, reorder

OUTCOME_FIELDS = ["ref", "text"]


@dataclass(frozen=True)
class OutcomeValues:
    ref: str
    text: str


def _outcome_columns(values: OutcomeValues) -> dict[str, Any]:
    ref = tidy_line(values.ref)
    if not ref:
        raise StructureProblem("ref", "Enter a reference for the outcome, for example 1.2")
    text = tidy_text(values.text)
    if not text:
        raise StructureProblem("text", "Enter what success looks like for this outcome")
    return {"ref": ref, "text": text}


def add_outcome(priority: Priority, values: OutcomeValues, *, user_id: int | None) -> Outcome:
    outcome = Outcome(
        priority_id=priority.id,
        position=next_position(Outcome, Outcome.priority_id == priority.id),
        **_outcome_columns(values),
    )
    audit.record_created(
        outcome,
        OUTCOME_FIELDS,
        event="outcome.created",
        summary=f"Outcome {outcome.ref} added to priority {priority.number}",
        user_id=user_id,
    )
    return outcome


def edit_outcome(outcome: Outcome, values: OutcomeValues, *, user_id: int | None) -> bool:
    changes = audit.apply_changes(outcome, _outcome_columns(values))
    return audit.record_changes(
        outcome, changes, event="outcome.edited", summary=f"Outcome {outcome.ref} edited", user_id=user_id
    )


def move_outcome(outcome: Outcome, direction: Direction, *, user_id: int | None) -> bool:
    """Move an outcome up or down its priority; False when it is already first (or last)."""
    siblings = db.session.scalars(
        select(Outcome).where(Outcome.priority_id == outcome.priority_id).order_by(Outcome.position, Outcome.id)
    ).all()
    return reorder(outcome, siblings, direction, what=f"Outcome {outcome.ref}", event="outcome.moved", user_id=user_id)


def outcome_in_use(outcome: Outcome) -> str | None:
    actions = db.session.scalar(select(func.count(Action.id)).where(Action.outcome_id == outcome.id)) or 0
    kpis = db.session.scalar(select(func.count(Kpi.id)).where(Kpi.outcome_id == outcome.id)) or 0
    return in_use_reason(f"Outcome {outcome.ref}", actions, kpis)


def delete_outcome(outcome: Outcome, *, user_id: int | None) -> None:
    reason = outcome_in_use(outcome)
    if reason:
        raise StructureProblem(None, reason)
    audit.record(
        event="outcome.deleted",
        entity=outcome,
        summary=f"Outcome {outcome.ref} deleted",
        user_id=user_id,
        before=audit.snapshot(outcome, OUTCOME_FIELDS),
    )
    db.session.execute(delete(Outcome).where(Outcome.id == outcome.id))
    db.session.flush()


def get_outcome(outcome_id: int) -> Outcome | None:
    return db.session.scalars(
        select(Outcome)
        .options(selectinload(Outcome.priority).selectinload(Priority.plan))
        .where(Outcome.id == outcome_id)
    ).first()


def outcomes_of(priority_id: int) -> list[Outcome]:
    return list(
        db.session.scalars(
            select(Outcome).where(Outcome.priority_id == priority_id).order_by(Outcome.position, Outcome.id)
        )
    )
