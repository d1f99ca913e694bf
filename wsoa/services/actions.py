"""Editing actions. Actions are never deleted (retired instead). Editing one is guarded by its version: a form
opened before someone else saved is refused, never merged or overwritten.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from wsoa import clock
from wsoa.domain.timeframes import Timeframe, parse_timeframe
from wsoa.domain.wording import tidy_line, tidy_text
from wsoa.domain.wording import uk_day as uk_date
from wsoa.extensions import db
from wsoa.models import (
    Action,
    AuditEvent,
    Outcome,
    Priority,
    ProgressUpdate,
)
from wsoa.models.types import utcnow
from wsoa.services import audit
from wsoa.services.editing import Direction, StructureProblem, everyone, reorder
from wsoa.services.roles import coded_roles, relink_leads

ACTION_FIELDS = [
    "ref",
    "outcome_id",
    "section",
    "title",
    "due_text",
    "lead",
    "partners",
    "resources",
    "success_criteria",
]


DUE_FIELDS = ["due_start", "due_end", "due_ongoing", "due_recurring", "due_note", "due_problem"]


# How the action form names each field, to explain someone else's change in the words the form uses.
ACTION_FIELD_LABELS = {
    "ref": "Reference",
    "outcome_id": "Outcome",
    "section": "Section",
    "title": "Action",
    "due_text": "Completion date",
    "lead": "Lead",
    "partners": "Delivery partners",
    "resources": "Resources",
    "success_criteria": "How will we know?",
    "retired_at": "Retired",
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ChangeSeen:
    """A change someone else saved to an action while a form was open, as the person editing should read it."""

    who: str
    at: Any
    summary: str
    changes: list[FieldChange]


class StaleAction(Exception):
    """Someone changed the action after this form was opened: nothing was saved."""

    def __init__(self, current_version: int, latest_event_id: int, changes: list[ChangeSeen]):
        super().__init__("The action changed while the form was open")
        self.current_version = current_version
        self.latest_event_id = latest_event_id
        self.changes = changes


def describe_due(timeframe: Timeframe) -> str:
    """How the tracker reads a completion date, in one sentence: "Due 'Oct 20 to Feb 21' is read as by 28 Feb 2021."""
    if timeframe.text is None:
        return "No completion date is set."
    reading = None
    if timeframe.end is not None:
        reading = f"by {uk_date(timeframe.end)}" + (", then ongoing" if timeframe.ongoing else "")
    elif timeframe.ongoing:
        reading = f"ongoing from {uk_date(timeframe.start)}" if timeframe.start else "ongoing"
        reading += ", with no due date"
    if timeframe.recurring:
        reading = f"{reading}, recurring {timeframe.recurring}" if reading else f"recurring {timeframe.recurring}"
    if reading:
        sentence = f"Due '{timeframe.text}' is read as {reading}"
    else:
        sentence = f"Due '{timeframe.text}' has no due date"
    if timeframe.note:
        sentence += f" (note: {timeframe.note})"
    sentence += "."
    if timeframe.problem:
        problem = timeframe.problem
        if problem[:1].isupper() and problem[1:2].islower():
            problem = problem[:1].lower() + problem[1:]
        sentence += f" Check it: {problem}."
    return sentence


def _live(action: Action) -> bool:
    return action.retired_at is None


@dataclass(frozen=True)
class ActionValues:
    ref: str
    title: str
    outcome_id: int | None = None
    section: str | None = None
    due_text: str | None = None
    lead: str | None = None
    partners: str | None = None
    resources: str | None = None
    success_criteria: str | None = None


@dataclass(frozen=True)
class ActionSaved:
    action: Action
    changed: list[str]  # the form's fields that changed (for a new action, every field given)
    timeframe: Timeframe

    @property
    def due_reading(self) -> str | None:
        """How the completion date is read, when it was set or changed."""
        return describe_due(self.timeframe) if "due_text" in self.changed else None


def _action_columns(priority_id: int, values: ActionValues) -> tuple[dict[str, Any], Timeframe]:
    ref = tidy_line(values.ref)
    if not ref:
        raise StructureProblem("ref", "Enter a reference for the action, for example 1.2.3")
    title = tidy_text(values.title)
    if not title:
        raise StructureProblem("title", "Enter the action")
    if values.outcome_id is not None:
        outcome_priority = db.session.scalar(select(Outcome.priority_id).where(Outcome.id == values.outcome_id))
        if outcome_priority != priority_id:
            raise StructureProblem("outcome_id", "Select an outcome of this priority")
    timeframe = parse_timeframe(tidy_text(values.due_text))
    columns = {
        "ref": ref,
        "outcome_id": values.outcome_id,
        "section": tidy_text(values.section),
        "title": title,
        "due_text": timeframe.text,
        "due_start": timeframe.start,
        "due_end": timeframe.end,
        "due_ongoing": timeframe.ongoing,
        "due_recurring": timeframe.recurring,
        "due_note": timeframe.note,
        "due_problem": timeframe.problem,
        "lead": tidy_text(values.lead),
        "partners": tidy_text(values.partners),
        "resources": tidy_text(values.resources),
        "success_criteria": tidy_text(values.success_criteria),
    }
    return columns, timeframe


