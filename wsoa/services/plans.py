"""Plans: the reads for the browsing pages (each a fixed number of queries whatever the plan's size), and
creating and editing a plan and reading its structure for the admin pages.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from wsoa.domain.actions import ActionState, is_due_soon, is_overdue
from wsoa.domain.honesty import HonestyFlag
from wsoa.domain.leads import describe_lead
from wsoa.domain.not_found import NotFound
from wsoa.domain.rag import NOT_RATED, add_distributions, rag_distribution
from wsoa.domain.wording import tidy_line
from wsoa.extensions import db
from wsoa.models import (
    Action,
    ActionLead,
    Kpi,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    ReviewPeriod,
    Role,
)
from wsoa.models.plan import PLAN_KINDS, PLAN_STATUSES
from wsoa.services import audit
from wsoa.services.editing import StructureProblem, counts_by
from wsoa.services.honesty import PeriodProgress, action_flags, fact_groups, period_progress
from wsoa.services.kpis import KpiCard, kpi_cards
from wsoa.services.periods import current_period as open_period
from wsoa.services.queries import (  # noqa: F401  (glossary is read through this module by the views)
    effective_due,
    glossary,
    is_overdue_sql,
    people_by_code,
    priorities_of,
    with_latest_update,
)


@dataclass
class PriorityRow:
    priority: Priority
    lead_display: str
    distribution: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.distribution.values())


@dataclass
class PlanOverview:
    plan: Plan
    rows: list[PriorityRow]
    totals: dict[str, int]
    overdue: int
    current_period: ReviewPeriod | None
    progress: PeriodProgress | None = None  # the current period's updates and honesty flags
    demo_ratings: int = 0  # live actions whose latest update (the rating counted here) is demo data

    @property
    def action_count(self) -> int:
        return sum(self.totals.values())


@dataclass
class PlanSummary:
    plan: Plan
    priorities: int
    actions: int


def list_plans(*, archived: bool = False) -> list[PlanSummary]:
    """The live plans (or, with archived, only the archived ones) in the order they were started, with their sizes:
    one query. An area's plans over time read in order: a WSoA, then the APP after its revisit, then a PAP."""
    priority_counts = select(Priority.plan_id, func.count(Priority.id).label("n")).group_by(Priority.plan_id).subquery()
    action_counts = (
        select(Action.plan_id, func.count(Action.id).label("n"))
        .where(Action.retired_at.is_(None))
        .group_by(Action.plan_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Plan, func.coalesce(priority_counts.c.n, 0), func.coalesce(action_counts.c.n, 0))
        .outerjoin(priority_counts, priority_counts.c.plan_id == Plan.id)
        .outerjoin(action_counts, action_counts.c.plan_id == Plan.id)
        .where(Plan.archived_at.is_not(None) if archived else Plan.archived_at.is_(None))
        .order_by(Plan.created_at, Plan.id)
    )
    return [PlanSummary(plan, priorities, actions) for plan, priorities, actions in rows]


