"""Reminder settings for a plan, each person's notice preferences, and the notices a person has been sent.

The update round itself (gathering, the outbox, sending) is wsoa.services.update_round; the chase list is
wsoa.services.chase_list.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from wsoa.domain import reminders as rules
from wsoa.domain.leads import match_codes
from wsoa.domain.not_found import NotFound, found
from wsoa.extensions import db
from wsoa.models import (
    Action,
    ActionLead,
    Notice,
    NoticePreference,
    Plan,
    Priority,
    ReminderSettings,
    ReviewPeriod,
    User,
)
from wsoa.services import audit
from wsoa.services.periods import current_period


def schedule_for(plan_id: int) -> rules.Schedule:
    settings = db.session.get(ReminderSettings, plan_id)
    if settings is None:
        return rules.DEFAULT_SCHEDULE
    return rules.Schedule(
        due_days_before_board=settings.due_days_before_board,
        days_before=rules.parse_days_before(settings.days_before),
        on_the_day=settings.on_the_day,
        escalation_days_after=settings.escalation_days_after,
    )


def period_due_by(period: ReviewPeriod, schedule: rules.Schedule) -> date | None:
    return rules.updates_due_by(
        set_on=period.updates_due_on, board_date=period.board_date, end_date=period.end_date, schedule=schedule
    )


def plan_and_period(plan_id: int, period_id: int | None) -> tuple[Plan, ReviewPeriod | None]:
    """The plan and the period asked for (its current period when none is named); NotFound for another plan's."""
    plan = found(db.session.get(Plan, plan_id))
    if period_id is None:
        return plan, current_period(plan_id)
    period = db.session.get(ReviewPeriod, period_id)
    if period is None or period.plan_id != plan_id:
        raise NotFound(period_id)
    return plan, period


def save_settings(
    plan: Plan,
    *,
    due_days_before_board: int,
    days_before_text: str,
    on_the_day: bool,
    escalation_days_after: int | None,
    period: ReviewPeriod | None,
    updates_due_on: date | None,
    user_id: int | None,
) -> bool:
    """Store the plan's reminder settings (and the current period's own due date); raises rules.SettingProblem."""
    days = rules.parse_days_before(days_before_text)
    settings = db.session.get(ReminderSettings, plan.id)
    if settings is None:
        settings = ReminderSettings(plan_id=plan.id, days_before="7,1", due_days_before_board=7, on_the_day=True)
        settings.escalation_days_after = 3
        db.session.add(settings)
        db.session.flush()
    changes = audit.apply_changes(
        settings,
        {
            "due_days_before_board": due_days_before_board,
            "days_before": ",".join(str(d) for d in days),
            "on_the_day": on_the_day,
            "escalation_days_after": escalation_days_after,
        },
    )
    if period is not None:
        changes |= {
            f"{period.label}: updates due by": c
            for c in audit.apply_changes(period, {"updates_due_on": updates_due_on}).values()
        }
    return audit.record_changes(
        plan,
        changes,
        event="reminder_settings.changed",
        summary=f"Reminder settings changed for {plan.title}",
        user_id=user_id,
    )


def preference_for(user_id: int) -> NoticePreference:
    return db.session.get(NoticePreference, user_id) or NoticePreference(
        user_id=user_id, weekly_digest=False, escalations=False
    )


def save_preference(user: User, *, weekly_digest: bool, escalations: bool) -> bool:
    preference = db.session.get(NoticePreference, user.id)
    if preference is None:
        preference = NoticePreference(user_id=user.id, weekly_digest=False, escalations=False)
        db.session.add(preference)
    officer = user.level in ("admin", "editor")
    changes = audit.apply_changes(preference, {"weekly_digest": weekly_digest, "escalations": escalations and officer})
    return audit.record_changes(
        user,
        changes,
        event="notice_preference.changed",
        summary=f"{user.name} changed which reminder emails they get",
        user_id=user.id,
    )


@dataclass
class MyPlanNotices:
    plan: Plan
    period: ReviewPeriod
    due_by: date | None
    occasions: list[rules.Occasion]
    actions_led: int
    leads_priority: bool


@dataclass
class MyNotices:
    plans: list[MyPlanNotices]
    recent: list[Notice]
    officer: bool


def my_notices(user: User, today: date) -> MyNotices:
    """The active plans whose actions or priorities my roles lead, when their reminders go, and what I was sent."""
    role_ids = [role.id for role in user.roles]
    role_codes = [role.code for role in user.roles if role.code]
    led: dict[int, int] = {}
    if role_ids:
        led = dict(
            db.session.execute(
                select(Action.plan_id, func.count(func.distinct(Action.id)))
                .join(ActionLead, ActionLead.action_id == Action.id)
                .where(ActionLead.role_id.in_(role_ids), Action.retired_at.is_(None))
                .group_by(Action.plan_id)
            ).all()
        )
    officer = user.level in ("admin", "editor")
    preference = preference_for(user.id)
    plans = []
    for plan, period in db.session.execute(
        select(Plan, ReviewPeriod)
        .join(ReviewPeriod, ReviewPeriod.plan_id == Plan.id)
        .where(Plan.status == "active", Plan.archived_at.is_(None), ReviewPeriod.is_current.is_(True))
        .order_by(Plan.id)
    ).all():
        leads_priority = bool(role_codes) and any(
            match_codes(lead_role, role_codes)
            for lead_role in db.session.scalars(select(Priority.lead_role).where(Priority.plan_id == plan.id))
        )
        escalated = leads_priority or (officer and preference.escalations)
        if plan.id not in led and not escalated:
            continue
        schedule = schedule_for(plan.id)
        due_by = period_due_by(period, schedule)
        occasions = []
        if due_by is not None:
            occasions = rules.reminder_occasions(schedule, due_by)
            if (escalation := rules.escalation_occasion(schedule, due_by)) and escalated:
                occasions.append(escalation)
        plans.append(MyPlanNotices(plan, period, due_by, occasions, led.get(plan.id, 0), leads_priority))
    recent = db.session.scalars(
        select(Notice).where(Notice.recipient_id == user.id).order_by(Notice.id.desc()).limit(10)
    ).all()
    return MyNotices(plans=plans, recent=list(recent), officer=officer)
