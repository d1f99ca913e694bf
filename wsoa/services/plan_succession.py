"""One area's plans over time: starting a new plan from an earlier one, and reading a carried action's history.

An officer starts the next plan (an accelerated progress plan after a revisit, a priority action plan under the new
framework) from the one before, choosing which priorities and actions carry over. The chosen priorities, their
outcomes and (if asked) their impact measures' definitions are copied into the new plan with their refs; each
carried action points at the action it carries on (Action.carried_from_id). The earlier plan is not changed, except
that it may be marked superseded; its actions' history stays with them and is read, read-only, from the new action's
page. Every read and the copy are a fixed number of queries whatever the plan's size. The caller commits.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from wsoa.domain.wording import uk_day
from wsoa.extensions import db
from wsoa.models import (
    Action,
    ActionLead,
    Kpi,
    KpiBenchmark,
    KpiMilestone,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
)
from wsoa.scope import working_in
from wsoa.services import audit
from wsoa.services.editing import StructureProblem
from wsoa.services.plans import PlanValues, create_plan
from wsoa.services.queries import priorities_of, with_latest_update

COMPLETE = "blue"


@dataclass
class ActionChoice:
    action: Action
    rag: str | None
    revised_due_end: date | None

    @property
    def complete(self) -> bool:
        return self.rag == COMPLETE


@dataclass
class PriorityChoice:
    priority: Priority
    actions: list[ActionChoice] = field(default_factory=list)
    kpis: int = 0


@dataclass
class CarryChoices:
    """What can carry over from a plan: its priorities in order, each with its live actions and current RAG."""

    plan: Plan
    priorities: list[PriorityChoice]

    def default_priority_ids(self) -> list[int]:
        return [choice.priority.id for choice in self.priorities]

    def default_action_ids(self) -> list[int]:
        """Every live action not yet complete: finished work stays with the plan that finished it."""
        return [a.action.id for p in self.priorities for a in p.actions if not a.complete]


def carry_choices(plan: Plan) -> CarryChoices:
    """The plan's priorities, live actions (with their latest RAG) and KPI counts: three queries."""
    priorities = priorities_of(plan.id)
    by_id = {priority.id: PriorityChoice(priority) for priority in priorities}
    query = select(Action).where(Action.plan_id == plan.id, Action.retired_at.is_(None))
    query = with_latest_update(query, Action).order_by(Action.position, Action.id)
    for action, latest, _label, revised_due_end in db.session.execute(query):
        if action.priority_id in by_id:
            by_id[action.priority_id].actions.append(
                ActionChoice(action, latest.rag if latest else None, revised_due_end)
            )
    kpi_counts = db.session.execute(
        select(Kpi.priority_id, func.count(Kpi.id)).where(Kpi.priority_id.in_(by_id)).group_by(Kpi.priority_id)
    )
    for priority_id, count in kpi_counts:
        by_id[priority_id].kpis = count
    return CarryChoices(plan=plan, priorities=list(by_id.values()))


@dataclass(frozen=True)
class NewPlanFrom:
    title: str
    kind: str
    priority_ids: frozenset[int]
    action_ids: frozenset[int]
    carry_kpis: bool = True
    supersede: bool = False


@dataclass
class Started:
    plan: Plan
    priorities: int
    actions: int
    kpis: int
    superseded: bool


_PRIORITY_FIELDS = ("number", "title", "lead_role", "accountable_role", "position")
_OUTCOME_FIELDS = ("ref", "text", "position")
_ACTION_FIELDS = (
    "ref", "section", "title", "due_text", "due_start", "due_end", "due_ongoing", "due_recurring", "due_note",
    "due_problem", "lead", "partners", "resources", "success_criteria", "extra_fields", "position",
)  # fmt: skip
_KPI_FIELDS = (
    "name", "text", "unit", "direction", "baseline_value", "baseline_date", "target_value", "target_date", "tolerance",
    "band_low", "band_high", "is_ratio", "frequency", "data_source", "owner_role_id", "position",
)  # fmt: skip


def _copy(source, fields: tuple[str, ...], **overrides):
    return type(source)(**{name: getattr(source, name) for name in fields}, **overrides)