def plan_overview(plan_id: int, today: date) -> PlanOverview:
    """Each priority's RAG distribution and overdue count, and the period's progress, from grouped queries: no
    action is loaded one by one (except those still owing an update, which the page names)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(plan_id)
    priorities = priorities_of(plan_id)
    period = open_period(plan_id)  # the period updates are owed for: none until one is made current
    groups = fact_groups(plan_id, period.id if period else None, today)
    distributions: dict[int, dict[str, int]] = defaultdict(lambda: rag_distribution([]))
    overdue: dict[int, int] = defaultdict(int)
    demo_ratings = 0
    for group in groups:
        distributions[group.priority_id][group.facts.rag or NOT_RATED] += group.count
        state = ActionState(group.facts.rag, group.facts.due_end)
        overdue[group.priority_id] += group.count if is_overdue(state, today) else 0
        demo_ratings += group.count if group.demo else 0
    people = people_by_code()
    rows = [
        PriorityRow(
            priority=priority,
            lead_display=describe_lead(priority.lead_role, people),
            distribution=distributions[priority.id],
            overdue=overdue[priority.id],
        )
        for priority in priorities
    ]
    return PlanOverview(
        plan=plan,
        rows=rows,
        totals=add_distributions(row.distribution for row in rows),
        overdue=sum(row.overdue for row in rows),
        current_period=current_period(plan_id),
        progress=period_progress(plan_id, today, period=period, groups=groups),
        demo_ratings=demo_ratings,
    )


def current_period(plan_id: int) -> ReviewPeriod | None:
    return db.session.scalars(
        select(ReviewPeriod)
        .where(ReviewPeriod.plan_id == plan_id)
        .order_by(ReviewPeriod.is_current.desc(), ReviewPeriod.position.desc(), ReviewPeriod.id.desc())
        .limit(1)
    ).first()


@dataclass
class ActionRow:
    action: Action
    latest: ProgressUpdate | None
    lead_display: str
    overdue: bool
    due_soon: bool = False
    revised_due_end: date | None = None
    latest_period_label: str | None = None

    @property
    def rag(self) -> str | None:
        return self.latest.rag if self.latest else None


@dataclass
class ActionGroup:
    outcome: Outcome | None
    section: str | None
    rows: list[ActionRow] = field(default_factory=list)


@dataclass
class PriorityPage:
    priority: Priority
    plan: Plan
    lead_display: str
    outcomes: list[Outcome]
    kpis: list[Kpi]
    groups: list[ActionGroup]
    distribution: dict[str, int]
    progress: PeriodProgress | None = None  # the current period's updates and honesty flags
    kpi_cards: list[KpiCard] = field(default_factory=list)  # each KPI's status, chart data and numbers
    total: int = 0  # live actions in the priority; `groups` holds one page of them
    page: int = 1
    per_page: int = 100

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_shown(self) -> int:
        return min(self.page * self.per_page, self.total)


# A board reads a priority's actions on one page: real priorities hold tens. A priority of thousands is paged, so the
# page reads and draws one page of rows (drawing 1,000 rows alone costs about 70 ms here).
PRIORITY_PAGE_SIZE = 100
MAX_PAGE = 1_000_000


def _action_rows(action_ids: list[int], today: date, people: dict[str, str | None]) -> list[ActionRow]:
    """The rows for one page of actions, in the order given: only these actions' latest updates are read."""
    query = select(Action).where(Action.id.in_(action_ids))
    order = {action_id: n for n, action_id in enumerate(action_ids)}
    rows = []
    for action, latest, period_label, revised_due_end in db.session.execute(with_latest_update(query, Action)):
        state = ActionState(latest.rag if latest else None, action.due_end, revised_due_end)
        rows.append(
            ActionRow(
                action=action,
                latest=latest,
                lead_display=describe_lead(action.lead, people),
                overdue=is_overdue(state, today),
                due_soon=is_due_soon(state, today),
                revised_due_end=revised_due_end,
                latest_period_label=period_label,
            )
        )
    rows.sort(key=lambda row: order[row.action.id])
    return rows


