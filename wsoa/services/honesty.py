"""The current period's progress and honesty flags for a plan or one priority, in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from wsoa.domain.honesty import FLAG_TITLES, ActionFacts, Flag, HonestyFlag, honesty_flags, needs_update
from wsoa.domain.leads import lead_codes
from wsoa.extensions import db
from wsoa.models import Action, ActionLead, ProgressUpdate, ReviewPeriod, Role
from wsoa.services.periods import current_period
from wsoa.services.queries import effective_due, filled, updated_in_period

NO_LEAD = "No lead named"


@dataclass
class OutstandingLead:
    """A lead role (or the lead text as written, when it names no glossary role) with actions still to update."""

    code: str
    person: str | None
    refs: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.refs)


@dataclass
class PeriodProgress:
    period: ReviewPeriod | None
    updated: int
    to_update: int
    complete: int
    outstanding_leads: list[OutstandingLead]
    flags: dict[int, list[HonestyFlag]]
    flag_counts: dict[Flag, int]

    @property
    def expected(self) -> int:
        """Actions due an update this period: those updated plus those still to do (Blue ones need none)."""
        return self.updated + self.to_update

    def flags_for(self, action_id: int) -> list[HonestyFlag]:
        return self.flags.get(action_id, [])

    @property
    def flag_summary(self) -> list[tuple[str, int]]:
        return [(FLAG_TITLES[flag], count) for flag, count in self.flag_counts.items()]


@dataclass(frozen=True)
class FactGroup:
    """Live actions of one priority that share every fact the rules read, and how many there are."""

    priority_id: int
    facts: ActionFacts  # stands for each of them: same rating, completion date passed or not, texts filled or not
    demo: bool  # their latest update is demo data
    count: int


def fact_groups(plan_id: int, period_id: int | None, today: date, *, priority_id: int | None = None) -> list[FactGroup]:
    """The plan's live actions grouped by their facts: one grouped query, whatever the plan's size.

    SQL works out each action's facts (its latest rating, whether its completion date has passed, which texts are
    filled in, whether it was updated in the period) and returns one row per combination with how many actions
    share it, so the rules in wsoa.domain (honesty flags, overdue) judge each combination once, not each action.
    """
    latest_update = ProgressUpdate.__table__.alias("hon_latest")
    revised_update = ProgressUpdate.__table__.alias("hon_revised")
    live = _live(plan_id, priority_id)
    facts = (
        select(
            Action.priority_id.label("priority_id"),
            latest_update.c.rag.label("rag"),
            (effective_due(revised_update.c.revised_due_end) < today).label("past_due"),
            filled(latest_update.c.evidence).label("evidence"),
            filled(latest_update.c.next_steps).label("next_steps"),
            filled(latest_update.c.risks).label("risks"),
            updated_in_period(period_id).label("updated"),
            (latest_update.c.source == "demo").label("demo"),
        )
        .select_from(Action)
        .outerjoin(latest_update, latest_update.c.id == Action.latest_update_id)
        .outerjoin(revised_update, revised_update.c.id == Action.latest_revised_update_id)
        .where(*live)
        .subquery("facts")
    )
    columns = [
        facts.c.priority_id,
        facts.c.rag,
        facts.c.past_due,
        facts.c.evidence,
        facts.c.next_steps,
        facts.c.risks,
        facts.c.updated,
        facts.c.demo,
    ]
    return [
        FactGroup(
            priority_id=group_priority,
            facts=ActionFacts(
                rag=rag,
                # Any day before today stands for "passed"; none for "not passed or no date" (the rules treat both
                # alike).
                due_end=today - timedelta(days=1) if past_due else None,
                evidence="filled" if evidence else None,
                next_steps="filled" if next_steps else None,
                risks="filled" if risks else None,
                updated_this_period=bool(updated),
                period_open=period_id is not None,
            ),
            demo=bool(demo),
            count=count,
        )
        for group_priority, rag, past_due, evidence, next_steps, risks, updated, demo, count in db.session.execute(
            select(*columns, func.count()).group_by(*columns)
        )
    ]


def _live(plan_id: int, priority_id: int | None) -> list:
    live = [Action.plan_id == plan_id, Action.retired_at.is_(None)]
    if priority_id is not None:
        live.append(Action.priority_id == priority_id)
    return live


def period_progress(
    plan_id: int,
    today: date,
    *,
    priority_id: int | None = None,
    with_action_flags: bool = False,
    action_ids: list[int] | None = None,
    period: ReviewPeriod | None = None,
    groups: list[FactGroup] | None = None,
) -> PeriodProgress:
    """Updated and outstanding counts for the plan's current period, who still owes updates, and every flag.

    Counts come from fact_groups (pass `period` and `groups` when the caller already has them); only the actions
    still owing an update are read one by one, to name them under their leads. With `with_action_flags`, each
    action's own flags too (limited to `action_ids`: the rows a page shows).
    """
    if groups is None:
        period = current_period(plan_id)
        groups = fact_groups(plan_id, period.id if period else None, today, priority_id=priority_id)
    period_id = period.id if period else None
    flag_counts = dict.fromkeys(Flag, 0)
    updated = to_update = complete = 0
    for group in groups:
        for flag in {f.flag for f in honesty_flags(group.facts, today)}:
            flag_counts[flag] += group.count
        if period is None:
            continue
        if group.facts.updated_this_period:
            updated += group.count
        elif needs_update(group.facts):
            to_update += group.count
        else:
            complete += group.count
    live = _live(plan_id, priority_id)
    return PeriodProgress(
        period=period,
        updated=updated,
        to_update=to_update,
        complete=complete,
        # Read one by one only when some are owed (all of them, at worst: the page names every one).
        outstanding_leads=_outstanding_leads(live, period_id) if to_update else [],
        flags=_action_flags(live, period_id, today, action_ids) if with_action_flags else {},
        flag_counts=flag_counts,
    )


def _outstanding_leads(live, period_id: int | None) -> list[OutstandingLead]:
    """The actions not updated this period, under each lead role (or the lead as written): one query."""
    latest_update = ProgressUpdate.__table__.alias("out_latest")
    rows = db.session.execute(
        select(Action.ref, Action.lead, latest_update.c.rag, ActionLead.role_id, Role.code, Role.person)
        .outerjoin(latest_update, latest_update.c.id == Action.latest_update_id)
        .outerjoin(ActionLead, ActionLead.action_id == Action.id)
        .outerjoin(Role, Role.id == ActionLead.role_id)
        .where(*live, ~updated_in_period(period_id))
        .order_by(Action.position, Action.id, Role.code)
    )
    outstanding: dict[str, OutstandingLead] = {}
    for ref, lead, rag, role_id, code, person in rows:
        if not needs_update(ActionFacts(rag=rag, due_end=None, period_open=True)):
            continue  # complete: no update owed
        if role_id is None:
            code = " / ".join(lead_codes(lead)) or NO_LEAD
        outstanding.setdefault(code, OutstandingLead(code=code, person=person)).refs.append(ref)
    return sorted(outstanding.values(), key=lambda o: (-o.count, o.code.casefold()))


def _action_flags(
    live, period_id: int | None, today: date, action_ids: list[int] | None
) -> dict[int, list[HonestyFlag]]:
    """Each listed action's flags from its own facts: one query."""
    if action_ids is not None:
        live = [*live, Action.id.in_(action_ids)]
    latest_update = ProgressUpdate.__table__.alias("flag_latest")
    revised_update = ProgressUpdate.__table__.alias("flag_revised")
    rows = db.session.execute(
        select(
            Action.id,
            Action.due_end,
            latest_update.c.rag,
            latest_update.c.evidence,
            latest_update.c.next_steps,
            latest_update.c.risks,
            revised_update.c.revised_due_end,
            updated_in_period(period_id),
        )
        .outerjoin(latest_update, latest_update.c.id == Action.latest_update_id)
        .outerjoin(revised_update, revised_update.c.id == Action.latest_revised_update_id)
        .where(*live)
    )
    return {
        action_id: honesty_flags(
            ActionFacts(
                rag=rag,
                due_end=due_end,
                revised_due_end=revised_due_end,
                evidence=evidence,
                next_steps=next_steps,
                risks=risks,
                updated_this_period=bool(updated),
                period_open=period_id is not None,
            ),
            today,
        )
        for action_id, due_end, rag, evidence, next_steps, risks, revised_due_end, updated in rows
    }


def action_flags(action: Action, updates_newest_first: list[ProgressUpdate], today: date) -> list[HonestyFlag]:
    """The same rules for one action whose updates are already loaded (the action page): one more query."""
    if action.retired_at is not None:
        return []
    period = current_period(action.plan_id)
    latest = updates_newest_first[0] if updates_newest_first else None
    facts = ActionFacts(
        rag=latest.rag if latest else None,
        due_end=action.due_end,
        revised_due_end=next((u.revised_due_end for u in updates_newest_first if u.revised_due_end), None),
        evidence=latest.evidence if latest else None,
        next_steps=latest.next_steps if latest else None,
        risks=latest.risks if latest else None,
        updated_this_period=period is not None and any(u.review_period_id == period.id for u in updates_newest_first),
        period_open=period is not None,
    )
    return honesty_flags(facts, today)
