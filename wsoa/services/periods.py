"""Review periods: opening, editing and making one current (exactly one per plan)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update

from wsoa.extensions import db
from wsoa.models import Plan, ReviewPeriod
from wsoa.services import audit

PERIOD_FIELDS = ["label", "start_date", "end_date", "board_date", "updates_due_on", "is_current"]


class PeriodProblem(ValueError):
    """A problem the admin can fix, tied to a form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PeriodValues:
    label: str
    start_date: date | None
    end_date: date | None
    board_date: date | None = None
    updates_due_on: date | None = None  # None: the plan's reminder settings derive it from the board date or end


@dataclass
class PeriodList:
    plan: Plan
    periods: list[ReviewPeriod]

    @property
    def current(self) -> ReviewPeriod | None:
        return next((p for p in self.periods if p.is_current), None)


def list_periods(plan_id: int) -> PeriodList | None:
    """The plan and its periods, newest first; None when there is no such plan."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        return None
    periods = db.session.scalars(
        select(ReviewPeriod)
        .where(ReviewPeriod.plan_id == plan_id)
        .order_by(ReviewPeriod.position.desc(), ReviewPeriod.id.desc())
    ).all()
    return PeriodList(plan=plan, periods=list(periods))


def get_period(period_id: int) -> ReviewPeriod | None:
    return db.session.get(ReviewPeriod, period_id)


def current_period(plan_id: int) -> ReviewPeriod | None:
    """The plan's current period, strictly: None when no period has been made current."""
    return db.session.scalars(
        select(ReviewPeriod)
        .where(ReviewPeriod.plan_id == plan_id, ReviewPeriod.is_current.is_(True))
        .order_by(ReviewPeriod.position.desc(), ReviewPeriod.id.desc())
        .limit(1)
    ).first()


def _check_label(plan_id: int, label: str, period_id: int | None = None) -> str:
    label = " ".join(label.split())
    if not label:
        raise PeriodProblem("label", "Enter a name for the review period")
    clash = select(ReviewPeriod.id).where(
        ReviewPeriod.plan_id == plan_id, func.lower(ReviewPeriod.label) == label.lower()
    )
    if period_id is not None:
        clash = clash.where(ReviewPeriod.id != period_id)
    if db.session.scalar(clash) is not None:
        raise PeriodProblem("label", f"There is already a review period called {label} for this plan")
    return label


def open_period(plan: Plan, values: PeriodValues, *, make_current: bool, user_id: int | None) -> ReviewPeriod:
    """Add a period after the existing ones; the plan's first period is always made current."""
    label = _check_label(plan.id, values.label)
    last_position = db.session.scalar(select(func.max(ReviewPeriod.position)).where(ReviewPeriod.plan_id == plan.id))
    has_current = current_period(plan.id) is not None
    period = ReviewPeriod(
        plan_id=plan.id,
        label=label,
        start_date=values.start_date,
        end_date=values.end_date,
        board_date=values.board_date,
        updates_due_on=values.updates_due_on,
        is_current=False,
        position=(last_position + 1) if last_position is not None else 0,
    )
    audit.record_created(
        period,
        PERIOD_FIELDS,
        event="review_period.opened",
        summary=f"Review period {label} opened for {plan.title}",
        user_id=user_id,
    )
    if make_current or not has_current:
        make_current_period(period, user_id=user_id)
    return period


def edit_period(period: ReviewPeriod, values: PeriodValues, *, user_id: int | None) -> bool:
    """Change a period's name and dates; returns whether anything changed."""
    label = _check_label(period.plan_id, values.label, period_id=period.id)
    changes = audit.apply_changes(
        period,
        {
            "label": label,
            "start_date": values.start_date,
            "end_date": values.end_date,
            "board_date": values.board_date,
            "updates_due_on": values.updates_due_on,
        },
    )
    return audit.record_changes(
        period, changes, event="review_period.edited", summary=f"Review period {period.label} edited", user_id=user_id
    )


def make_current_period(period: ReviewPeriod, *, user_id: int | None) -> None:
    """Make this the plan's only current period, in one statement so two admins at once still leave exactly one."""
    before = db.session.scalars(
        select(ReviewPeriod.label).where(ReviewPeriod.plan_id == period.plan_id, ReviewPeriod.is_current.is_(True))
    ).all()
    db.session.execute(
        update(ReviewPeriod)
        .where(ReviewPeriod.plan_id == period.plan_id)
        .values(is_current=ReviewPeriod.id == period.id)
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    audit.record(
        event="review_period.made_current",
        entity=period,
        summary=f"Review period {period.label} made current",
        user_id=user_id,
        before={"current": list(before)},
        after={"current": [period.label]},
    )
