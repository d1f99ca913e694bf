"""Editing the plan's structure: plans, priorities, outcomes, actions and the key-roles glossary.

Every change records an audit event with the values before and after. Actions are never deleted (retired instead);
priorities and outcomes are deleted only while nothing hangs off them. Editing an action is guarded by its version:
a form opened before someone else saved is refused, never merged or overwritten.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from wsoa import clock
from wsoa.domain.leads import normalise_code
from wsoa.domain.timeframes import Timeframe, parse_timeframe
from wsoa.domain.wording import tidy_line, tidy_text
from wsoa.domain.wording import uk_day as uk_date
from wsoa.extensions import db
from wsoa.models import (
    Action,
    AuditEvent,
    Kpi,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    Role,
    RoleHolder,
)
from wsoa.models.plan import PLAN_KINDS, PLAN_STATUSES
from wsoa.models.types import utcnow
from wsoa.services import audit
from wsoa.services.leads import relink_leads
from wsoa.services.queries import glossary

Direction = Literal["up", "down"]

PLAN_FIELDS = ["title", "kind", "area", "inspection_date", "status"]
PRIORITY_FIELDS = ["number", "title", "lead_role", "accountable_role"]
OUTCOME_FIELDS = ["ref", "text"]
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
ROLE_FIELDS = ["code", "title", "organisation", "person", "contact"]
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


class StructureProblem(ValueError):
    """A problem the admin can fix, tied to a form field (None: about the whole thing, such as a refused delete)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


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


# ----- tidying and describing --------------------------------------------------------------------------------------


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


def _move(siblings: Sequence[Any], item: Any, direction: Direction, eligible: Callable[[Any], bool]) -> bool:
    """Move `item` one place past its nearest eligible neighbour, then number everyone's position 0, 1, 2…"""
    order = list(siblings)
    index = order.index(item)
    step = -1 if direction == "up" else 1
    target = index + step
    while 0 <= target < len(order) and not eligible(order[target]):
        target += step
    if not 0 <= target < len(order):
        return False
    order.pop(index)
    order.insert(target, item)
    for position, sibling in enumerate(order):
        if sibling.position != position:
            sibling.position = position
    return True


def _place(siblings: Sequence[Any], item: Any, eligible: Callable[[Any], bool]) -> int:
    """`item`'s place (1-based) among the eligible siblings, as people count them."""
    return [s for s in siblings if eligible(s)].index(item) + 1


def _live(action: Action) -> bool:
    return action.retired_at is None


def _everyone(_: Any) -> bool:
    return True


def _reorder(
    item: Any,
    siblings: Sequence[Any],
    direction: Direction,
    *,
    what: str,
    event: str,
    user_id: int | None,
    eligible: Callable[[Any], bool] | None = None,
) -> bool:
    """Move `item` among its siblings and audit its place before and after (as people count: 1, 2, 3…)."""
    eligible = eligible or _everyone
    before = _place(siblings, item, eligible)
    if not _move(siblings, item, direction, eligible):
        return False
    after = _place(sorted(siblings, key=lambda s: s.position), item, eligible)
    db.session.flush()
    audit.record(
        event=event,
        entity=item,
        summary=f"{what} moved {direction} to place {after} of {sum(map(eligible, siblings))}",
        user_id=user_id,
        before={"place": before},
        after={"place": after},
    )
    return True


def _next_position(model, *where) -> int:
    query = select(func.max(model.position))
    if where:
        query = query.where(*where)
    last = db.session.scalar(query)
    return (last + 1) if last is not None else 0


# ----- plans --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanValues:
    title: str
    kind: str
    area: str | None = None
    inspection_date: date | None = None
    status: str = "active"


def _plan_columns(values: PlanValues) -> dict[str, Any]:
    title = tidy_line(values.title)
    if not title:
        raise StructureProblem("title", "Enter a title for the plan")
    if values.kind not in PLAN_KINDS:
        raise StructureProblem("kind", "Select the kind of plan")
    if values.status not in PLAN_STATUSES:
        raise StructureProblem("status", "Select the plan’s status")
    return {
        "title": title,
        "kind": values.kind,
        "area": tidy_line(values.area),
        "inspection_date": values.inspection_date,
        "status": values.status,
    }


