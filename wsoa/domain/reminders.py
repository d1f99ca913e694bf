"""The update round's rules: when updates are due, which notice is owed on which day, and what each one lists.

No Flask and no database: the service gathers the facts (who leads what, what was updated, which KPI values are due)
and these functions decide. Notices are keyed by an occasion code, which the outbox keeps unique per recipient, plan
and period, so a rule that says "owed" twice on the same day still sends once.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from wsoa.domain.rag import Rag

DUE_SOON_DAYS = 14  # actions whose completion date falls within this many days are listed
DIGEST_WEEKDAY = 0  # weekly digests go on Mondays
DAYS_LIMIT = 366


class Kind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"
    DIGEST = "digest"
    CHASER = "chaser"  # "Send a reminder now" on the chase list
    RETURNED = "returned"  # an update returned to its lead with a reason (sign-off): queued at once, sent next run


class Reason(StrEnum):
    NEEDS_UPDATE = "needs_update"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


REASON_WORDS: dict[Reason, str] = {
    Reason.NEEDS_UPDATE: "No update yet this review period",
    Reason.DUE_SOON: f"Completion date within the next {DUE_SOON_DAYS} days",
    Reason.OVERDUE: "Overdue: past its completion date, not complete and no revised date agreed",
}


@dataclass(frozen=True)
class Schedule:
    """A plan's reminder settings."""

    due_days_before_board: int = 7
    days_before: tuple[int, ...] = (7, 1)
    on_the_day: bool = True
    escalation_days_after: int | None = 3


DEFAULT_SCHEDULE = Schedule()