def start_plan_from(
    source: Plan, values: NewPlanFrom, *, user_id: int | None, choices: CarryChoices | None = None
) -> Started:
    """Start a new plan carrying the chosen priorities and actions over from `source`; StructureProblem says why not.

    A priority carries over when it is chosen or any of its chosen actions does. Outcomes of carried priorities come
    with them; impact measures' definitions (not their values) too when asked. Audited, on both plans. `choices` is
    what the form offered, when the caller has read it already.
    """
    choices = choices if choices is not None and choices.plan is source else carry_choices(source)
    offered = {a.action.id: a for p in choices.priorities for a in p.actions}
    if unknown := values.action_ids - offered.keys():
        raise StructureProblem("actions", f"{len(unknown)} chosen action(s) are not live actions of this plan")
    priority_ids = set(values.priority_ids) | {offered[action_id].action.priority_id for action_id in values.action_ids}
    if not priority_ids:
        raise StructureProblem("priorities", "Choose at least one priority to carry over")
    if unknown_priorities := priority_ids - {choice.priority.id for choice in choices.priorities}:
        raise StructureProblem("priorities", f"{len(unknown_priorities)} chosen priorities are not in this plan")
    with working_in(source.area_id):  # the new plan is the same local area's, whichever area is being worked in
        plan = create_plan(PlanValues(title=values.title, kind=values.kind, area=source.area), user_id=user_id)
    plan.signoff_required = source.signoff_required

    priorities = [choice.priority for choice in choices.priorities if choice.priority.id in priority_ids]
    new_priorities = {old.id: _copy(old, _PRIORITY_FIELDS, plan_id=plan.id) for old in priorities}
    db.session.add_all(new_priorities.values())
    db.session.flush()  # one INSERT for them all (SQLAlchemy batches the rows and reads back their ids)
    outcomes = db.session.scalars(
        select(Outcome).where(Outcome.priority_id.in_(priority_ids)).order_by(Outcome.position, Outcome.id)
    ).all()
    new_outcomes = {o.id: _copy(o, _OUTCOME_FIELDS, priority_id=new_priorities[o.priority_id].id) for o in outcomes}
    db.session.add_all(new_outcomes.values())
    db.session.flush()

    carried = [offered[action_id] for action_id in sorted(values.action_ids, key=lambda i: _plan_order(offered[i]))]
    rows = [_carry_action(choice, plan, new_priorities, new_outcomes) for choice in carried]
    # One INSERT for them all, and one read of their ids (carried_from_id names each in the new plan): the ORM would
    # write a table that refers to itself a row at a time, and SQLite returns ids in order only a row at a time.
    if rows:
        db.session.execute(insert(Action), rows)
    new_by_old = dict(
        db.session.execute(select(Action.carried_from_id, Action.id).where(Action.plan_id == plan.id)).all()
    )
    _copy_leads(new_by_old)
    kpis = _copy_kpis(priority_ids, new_priorities, new_outcomes) if values.carry_kpis else 0

    superseded = values.supersede and source.status != "superseded"
    audit.record(
        event="plan.started_from",
        entity=plan,
        summary=(
            f"Plan {plan.title} started from {source.title}: {len(new_priorities)} priorities, {len(rows)} "
            f"actions and {kpis} impact measures carried over"
        ),
        user_id=user_id,
        after={
            "from_plan": source.id,
            "priorities": [priority.number for priority in priorities],
            "actions": {str(row["carried_from_id"]): row["ref"] for row in rows},
            "kpis": kpis,
            "superseded": superseded,
        },
    )
    if superseded:
        changes = audit.apply_changes(source, {"status": "superseded"})
        summary = f"Plan {source.title} superseded by {plan.title}"
        audit.record_changes(source, changes, event="plan.superseded", summary=summary, user_id=user_id)
    db.session.flush()
    return Started(plan, len(new_priorities), len(rows), kpis, superseded)


def _plan_order(choice: ActionChoice) -> tuple[int, int]:
    return (choice.action.position, choice.action.id)


def _carry_action(choice: ActionChoice, plan: Plan, priorities: dict, outcomes: dict) -> dict:
    """The action's row in the new plan, pointing back at it. A completion date moved by an update carries over as
    moved: the new plan starts from the date agreed, not the one first written."""
    old = choice.action
    row = {name: getattr(old, name) for name in _ACTION_FIELDS} | {
        "plan_id": plan.id,
        "priority_id": priorities[old.priority_id].id,
        "outcome_id": outcomes[old.outcome_id].id if old.outcome_id in outcomes else None,
        "carried_from_id": old.id,
    }
    if choice.revised_due_end is not None:
        row |= {
            "due_text": uk_day(choice.revised_due_end),
            "due_start": None,
            "due_end": choice.revised_due_end,
            "due_ongoing": False,
            "due_recurring": None,
            "due_problem": None,
            "due_note": f"Moved from {old.due_text}" if old.due_text else None,
        }
    return row


