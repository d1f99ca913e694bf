"""The chase list: who still owes an update this period, and a chaser sent to one lead at most once an hour."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from wsoa.domain import reminders as rules
from wsoa.extensions import db
from wsoa.models import (
    Notice,
    Plan,
    ReviewPeriod,
)
from wsoa.models.types import utcnow
from wsoa.services import audit
from wsoa.services.update_round import Owed, Person, RoundFacts, compose, gather, queue

CHASER_GAP = timedelta(hours=1)


class ChaserRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ChaseRow:
    person: Person
    items: list[tuple[rules.ActionDue, tuple[rules.Reason, ...]]]
    kpis: list[rules.KpiDue]
    notices: list[Notice]
    may_chase_at: datetime | None  # None: may send a reminder now

    @property
    def outstanding(self) -> int:
        return sum(rules.Reason.NEEDS_UPDATE in reasons for _, reasons in self.items)


@dataclass
class ChaseList:
    facts: RoundFacts
    periods: list[ReviewPeriod]
    rows: list[ChaseRow]
    other_notices: list[Notice]  # escalations and notices to people with nothing outstanding now

    @property
    def reminder_dates(self) -> list[rules.Occasion]:
        if self.facts.due_by is None:
            return []
        occasions = rules.reminder_occasions(self.facts.schedule, self.facts.due_by)
        escalation = rules.escalation_occasion(self.facts.schedule, self.facts.due_by)
        return occasions + ([escalation] if escalation else [])


def chase_list(plan: Plan, period: ReviewPeriod, today: date) -> ChaseList:
    facts = gather(plan, period, today)
    notices = db.session.scalars(
        select(Notice).where(Notice.plan_id == plan.id, Notice.review_period_id == period.id).order_by(Notice.id.desc())
    ).all()
    by_recipient: dict[int, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_recipient[notice.recipient_id].append(notice)
    now = utcnow()
    rows = []
    for lead in facts.leads:
        items = rules.lead_items(facts.actions_by_lead.get(lead.user_id, []), today)
        kpis = [k for k in facts.kpis_by_lead.get(lead.user_id, []) if rules.kpi_value_due(k, today)]
        if not items and not kpis:
            continue
        last_chaser = next((n for n in by_recipient[lead.user_id] if n.kind == rules.Kind.CHASER), None)
        wait_until = last_chaser.created_at + CHASER_GAP if last_chaser else None
        rows.append(
            ChaseRow(
                person=facts.people[lead.user_id],
                items=items,
                kpis=kpis,
                notices=by_recipient.pop(lead.user_id, []),
                may_chase_at=wait_until if wait_until and wait_until > now else None,
            )
        )
    rows.sort(key=lambda row: (-row.outstanding, row.person.name.casefold()))
    periods = db.session.scalars(
        select(ReviewPeriod).where(ReviewPeriod.plan_id == plan.id).order_by(ReviewPeriod.position.desc())
    ).all()
    other = [n for group in by_recipient.values() for n in group]
    return ChaseList(facts=facts, periods=list(periods), rows=rows, other_notices=sorted(other, key=lambda n: -n.id))


def request_chaser(plan: Plan, period: ReviewPeriod, lead_user_id: int, *, today: date, actor_id: int) -> Notice:
    """Queue "Send a reminder now" for one lead: refused within an hour of the last one, or with nothing to chase."""
    now = utcnow()
    last = db.session.scalar(
        select(func.max(Notice.created_at)).where(
            Notice.recipient_id == lead_user_id,
            Notice.plan_id == plan.id,
            Notice.review_period_id == period.id,
            Notice.kind == str(rules.Kind.CHASER),
        )
    )
    if last is not None and now - last < CHASER_GAP:
        minutes = int((last + CHASER_GAP - now).total_seconds() // 60) + 1
        raise ChaserRefused(
            f"A reminder was sent to this lead less than an hour ago. You can send another in {minutes} minutes"
        )
    facts = gather(plan, period, today)
    person = facts.people.get(lead_user_id)
    items = rules.lead_items(facts.actions_by_lead.get(lead_user_id, []), today)
    kpis = [k for k in facts.kpis_by_lead.get(lead_user_id, []) if rules.kpi_value_due(k, today)]
    if person is None or not (items or kpis):
        raise ChaserRefused("This lead has nothing outstanding for the period, so no reminder was sent")
    occasion = rules.chaser_occasion(now.strftime("%Y%m%dT%H"), today)
    owed = rules.OwedNotice(lead_user_id, occasion, items=items, kpis=kpis)
    written = queue([Owed(facts, owed, compose(facts, owed))], requested_by_id=actor_id)
    if not written:
        raise ChaserRefused("A reminder was sent to this lead less than an hour ago")
    notice = written[0]
    db.session.flush()
    audit.record(
        event="notice.requested",
        entity=notice,
        summary=f"Reminder requested now for {person.name} ({len(items)} actions) in {plan.title}, {period.label}",
        user_id=actor_id,
        after=notice.contents,
    )
    return notice