def create_plan(values: PlanValues, *, user_id: int | None) -> Plan:
    """A new, empty plan: its priorities are added next (or imported)."""
    plan = Plan(**_plan_columns(values))
    db.session.add(plan)
    db.session.flush()
    audit.record(
        event="plan.created",
        entity=plan,
        summary=f"Plan {plan.title} created",
        user_id=user_id,
        after=audit.snapshot(plan, PLAN_FIELDS),
    )
    return plan


def edit_plan(plan: Plan, values: PlanValues, *, user_id: int | None) -> bool:
    """Change the plan's details; returns whether anything changed."""
    changes = audit.apply_changes(plan, _plan_columns(values))
    if changes:
        db.session.flush()
        audit.record(
            event="plan.edited", entity=plan, summary=f"Plan {plan.title} edited", user_id=user_id, changes=changes
        )
    return bool(changes)


# ----- priorities ---------------------------------------------------------------------------------------------------


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
        position=_next_position(Priority, Priority.plan_id == plan.id),
        **_priority_columns(plan.id, values),
    )
    db.session.add(priority)
    db.session.flush()
    audit.record(
        event="priority.created",
        entity=priority,
        summary=f"Priority {priority.number} added to {plan.title}",
        user_id=user_id,
        after=audit.snapshot(priority, PRIORITY_FIELDS),
    )
    return priority


def edit_priority(priority: Priority, values: PriorityValues, *, user_id: int | None) -> bool:
    changes = audit.apply_changes(priority, _priority_columns(priority.plan_id, values, priority))
    if changes:
        db.session.flush()
        audit.record(
            event="priority.edited",
            entity=priority,
            summary=f"Priority {priority.number} edited",
            user_id=user_id,
            changes=changes,
        )
    return bool(changes)


def move_priority(priority: Priority, direction: Direction, *, user_id: int | None) -> bool:
    """Move a priority up or down the plan; False when it is already first (or last)."""
    siblings = db.session.scalars(
        select(Priority).where(Priority.plan_id == priority.plan_id).order_by(Priority.position, Priority.number)
    ).all()
    return _reorder(
        priority, siblings, direction, what=f"Priority {priority.number}", event="priority.moved", user_id=user_id
    )


def _in_use(what: str, actions: int, kpis: int) -> str | None:
    parts = []
    if actions:
        parts.append(f"{actions} action{'s' if actions != 1 else ''}")
    if kpis:
        parts.append(f"{kpis} impact measure{'s' if kpis != 1 else ''}")
    if not parts:
        return None
    return (
        f"{what} cannot be deleted because it has {' and '.join(parts)}. Actions are never deleted (retire them "
        "instead), so a priority or outcome with actions stays in the plan."
    )


def priority_in_use(priority: Priority) -> str | None:
    """Why this priority cannot be deleted, or None when it can."""
    actions = db.session.scalar(select(func.count(Action.id)).where(Action.priority_id == priority.id)) or 0
    kpis = db.session.scalar(select(func.count(Kpi.id)).where(Kpi.priority_id == priority.id)) or 0
    return _in_use(f"Priority {priority.number}", actions, kpis)


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


# ----- outcomes -----------------------------------------------------------------------------------------------------


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
        position=_next_position(Outcome, Outcome.priority_id == priority.id),
        **_outcome_columns(values),
    )
    db.session.add(outcome)
    db.session.flush()
    audit.record(
        event="outcome.created",
        entity=outcome,
        summary=f"Outcome {outcome.ref} added to priority {priority.number}",
        user_id=user_id,
        after=audit.snapshot(outcome, OUTCOME_FIELDS),
    )
    return outcome


def edit_outcome(outcome: Outcome, values: OutcomeValues, *, user_id: int | None) -> bool:
    changes = audit.apply_changes(outcome, _outcome_columns(values))
    if changes:
        db.session.flush()
        audit.record(
            event="outcome.edited",
            entity=outcome,
            summary=f"Outcome {outcome.ref} edited",
            user_id=user_id,
            changes=changes,
        )
    return bool(changes)