def _copy_leads(new_by_old: dict[int, int]) -> None:
    """The glossary roles each carried action names as its lead: one read, one insert."""
    rows = db.session.execute(
        select(ActionLead.action_id, ActionLead.role_id).where(ActionLead.action_id.in_(new_by_old))
    ).all()
    if rows:
        db.session.execute(insert(ActionLead), [{"action_id": new_by_old[old], "role_id": role} for old, role in rows])


def _copy_kpis(priority_ids: set[int], priorities: dict, outcomes: dict) -> int:
    """Each carried priority's impact measures: definition, milestones and comparators; never their values."""
    kpis = db.session.scalars(
        select(Kpi)
        .options(selectinload(Kpi.milestones), selectinload(Kpi.benchmarks))
        .where(Kpi.priority_id.in_(priority_ids))
        .order_by(Kpi.position, Kpi.id)
    ).all()
    copies = []
    for kpi in kpis:
        copy = _copy(
            kpi,
            _KPI_FIELDS,
            priority_id=priorities[kpi.priority_id].id,
            outcome_id=outcomes[kpi.outcome_id].id if kpi.outcome_id in outcomes else None,
        )
        copy.milestones = [KpiMilestone(on=m.on, value=m.value) for m in kpi.milestones]
        copy.benchmarks = [KpiBenchmark(label=b.label, value=b.value, on=b.on) for b in kpi.benchmarks]
        copies.append(copy)
    db.session.add_all(copies)
    db.session.flush()
    return len(copies)


# ----- reading a carried action's history ---------------------------------------------------------------------------


@dataclass
class Predecessor:
    """An earlier plan's action that this one carries on, with its update history (newest first), read-only."""

    action: Action
    plan: Plan
    updates: list[ProgressUpdate]


def predecessors(action: Action) -> list[Predecessor]:
    """The actions this one carries on, nearest first (an APP's action, then the WSoA's it came from): one query for
    the chain, one for the actions with their plans and updates, whatever the chain's length."""
    if action.carried_from_id is None:
        return []
    chain = select(Action.id, Action.carried_from_id).where(Action.id == action.carried_from_id).cte(recursive=True)
    chain = chain.union_all(select(Action.id, Action.carried_from_id).join(chain, Action.id == chain.c.carried_from_id))
    ids = list(db.session.scalars(select(chain.c.id)))
    loaded = {
        found.id: found
        for found in db.session.scalars(
            select(Action)
            .options(
                selectinload(Action.priority).selectinload(Priority.plan),
                selectinload(Action.updates).options(
                    selectinload(ProgressUpdate.review_period), selectinload(ProgressUpdate.author)
                ),
            )
            .where(Action.id.in_(ids))
        )
    }
    found_chain, next_id = [], action.carried_from_id
    while next_id in loaded and len(found_chain) < len(ids):
        earlier = loaded[next_id]
        found_chain.append(
            Predecessor(earlier, earlier.priority.plan, sorted(earlier.updates, key=lambda u: u.id, reverse=True))
        )
        next_id = earlier.carried_from_id
    return found_chain


def successors(action: Action) -> list[tuple[Action, Plan]]:
    """The actions in later plans that carry this one on (usually none or one): one query."""
    return [
        (later, plan)
        for later, plan in db.session.execute(
            select(Action, Plan)
            .join(Plan, Plan.id == Action.plan_id)
            .where(Action.carried_from_id == action.id)
            .order_by(Plan.created_at, Action.id)
        )
    ]


def carried_on_elsewhere(plan_id: int) -> int:
    """How many actions in other plans carry on this plan's actions (such a plan cannot be deleted)."""
    own = select(Action.id).where(Action.plan_id == plan_id)
    return (
        db.session.scalar(
            select(func.count(Action.id)).where(Action.carried_from_id.in_(own), Action.plan_id != plan_id)
        )
        or 0
    )
