"""Keyword-only factories: explicit test data, flushed but not committed."""

import itertools
from datetime import date

from wsoa.domain.timeframes import parse_timeframe
from wsoa.extensions import db
from wsoa.models import Action, Area, Outcome, Plan, Priority, ProgressUpdate, ReviewPeriod, Role
from wsoa.scope import find_area, working_in
from wsoa.services import users
from wsoa.services.roles import relink_leads

_sequence = itertools.count(1)
DEFAULT_AREA = "Testshire"


def create_area(*, name: str = DEFAULT_AREA) -> Area:
    """The local area of that name (made if need be): plans, roles and users go into "Testshire" unless told."""
    area = find_area(name)
    if area is None:
        area = Area(name=name)
        db.session.add(area)
        db.session.flush()
    return area


def create_plan(
    *,
    title: str = "Test local area WSoA",
    kind: str = "written_statement_of_action",
    area: str = "Testshire",
    in_area: Area | None = None,
):
    plan = Plan(title=title, kind=kind, area=area, area_id=(in_area or create_area()).id)
    db.session.add(plan)
    db.session.flush()
    return plan


def create_priority(*, plan: Plan, number: int | None = None, title: str = "A weakness", lead_role: str | None = None):
    number = number if number is not None else next(_sequence)
    priority = Priority(plan_id=plan.id, number=number, title=title, lead_role=lead_role, position=number)
    db.session.add(priority)
    db.session.flush()
    return priority


def create_outcome(*, priority: Priority, ref: str = "1.1", text: str = "Things are better"):
    outcome = Outcome(priority_id=priority.id, ref=ref, text=text)
    db.session.add(outcome)
    db.session.flush()
    return outcome


def create_action(
    *,
    priority: Priority,
    ref: str | None = None,
    title: str = "Do the thing",
    due_text: str | None = "Dec 20",
    lead: str | None = None,
    outcome: Outcome | None = None,
    section: str | None = None,
    partners: str | None = None,
    position: int | None = None,
):
    due = parse_timeframe(due_text)
    action = Action(
        plan_id=priority.plan_id,
        priority_id=priority.id,
        outcome_id=outcome.id if outcome else None,
        ref=ref or f"{priority.number}.1.{next(_sequence)}",
        title=title,
        section=section,
        due_text=due.text,
        due_start=due.start,
        due_end=due.end,
        due_ongoing=due.ongoing,
        due_problem=due.problem,
        lead=lead,
        partners=partners,
        position=position if position is not None else next(_sequence),
    )
    db.session.add(action)
    db.session.flush()
    with working_in(db.session.get(Plan, priority.plan_id).area_id):  # its lead text names its own area's roles
        relink_leads([(action.id, lead)])
    return action


def create_role(
    *,
    code: str,
    title: str | None = None,
    organisation: str | None = None,
    person: str | None = None,
    in_area: Area | None = None,
):
    role = Role(code=code, title=title, organisation=organisation, person=person, area_id=(in_area or create_area()).id)
    db.session.add(role)
    db.session.flush()
    return role


def create_period(*, plan: Plan, label: str = "Nov 20", current: bool = True, start=None, end=None, position=None):
    period = ReviewPeriod(
        plan_id=plan.id,
        label=label,
        is_current=current,
        start_date=start,
        end_date=end,
        position=position if position is not None else next(_sequence),
    )
    db.session.add(period)
    db.session.flush()
    return period


def create_update(
    *,
    action: Action,
    period: ReviewPeriod | None = None,
    rag: str | None = None,
    narrative: str | None = "Progressing",
    revised_due_end: date | None = None,
    source: str = "app",
    **fields,
):
    update = ProgressUpdate(
        action_id=action.id,
        review_period_id=period.id if period else None,
        rag=rag,
        narrative=narrative,
        revised_due_end=revised_due_end,
        source=source,
        **fields,
    )
    db.session.add(update)
    db.session.flush()
    return update


def create_user(
    *,
    level: str = "viewer",
    email: str | None = None,
    name: str = "Test User",
    password=None,
    roles=(),
    in_area: Area | None = None,
):
    return users.create_user(
        email=email or f"user{next(_sequence)}@example.org",
        name=name,
        level=level,
        password=password,
        role_codes=list(roles),
        area_id=(in_area or create_area()).id,
    )