def move_outcome(outcome: Outcome, direction: Direction, *, user_id: int | None) -> bool:
    """Move an outcome up or down its priority; False when it is already first (or last)."""
    siblings = db.session.scalars(
        select(Outcome).where(Outcome.priority_id == outcome.priority_id).order_by(Outcome.position, Outcome.id)
    ).all()
    return _reorder(outcome, siblings, direction, what=f"Outcome {outcome.ref}", event="outcome.moved", user_id=user_id)


def outcome_in_use(outcome: Outcome) -> str | None:
    actions = db.session.scalar(select(func.count(Action.id)).where(Action.outcome_id == outcome.id)) or 0
    kpis = db.session.scalar(select(func.count(Kpi.id)).where(Kpi.outcome_id == outcome.id)) or 0
    return _in_use(f"Outcome {outcome.ref}", actions, kpis)


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


# ----- actions ------------------------------------------------------------------------------------------------------


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


def _coded_roles() -> dict[str, Role]:
    # Glossary rows without a code (a group such as "SEND Advocacy Groups") cannot be named in a lead cell.
    return {role.code: role for role in db.session.scalars(select(Role).where(Role.code.is_not(None)))}


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
    relink_leads([(action.id, action.lead)], _coded_roles(), new_actions=True)
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
        relink_leads([(action.id, action.lead)], _coded_roles())
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
    return _reorder(
        action,
        siblings,
        direction,
        what=f"Action {action.ref}",
        event="action.moved",
        user_id=user_id,
        eligible=_live if action.retired_at is None else _everyone,
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


# ----- key roles ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleValues:
    code: str | None = None
    title: str | None = None
    organisation: str | None = None
    person: str | None = None
    contact: str | None = None


def _role_columns(values: RoleValues, role_id: int | None = None) -> dict[str, Any]:
    columns = {name: tidy_line(getattr(values, name)) for name in ROLE_FIELDS}
    if not columns["code"] and not columns["title"]:
        raise StructureProblem("code", "Enter a code for the role, or a title if it has no code")
    if columns["code"]:
        others = db.session.execute(select(Role.id, Role.code).where(Role.code.is_not(None))).all()
        wanted = normalise_code(columns["code"])
        clash = next(
            (code for other_id, code in others if other_id != role_id and normalise_code(code) == wanted), None
        )
        if clash:
            raise StructureProblem("code", f"There is already a key role with the code {clash}")
    return columns


def _relink_all_leads() -> None:
    """A code was added or renamed: every action's lead text is matched against the glossary again."""
    rows = db.session.execute(select(Action.id, Action.lead).where(Action.lead.is_not(None))).all()
    relink_leads([(action_id, lead) for action_id, lead in rows], _coded_roles())


def add_role(values: RoleValues, *, user_id: int | None) -> Role:
    """A new glossary entry; actions whose lead names its code are linked to it."""
    role = Role(position=_next_position(Role), **_role_columns(values))
    db.session.add(role)
    db.session.flush()
    if role.person:
        db.session.add(RoleHolder(role_id=role.id, person=role.person, started_at=utcnow()))
    if role.code:
        _relink_all_leads()
    audit.record(
        event="role.created",
        entity=role,
        summary=f"Key role {role.code or role.title} added",
        user_id=user_id,
        after=audit.snapshot(role, ROLE_FIELDS),
    )
    db.session.flush()
    return role


def edit_role(role: Role, values: RoleValues, *, user_id: int | None) -> bool:
    """Change a glossary entry. A new person is a hand-over: the previous holder's time ends, theirs begins."""
    changes = audit.apply_changes(role, _role_columns(values, role.id))
    if not changes:
        return False
    if "person" in changes:
        now = utcnow()
        old_person = changes["person"][0]
        has_history = db.session.scalar(select(func.count(RoleHolder.id)).where(RoleHolder.role_id == role.id))
        if old_person and not has_history:
            # Held before the tracker kept history (start unknown): record that their time ends now.
            db.session.add(RoleHolder(role_id=role.id, person=old_person, started_at=now, ended_at=now))
        db.session.execute(
            update(RoleHolder)
            .where(RoleHolder.role_id == role.id, RoleHolder.ended_at.is_(None))
            .values(ended_at=now)
            .execution_options(synchronize_session=False)
        )
        if role.person:
            db.session.add(RoleHolder(role_id=role.id, person=role.person, started_at=now))
    db.session.flush()
    if "code" in changes:
        _relink_all_leads()
    audit.record(
        event="role.edited",
        entity=role,
        summary=f"Key role {role.code or role.title} edited"
        + (f": now held by {role.person or 'nobody (vacant)'}" if "person" in changes else ""),
        user_id=user_id,
        changes=changes,
    )
    return True


def move_role(role: Role, direction: Direction, *, user_id: int | None) -> bool:
    """Move a key role up or down the glossary; False when it is already first (or last)."""
    return _reorder(
        role, glossary(), direction, what=f"Key role {role.code or role.title}", event="role.moved", user_id=user_id
    )


# ----- reads for the admin pages ------------------------------------------------------------------------------------


def get_plan(plan_id: int) -> Plan | None:
    return db.session.get(Plan, plan_id)


def get_priority(priority_id: int) -> Priority | None:
    return db.session.scalars(
        select(Priority).options(selectinload(Priority.plan)).where(Priority.id == priority_id)
    ).first()


def get_outcome(outcome_id: int) -> Outcome | None:
    return db.session.scalars(
        select(Outcome)
        .options(selectinload(Outcome.priority).selectinload(Priority.plan))
        .where(Outcome.id == outcome_id)
    ).first()


def get_action(action_id: int) -> Action | None:
    return db.session.scalars(
        select(Action)
        .options(selectinload(Action.priority).selectinload(Priority.plan), selectinload(Action.outcome))
        .where(Action.id == action_id)
    ).first()


def get_role(role_id: int) -> Role | None:
    return db.session.scalars(select(Role).options(selectinload(Role.holders)).where(Role.id == role_id)).first()


def outcomes_of(priority_id: int) -> list[Outcome]:
    return list(
        db.session.scalars(
            select(Outcome).where(Outcome.priority_id == priority_id).order_by(Outcome.position, Outcome.id)
        )
    )


@dataclass
class PriorityEntry:
    priority: Priority
    outcomes: int
    actions: int
    retired: int
    kpis: int

    @property
    def deletable(self) -> bool:
        return not (self.actions or self.retired or self.kpis)


@dataclass
class PlanStructure:
    plan: Plan
    priorities: list[PriorityEntry]


def _counts(column, *where) -> Any:
    return select(column.label("owner_id"), func.count().label("n")).where(*where).group_by(column).subquery()


def plan_structure(plan_id: int) -> PlanStructure | None:
    """The plan and its priorities in order, each with what hangs off it (two queries)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        return None
    outcomes = _counts(Outcome.priority_id)
    live = _counts(Action.priority_id, Action.retired_at.is_(None))
    retired = _counts(Action.priority_id, Action.retired_at.is_not(None))
    kpis = _counts(Kpi.priority_id)
    rows = db.session.execute(
        select(
            Priority,
            func.coalesce(outcomes.c.n, 0),
            func.coalesce(live.c.n, 0),
            func.coalesce(retired.c.n, 0),
            func.coalesce(kpis.c.n, 0),
        )
        .outerjoin(outcomes, outcomes.c.owner_id == Priority.id)
        .outerjoin(live, live.c.owner_id == Priority.id)
        .outerjoin(retired, retired.c.owner_id == Priority.id)
        .outerjoin(kpis, kpis.c.owner_id == Priority.id)
        .where(Priority.plan_id == plan_id)
        .order_by(Priority.position, Priority.number)
    ).all()
    return PlanStructure(plan=plan, priorities=[PriorityEntry(*row) for row in rows])


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
    actions_per = _counts(Action.outcome_id, Action.outcome_id.is_not(None))
    kpis_per = _counts(Kpi.outcome_id, Kpi.outcome_id.is_not(None))
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