class SettingProblem(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def parse_days_before(text: str | None) -> tuple[int, ...]:
    """'7, 1' → (7, 1): whole days before the updates are due, largest first, without repeats."""
    parts = [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]
    days = set()
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= DAYS_LIMIT:
            raise SettingProblem(
                "days_before",
                f"Enter the days before as whole numbers from 1 to {DAYS_LIMIT} separated by commas, for example 7, 1",
            )
        days.add(int(part))
    return tuple(sorted(days, reverse=True))


def updates_due_by(
    *, set_on: date | None, board_date: date | None, end_date: date | None, schedule: Schedule = DEFAULT_SCHEDULE
) -> date | None:
    """The period's own "updates due by" date, or the set number of days before its board date (or its end)."""
    if set_on is not None:
        return set_on
    anchor = board_date or end_date
    return anchor - timedelta(days=schedule.due_days_before_board) if anchor else None


@dataclass(frozen=True)
class Occasion:
    code: str  # unique within a recipient, plan and period: the outbox key
    kind: Kind
    on: date
    why: str  # "why you are getting this email", in a sentence


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def uk_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def reminder_occasions(schedule: Schedule, due_by: date) -> list[Occasion]:
    """Every reminder to leads for one period, earliest first."""
    occasions = [
        Occasion(
            f"{_days(n).replace(' ', '-')}-before",
            Kind.REMINDER,
            due_by - timedelta(days=n),
            f"updates for this review period are due in {_days(n)}, on {uk_date(due_by)}",
        )
        for n in schedule.days_before
    ]
    if schedule.on_the_day:
        occasions.append(
            Occasion(
                "on-the-day", Kind.REMINDER, due_by, f"updates for this review period are due today, {uk_date(due_by)}"
            )
        )
    return sorted(occasions, key=lambda o: o.on)


def escalation_occasion(schedule: Schedule, due_by: date) -> Occasion | None:
    if schedule.escalation_days_after is None:
        return None
    return Occasion(
        "escalation",
        Kind.ESCALATION,
        due_by + timedelta(days=schedule.escalation_days_after),
        f"updates for this review period were due on {uk_date(due_by)}, {_days(schedule.escalation_days_after)} "
        "ago, and some leads have not updated",
    )


def reminder_due(schedule: Schedule, due_by: date | None, today: date) -> Occasion | None:
    """The latest reminder whose day has come. A day the scheduler missed is made up once, not once per missed day."""
    if due_by is None:
        return None
    passed = [occasion for occasion in reminder_occasions(schedule, due_by) if occasion.on <= today]
    if not passed:
        return None
    # Sent late (the scheduler was off, or the period was opened late): say how things stand today.
    return passed[-1] if passed[-1].on == today else replace(passed[-1], why=_why_today(due_by, today))


def _why_today(due_by: date, today: date) -> str:
    if today < due_by:
        return f"updates for this review period are due in {_days((due_by - today).days)}, on {uk_date(due_by)}"
    if today == due_by:
        return f"updates for this review period are due today, {uk_date(due_by)}"
    return f"updates for this review period were due on {uk_date(due_by)} and some of yours are still outstanding"


def escalation_due(schedule: Schedule, due_by: date | None, today: date) -> Occasion | None:
    if due_by is None:
        return None
    occasion = escalation_occasion(schedule, due_by)
    return occasion if occasion is not None and occasion.on <= today else None


def digest_due(schedule: Schedule, due_by: date | None, today: date) -> Occasion | None:
    """A weekly digest goes on Mondays once the first reminder's day has come."""
    if due_by is None or today.weekday() != DIGEST_WEEKDAY:
        return None
    occasions = reminder_occasions(schedule, due_by)
    first = occasions[0].on if occasions else due_by
    if today < first:
        return None
    year, week, _ = today.isocalendar()
    return Occasion(
        f"digest-{year}-W{week:02d}", Kind.DIGEST, today, "you asked for one weekly email instead of separate reminders"
    )


def chaser_occasion(now_hour: str, today: date) -> Occasion:
    """'Send a reminder now': keyed by the hour, so two clicks in the same hour cannot both send."""
    return Occasion(f"chaser-{now_hour}", Kind.CHASER, today, "the project officer asked for your update")


# --- what a notice lists -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionDue:
    """What the rules need to know about one live action."""

    action_id: int
    ref: str
    title: str
    priority_id: int
    rag: str | None
    due_end: date | None
    revised_due_end: date | None = None
    updated_this_period: bool = False


def reasons_for(action: ActionDue, today: date) -> tuple[Reason, ...]:
    """Why a lead is told about this action; empty when there is nothing to say."""
    if action.rag == Rag.BLUE:
        return ()  # complete: no more updates, nothing due
    reasons = []
    if not action.updated_this_period:
        reasons.append(Reason.NEEDS_UPDATE)
    due = action.revised_due_end or action.due_end
    if due is not None and today <= due <= today + timedelta(days=DUE_SOON_DAYS):
        reasons.append(Reason.DUE_SOON)
    if action.revised_due_end is None and action.due_end is not None and action.due_end < today:
        reasons.append(Reason.OVERDUE)
    return tuple(reasons)


FREQUENCY_MONTHS = {"monthly": 1, "termly": 4, "quarterly": 3, "annual": 12}


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class KpiDue:
    kpi_id: int
    name: str
    frequency: str | None
    latest_on: date | None  # the date of the latest value recorded, if any


def kpi_value_due_on(kpi: KpiDue) -> date | None:
    """When the next value is due by the KPI's frequency; None without a frequency (no reminder)."""
    months = FREQUENCY_MONTHS.get(kpi.frequency or "")
    if months is None:
        return None
    if kpi.latest_on is None:
        return date.min  # no value yet: due now
    return add_months(kpi.latest_on, months)


def kpi_value_due(kpi: KpiDue, today: date) -> bool:
    due_on = kpi_value_due_on(kpi)
    return due_on is not None and due_on <= today


@dataclass(frozen=True)
class Lead:
    """A person who holds a role leading actions (or owning KPIs) in the plan."""

    user_id: int
    name: str
    weekly_digest: bool = False


@dataclass(frozen=True)
class Recipient:
    """An officer or priority lead who receives escalations: priority_ids None means every priority."""

    user_id: int
    priority_ids: frozenset[int] | None = None


@dataclass
class OwedNotice:
    recipient_id: int
    occasion: Occasion
    items: list[tuple[ActionDue, tuple[Reason, ...]]] = field(default_factory=list)
    kpis: list[KpiDue] = field(default_factory=list)
    not_updated: list[tuple[str, ActionDue]] = field(default_factory=list)  # (who, action) for escalations
    kpis_without_owner: list[KpiDue] = field(default_factory=list)


def lead_items(actions: Iterable[ActionDue], today: date) -> list[tuple[ActionDue, tuple[Reason, ...]]]:
    return [(action, reasons) for action in actions if (reasons := reasons_for(action, today))]


def notices_owed(
    *,
    today: date,
    schedule: Schedule,
    due_by: date | None,
    leads: Iterable[Lead],
    actions_by_lead: Mapping[int, list[ActionDue]],
    kpis_by_lead: Mapping[int, list[KpiDue]],
    not_updated: list[tuple[str, ActionDue]],
    escalation_recipients: Iterable[Recipient],
    kpis_without_owner: list[KpiDue] = (),  # type: ignore[assignment]
) -> list[OwedNotice]:
    """Every notice owed today for one plan and period. A lead with nothing outstanding is owed nothing."""
    owed = []
    reminder = reminder_due(schedule, due_by, today)
    digest = digest_due(schedule, due_by, today)
    for lead in leads:
        occasion = digest if lead.weekly_digest else reminder
        if occasion is None:
            continue
        items = lead_items(actions_by_lead.get(lead.user_id, []), today)
        kpis = [kpi for kpi in kpis_by_lead.get(lead.user_id, []) if kpi_value_due(kpi, today)]
        if items or kpis:
            owed.append(OwedNotice(lead.user_id, occasion, items=items, kpis=kpis))
    escalation = escalation_due(schedule, due_by, today)
    if escalation is not None:
        for recipient in escalation_recipients:
            named = [
                (who, action)
                for who, action in not_updated
                if recipient.priority_ids is None or action.priority_id in recipient.priority_ids
            ]
            if named:
                owed.append(
                    OwedNotice(
                        recipient.user_id,
                        escalation,
                        not_updated=named,
                        kpis_without_owner=list(kpis_without_owner) if recipient.priority_ids is None else [],
                    )
                )
    return owed


def merge_recipients(recipients: Iterable[Recipient]) -> list[Recipient]:
    """One escalation per person: an officer who also leads a priority gets the whole plan once."""
    merged: dict[int, frozenset[int] | None] = {}
    for recipient in recipients:
        if recipient.user_id in merged:
            before = merged[recipient.user_id]
            merged[recipient.user_id] = (
                None if before is None or recipient.priority_ids is None else before | recipient.priority_ids
            )
        else:
            merged[recipient.user_id] = recipient.priority_ids
    return [Recipient(user_id, ids) for user_id, ids in merged.items()]