def add_action(priority: Priority, values: ActionValues, *, user_id: int | None) -> ActionSaved:
    """A new action, placed after the last action of its outcome (or at the end of the priority)."""
    columns, timeframe = _action_columns(priority.id, values)
    siblings = list(
        db.session.scalars(select(Action).where(Action.priority_id == priority.id).order_by(Action.position, Action.id))
    )
    same_outcome = [i for i, a in enumerate(siblings) if a.outcome_id == columns["outcome_id"]]
    index = same_outcome[-1] + 1 if same_outcome and columns["outcome_id"] is not None else len(siblings)
    action = Action(
        plan_id=priority.plan_id, priority_id=priority.id, extra_fields={}, in_plan_from=clock.today(), **columns
    )
    siblings.insert(index, action)
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
    db.session.add(action)
    db.session.flush()
    relink_leads([(action.id, action.lead)], coded_roles(), new_actions=True)
    audit.record(
        event="action.created",
        entity=action,
        summary=f"Action {action.ref} added to priority {priority.number}",
        user_id=user_id,
        after=audit.snapshot(action, ACTION_FIELDS + DUE_FIELDS),
    )
    given = [name for name in ACTION_FIELDS if columns[name] is not None]
    return ActionSaved(action=action, changed=given, timeframe=timeframe)


def latest_event_id() -> int:
    """The newest audit event's id: an action form remembers it, to show what others saved after it was opened."""
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def changes_since(action: Action, event_id: int | None, *, limit: int = 10) -> list[ChangeSeen]:
    """What was saved to this action (edits, retirement, progress updates) after the given audit event."""
    about_action = or_(
        and_(AuditEvent.entity_type == "action", AuditEvent.entity_id == action.id),
        and_(
            AuditEvent.entity_type == "progress_update",
            AuditEvent.entity_id.in_(select(ProgressUpdate.id).where(ProgressUpdate.action_id == action.id)),
        ),
    )
    events = db.session.scalars(
        select(AuditEvent)
        .options(selectinload(AuditEvent.user))
        .where(about_action, AuditEvent.id > (event_id or 0))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    outcome_refs = dict(
        db.session.execute(select(Outcome.id, Outcome.ref).where(Outcome.priority_id == action.priority_id)).all()
    )

    def shown(name: str, value: Any) -> Any:
        return outcome_refs.get(value, value) if name == "outcome_id" else value

    seen = []
    for event in events:
        changes = []
        if event.entity_type == "action":
            before, after = event.before or {}, event.after or {}
            changes = [
                FieldChange(label, shown(name, before.get(name)), shown(name, after.get(name)))
                for name, label in ACTION_FIELD_LABELS.items()
                if name in after or name in before
            ]
        who = event.user.name if event.user else "An import or system task"
        seen.append(ChangeSeen(who=who, at=event.at, summary=event.summary, changes=changes))
    return seen


def edit_action(
    action: Action,
    values: ActionValues,
    *,
    expected_version: int | None,
    seen_event_id: int | None = None,
    user_id: int | None,
) -> ActionSaved:
    """Change an action's fields, unless someone changed it since the form was opened (then nothing is saved).

    The version check is one conditional UPDATE, so of two forms opened at the same version exactly one saves.
    A new completion date is read again (due_*), and a new lead re-links the action to the roles it names.
    """
    columns, timeframe = _action_columns(action.priority_id, values)
    wanted = {name: value for name, value in columns.items() if getattr(action, name) != value}
    if not wanted:
        return ActionSaved(action=action, changed=[], timeframe=timeframe)
    bumped = db.session.execute(
        update(Action)
        .where(Action.id == action.id, Action.version == (expected_version if expected_version is not None else -1))
        .values(version=Action.version + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        current_version = db.session.scalar(select(Action.version).where(Action.id == action.id)) or 0
        raise StaleAction(current_version, latest_event_id(), changes_since(action, seen_event_id))
    db.session.expire(action, ["version", "updated_at"])
    changes = audit.apply_changes(action, wanted)
    db.session.flush()
    if "lead" in changes:
        relink_leads([(action.id, action.lead)], coded_roles())
    audit.record(
        event="action.edited",
        entity=action,
        summary=f"Action {action.ref} edited",
        user_id=user_id,
        changes=changes,
    )
    return ActionSaved(action=action, changed=[n for n in ACTION_FIELDS if n in changes], timeframe=timeframe)


def move_action(action: Action, direction: Direction, *, user_id: int | None) -> bool:
    """Move an action past the next live action of its priority (retired actions keep their place, unseen)."""
    siblings = db.session.scalars(
        select(Action).where(Action.priority_id == action.priority_id).order_by(Action.position, Action.id)
    ).all()
    return reorder(
        action,
        siblings,
        direction,
        what=f"Action {action.ref}",
        event="action.moved",
        user_id=user_id,
        eligible=_live if action.retired_at is None else everyone,
    )


def retire_action(action: Action, *, user_id: int | None) -> bool:
    """Take an action out of the live plan, keeping it and its history; False if it was already retired."""
    if action.retired_at is not None:
        return False
    changes = audit.apply_changes(action, {"retired_at": utcnow()})
    db.session.flush()
    audit.record(
        event="action.retired",
        entity=action,
        summary=f"Action {action.ref} retired",
        user_id=user_id,
        changes=changes,
    )
    return True


def reinstate_action(action: Action, *, user_id: int | None) -> bool:
    """Bring a retired action back into the live plan; False if it was not retired."""
    if action.retired_at is None:
        return False
    changes = audit.apply_changes(action, {"retired_at": None})
    db.session.flush()
    audit.record(
        event="action.reinstated",
        entity=action,
        summary=f"Action {action.ref} reinstated",
        user_id=user_id,
        changes=changes,
    )
    return True


def get_action(action_id: int) -> Action | None:
    return db.session.scalars(
        select(Action)
        .options(selectinload(Action.priority).selectinload(Priority.plan), selectinload(Action.outcome))
        .where(Action.id == action_id)
    ).first()