def priority_page(priority_id: int, today: date, page: int = 1, per_page: int | None = None) -> PriorityPage:
    """A priority with one page of its actions; its distribution and the period's progress count every action."""
    per_page = per_page or PRIORITY_PAGE_SIZE
    priority = db.session.scalars(
        select(Priority).options(selectinload(Priority.plan)).where(Priority.id == priority_id)
    ).first()
    if priority is None:
        raise NotFound(priority_id)
    outcomes = db.session.scalars(
        select(Outcome).where(Outcome.priority_id == priority_id).order_by(Outcome.position, Outcome.id)
    ).all()
    kpis = db.session.scalars(select(Kpi).where(Kpi.priority_id == priority_id).order_by(Kpi.position, Kpi.id)).all()
    period = open_period(priority.plan_id)
    groups = fact_groups(priority.plan_id, period.id if period else None, today, priority_id=priority_id)
    total = sum(group.count for group in groups)
    page = min(max(page, 1), max(1, -(-total // per_page)))
    people = people_by_code()
    page_ids = db.session.scalars(
        select(Action.id)
        .where(Action.priority_id == priority_id, Action.retired_at.is_(None))
        .order_by(Action.position, Action.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    rows = _action_rows(list(page_ids), today, people)
    distribution = rag_distribution([])
    for group in groups:
        distribution[group.facts.rag or NOT_RATED] += group.count
    return PriorityPage(
        priority=priority,
        plan=priority.plan,
        lead_display=describe_lead(priority.lead_role, people),
        outcomes=list(outcomes),
        kpis=list(kpis),
        kpi_cards=kpi_cards(kpis, today),
        groups=group_by_outcome_and_section(rows, {o.id: o for o in outcomes}),
        distribution=distribution,
        progress=period_progress(
            priority.plan_id,
            today,
            priority_id=priority_id,
            with_action_flags=True,
            action_ids=[row.action.id for row in rows],
            period=period,
            groups=groups,
        ),
        total=total,
        page=page,
        per_page=per_page,
    )


def group_by_outcome_and_section(rows: list[ActionRow], outcomes: dict[int, Outcome]) -> list[ActionGroup]:
    """Consecutive runs of actions under the same outcome and section, in plan order."""
    groups: list[ActionGroup] = []
    for row in rows:
        outcome = outcomes.get(row.action.outcome_id) if row.action.outcome_id else None
        if not groups or groups[-1].outcome is not outcome or groups[-1].section != row.action.section:
            groups.append(ActionGroup(outcome=outcome, section=row.action.section))
        groups[-1].rows.append(row)
    return groups


@dataclass
class ActionDetail:
    action: Action
    updates: list[ProgressUpdate]
    lead_display: str
    lead_roles: list[Role]
    overdue: bool
    flags: list[HonestyFlag] = field(default_factory=list)  # honesty checks on its current state

    @property
    def latest(self) -> ProgressUpdate | None:
        return self.updates[0] if self.updates else None

    @property
    def latest_revision(self) -> ProgressUpdate | None:
        return next((u for u in self.updates if u.revised_due_end or u.revised_due_text), None)


def action_detail(action_id: int, today: date) -> ActionDetail:
    action = db.session.scalars(
        select(Action)
        .options(
            selectinload(Action.priority).selectinload(Priority.plan),
            selectinload(Action.outcome),
            selectinload(Action.lead_roles),
            selectinload(Action.updates).options(
                selectinload(ProgressUpdate.review_period), selectinload(ProgressUpdate.author)
            ),
        )
        .where(Action.id == action_id)
    ).first()
    if action is None:
        raise NotFound(action_id)
    updates = sorted(action.updates, key=lambda u: u.id, reverse=True)
    latest = updates[0] if updates else None
    revised = next((u.revised_due_end for u in updates if u.revised_due_end), None)
    state = ActionState(latest.rag if latest else None, action.due_end, revised, action.retired_at is not None)
    return ActionDetail(
        action=action,
        updates=updates,
        lead_display=describe_lead(action.lead, people_by_code()),
        lead_roles=list(action.lead_roles),
        overdue=is_overdue(state, today),
        flags=action_flags(action, updates, today),
    )


@dataclass(frozen=True)
class ActionFilters:
    priority: int | None = None
    lead: str | None = None
    rag: str | None = None  # red/amber/green/blue/none
    overdue: bool = False
    due_before: date | None = None

    def is_empty(self) -> bool:
        return self == ActionFilters()


@dataclass
class ActionListPage:
    plan: Plan
    rows: list[ActionRow]
    total: int
    page: int
    per_page: int
    priorities: list[Priority]
    lead_codes: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class ActionFilterChoices:
    priorities: list[Priority]
    lead_codes: list[str]


def action_filter_choices(plan_id: int) -> ActionFilterChoices:
    """What the action list's filters offer: the plan's priorities and the glossary's codes (no action is read)."""
    if db.session.get(Plan, plan_id) is None:
        raise NotFound(plan_id)
    return ActionFilterChoices(priorities=priorities_of(plan_id), lead_codes=sorted(people_by_code(), key=str.casefold))


def action_list(
    plan_id: int, filters: ActionFilters, today: date, page: int = 1, per_page: int = 100
) -> ActionListPage:
    """The filterable list across the plan; overdue uses the revised date when one was agreed."""
    # Past the last page shows none; a page number no plan reaches is kept inside what the database can count to
    # (a 21-digit page in the address overflowed SQLite's integers: a 500 page).
    page = min(max(page, 1), MAX_PAGE)
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(plan_id)
    latest_update = ProgressUpdate.__table__.alias("flu")
    revised_update = ProgressUpdate.__table__.alias("fru")
    ids = (
        select(Action.id)
        .join(Priority, Priority.id == Action.priority_id)
        .where(Action.plan_id == plan_id, Action.retired_at.is_(None))
    )
    # Join the latest and revising updates only for the filters that read them: unfiltered, the list counts and
    # sorts action rows alone.
    if filters.rag or filters.overdue:
        ids = ids.outerjoin(latest_update, latest_update.c.id == Action.latest_update_id)
    if filters.overdue or filters.due_before:
        ids = ids.outerjoin(revised_update, revised_update.c.id == Action.latest_revised_update_id)
    if filters.priority is not None:
        ids = ids.where(Priority.number == filters.priority)
    if filters.lead:
        ids = ids.where(
            Action.id.in_(
                select(ActionLead.action_id).join(Role, Role.id == ActionLead.role_id).where(Role.code == filters.lead)
            )
        )
    if filters.rag == "none":
        ids = ids.where(latest_update.c.rag.is_(None))
    elif filters.rag:
        ids = ids.where(latest_update.c.rag == filters.rag)
    if filters.overdue:
        ids = ids.where(is_overdue_sql(latest_update.c.rag, revised_update.c.revised_due_end, today))
    if filters.due_before:
        ids = ids.where(effective_due(revised_update.c.revised_due_end) < filters.due_before)
    # One filtered pass gives the page's ids and, beside each, how many actions match in all.
    page_rows = db.session.execute(
        ids.add_columns(func.count().over().label("total"))
        .order_by(Priority.position, Priority.number, Action.position, Action.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if page_rows:
        total = page_rows[0].total
    else:  # past the last page (or nothing matches): count on its own
        total = db.session.scalar(select(func.count()).select_from(ids.subquery())) if page > 1 else 0
    people = people_by_code()
    rows = _action_rows([row.id for row in page_rows], today, people)
    return ActionListPage(
        plan=plan,
        rows=rows,
        total=total or 0,
        page=page,
        per_page=per_page,
        priorities=priorities_of(plan_id),
        lead_codes=sorted(people, key=str.casefold),
    )


PLAN_FIELDS = ["title", "kind", "area", "inspection_date", "status"]


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
    audit.record_created(plan, PLAN_FIELDS, event="plan.created", summary=f"Plan {plan.title} created", user_id=user_id)
    return plan


def edit_plan(plan: Plan, values: PlanValues, *, user_id: int | None) -> bool:
    """Change the plan's details; returns whether anything changed."""
    changes = audit.apply_changes(plan, _plan_columns(values))
    return audit.record_changes(
        plan, changes, event="plan.edited", summary=f"Plan {plan.title} edited", user_id=user_id
    )


def get_plan(plan_id: int) -> Plan | None:
    return db.session.get(Plan, plan_id)


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


def plan_structure(plan_id: int) -> PlanStructure | None:
    """The plan and its priorities in order, each with what hangs off it (two queries)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        return None
    outcomes = counts_by(Outcome.priority_id)
    live = counts_by(Action.priority_id, Action.retired_at.is_(None))
    retired = counts_by(Action.priority_id, Action.retired_at.is_not(None))
    kpis = counts_by(Kpi.priority_id)
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
