"""The update round: gathering who owes what, writing notices to the outbox and sending them once.

Sending is two-phase so that no notice goes twice and none is lost:
1. every notice owed today is written to the outbox (unique per recipient, plan, period and occasion: a second run,
   or a second server at the same moment, finds the row already there) and committed;
2. each pending or failed row is claimed by one conditional UPDATE (only one process can move it to "sending"),
   committed, sent, and marked sent or failed (with an audit event) and committed. A failed row is tried again on the
   next run; a claim left by a process that died is taken over after CLAIM_EXPIRES.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app, render_template
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from wsoa.domain import reminders as rules
from wsoa.domain.leads import lead_codes, match_codes
from wsoa.extensions import db
from wsoa.models import (
    Action,
    ActionLead,
    Kpi,
    KpiValue,
    Notice,
    NoticePreference,
    Plan,
    Priority,
    ProgressUpdate,
    ReviewPeriod,
    Role,
    User,
    user_role,
)
from wsoa.models.types import utcnow
from wsoa.scope import working_in
from wsoa.services import audit
from wsoa.services.delivery import Delivery, DeliveryFailed, Email
from wsoa.services.notices import period_due_by, schedule_for

CLAIM_EXPIRES = timedelta(minutes=15)


KIND_WORDS = {
    rules.Kind.REMINDER: "Reminder",
    rules.Kind.ESCALATION: "Escalation",
    rules.Kind.DIGEST: "Weekly digest",
    rules.Kind.CHASER: "Reminder sent now",
    rules.Kind.RETURNED: "Update returned",
}


@dataclass
class Person:
    user_id: int
    name: str
    email: str
    level: str
    weekly_digest: bool
    escalations: bool


@dataclass
class RoundFacts:
    plan: Plan
    period: ReviewPeriod
    schedule: rules.Schedule
    due_by: date | None
    people: dict[int, Person]
    leads: list[rules.Lead]
    actions_by_lead: dict[int, list[rules.ActionDue]]
    kpis_by_lead: dict[int, list[rules.KpiDue]]
    not_updated: list[tuple[str, rules.ActionDue]]
    escalation_recipients: list[rules.Recipient]
    kpis_without_owner: list[rules.KpiDue]
    roles_without_holder: list[str]
    unled: list[rules.ActionDue] = field(default_factory=list)  # actions naming no glossary role anyone can be sent


def gather(plan: Plan, period: ReviewPeriod, today: date) -> RoundFacts:
    """Everything the rules need for one plan and period, in a fixed number of queries (none per action or lead).

    Read in the plan's own area: its key roles, and people's levels there (a command runs over every area)."""
    with working_in(plan.area_id):
        return _gather(plan, period, today)


def _gather(plan: Plan, period: ReviewPeriod, today: date) -> RoundFacts:
    schedule = schedule_for(plan.id)
    latest_update = ProgressUpdate.__table__.alias("notice_latest")
    revised_update = ProgressUpdate.__table__.alias("notice_revised")
    updated_ids = set(
        db.session.scalars(
            select(ProgressUpdate.action_id)
            .join(Action, Action.id == ProgressUpdate.action_id)
            .where(Action.plan_id == plan.id, ProgressUpdate.review_period_id == period.id)
            .distinct()
        )
    )
    live = (Action.plan_id == plan.id, Action.retired_at.is_(None))
    actions: dict[int, rules.ActionDue] = {}
    lead_text: dict[int, str | None] = {}
    for row in db.session.execute(
        select(
            Action.id,
            Action.ref,
            Action.title,
            Action.priority_id,
            Action.lead,
            Action.due_end,
            latest_update.c.rag,
            revised_update.c.revised_due_end,
        )
        .outerjoin(latest_update, latest_update.c.id == Action.latest_update_id)
        .outerjoin(revised_update, revised_update.c.id == Action.latest_revised_update_id)
        .join(Priority, Priority.id == Action.priority_id)
        .where(*live)
        .order_by(Priority.position, Priority.number, Action.position, Action.id)
    ):
        actions[row.id] = rules.ActionDue(
            action_id=row.id,
            ref=row.ref,
            title=row.title,
            priority_id=row.priority_id,
            rag=row.rag,
            due_end=row.due_end,
            revised_due_end=row.revised_due_end,
            updated_this_period=row.id in updated_ids,
        )
        lead_text[row.id] = row.lead
    roles: dict[int, str | None] = {role_id: code for role_id, code in db.session.execute(select(Role.id, Role.code))}  # noqa: C416
    role_ids_by_code = {code: role_id for role_id, code in roles.items() if code}
    roles_by_action: dict[int, list[int]] = defaultdict(list)
    for action_id, role_id in db.session.execute(
        select(ActionLead.action_id, ActionLead.role_id).join(Action, Action.id == ActionLead.action_id).where(*live)
    ):
        roles_by_action[action_id].append(role_id)
    holders: dict[int, list[int]] = defaultdict(list)  # role id → active users holding it
    for role_id, user_id in db.session.execute(
        select(user_role.c.role_id, user_role.c.user_id)
        .join(User, User.id == user_role.c.user_id)
        .where(User.active.is_(True))
        .order_by(User.name, User.id)
    ):
        holders[role_id].append(user_id)
    people = {
        user.id: Person(
            user.id,
            user.name,
            user.email,
            user.level,
            bool(weekly_digest),
            bool(escalations) and user.level in ("admin", "editor"),
        )
        for user, weekly_digest, escalations in db.session.execute(
            select(User, NoticePreference.weekly_digest, NoticePreference.escalations)
            .outerjoin(NoticePreference, NoticePreference.user_id == User.id)
            .where(
                User.active.is_(True),
                or_(
                    User.id.in_(select(user_role.c.user_id)),
                    (NoticePreference.escalations.is_(True)) & User.level.in_(("admin", "editor")),
                ),
            )
        )
    }

    actions_by_lead: dict[int, list[rules.ActionDue]] = defaultdict(list)
    not_updated: list[tuple[str, rules.ActionDue]] = []
    roles_without_holder: set[str] = set()
    unled: list[rules.ActionDue] = []
    for action_id, action in actions.items():
        role_ids = roles_by_action.get(action_id, [])
        users_here = list(dict.fromkeys(u for r in role_ids for u in holders.get(r, []) if u in people))
        for user_id in users_here:
            actions_by_lead[user_id].append(action)
        if not users_here:
            unled.append(action)
        for role_id in role_ids:
            if not holders.get(role_id):
                roles_without_holder.add(roles[role_id] or "")
        if rules.Reason.NEEDS_UPDATE in rules.reasons_for(action, today):
            names = [
                f"{roles[r]} ({', '.join(people[u].name for u in holders.get(r, []) if u in people) or 'no one holds this role'})"
                for r in role_ids
            ]
            not_updated.append(
                ("; ".join(names) or (" / ".join(lead_codes(lead_text[action_id])) or "No lead named"), action)
            )

    kpis_by_lead: dict[int, list[rules.KpiDue]] = defaultdict(list)
    kpis_without_owner: list[rules.KpiDue] = []
    latest_value = (
        select(KpiValue.kpi_id, func.max(KpiValue.on).label("latest_on")).group_by(KpiValue.kpi_id).subquery("kv")
    )
    for kpi_id, name, text, frequency, owner_role_id, latest_on in db.session.execute(
        select(Kpi.id, Kpi.name, Kpi.text, Kpi.frequency, Kpi.owner_role_id, latest_value.c.latest_on)
        .join(Priority, Priority.id == Kpi.priority_id)
        .outerjoin(latest_value, latest_value.c.kpi_id == Kpi.id)
        .where(Priority.plan_id == plan.id, Kpi.frequency.is_not(None))
        .order_by(Priority.position, Kpi.position, Kpi.id)
    ):
        kpi = rules.KpiDue(kpi_id, name or text, frequency, latest_on)
        owners = [u for u in holders.get(owner_role_id, []) if u in people] if owner_role_id else []
        for user_id in owners:
            kpis_by_lead[user_id].append(kpi)
        if not owners and rules.kpi_value_due(kpi, today):
            kpis_without_owner.append(kpi)

    recipients = [rules.Recipient(p.user_id) for p in people.values() if p.escalations]
    for priority_id, lead_role in db.session.execute(
        select(Priority.id, Priority.lead_role).where(Priority.plan_id == plan.id)
    ):
        for code in match_codes(lead_role, role_ids_by_code):
            for user_id in holders.get(role_ids_by_code[code], []):
                if user_id in people:
                    recipients.append(rules.Recipient(user_id, frozenset({priority_id})))

    lead_ids = sorted(set(actions_by_lead) | set(kpis_by_lead), key=lambda u: (people[u].name.casefold(), u))
    return RoundFacts(
        plan=plan,
        period=period,
        schedule=schedule,
        due_by=period_due_by(period, schedule),
        people=people,
        leads=[rules.Lead(u, people[u].name, people[u].weekly_digest) for u in lead_ids],
        actions_by_lead=dict(actions_by_lead),
        kpis_by_lead=dict(kpis_by_lead),
        not_updated=not_updated,
        escalation_recipients=rules.merge_recipients(recipients),
        kpis_without_owner=kpis_without_owner,
        roles_without_holder=sorted(r for r in roles_without_holder if r),
        unled=unled,
    )


def _links() -> dict[str, str]:
    base = (current_app.config.get("SERVICE_URL") or "").rstrip("/")
    return {
        "base": base,
        "action": base + "/actions/{}/update",
        "kpi": base + "/kpis/{}/values/new",
        "preferences": base + "/account/notices",
        "chase_list": base + "/plans/{}/chase-list",
    }


def compose(facts: RoundFacts, owed: rules.OwedNotice) -> Email:
    """The email for one owed notice: short plain English, a plain-text and an HTML part, and why it was sent."""
    person = facts.people[owed.recipient_id]
    count = len(owed.items) or len(owed.not_updated)
    plan_title = facts.plan.title
    if owed.occasion.kind == rules.Kind.ESCALATION:
        subject = (
            f"Not updated: {len(owed.not_updated)} action{'' if len(owed.not_updated) == 1 else 's'} in {plan_title}"
        )
    elif owed.occasion.kind == rules.Kind.DIGEST:
        subject = f"Your weekly summary for {plan_title}"
    else:
        due = f" by {rules.uk_date(facts.due_by)}" if facts.due_by else ""
        subject = f"Please update your actions in {plan_title}{due}"
    context = {
        "person": person,
        "facts": facts,
        "owed": owed,
        "count": count,
        "links": _links(),
        "reason_words": rules.REASON_WORDS,
        "uk_date": rules.uk_date,
        "kind": rules.Kind,
        "due_on": rules.kpi_value_due_on,
    }
    return Email(
        to=person.email,
        subject=subject,
        text=render_template("emails/notice.txt", **context),
        html=render_template("emails/notice.html", **context),
        kind=str(owed.occasion.kind),
        reference=f"{facts.plan.id}-{facts.period.id}-{owed.recipient_id}-{owed.occasion.code}",
    )


def _contents(owed: rules.OwedNotice) -> dict:
    return {
        "actions": [item.action_id for item, _ in owed.items],
        "refs": [item.ref for item, _ in owed.items],
        "kpis": [kpi.kpi_id for kpi in owed.kpis],
        "not_updated": [[who, action.ref] for who, action in owed.not_updated],
    }


@dataclass
class Owed:
    facts: RoundFacts
    owed: rules.OwedNotice
    email: Email


def notices_due(today: date) -> list[Owed]:
    """Every notice owed today across active, unarchived plans' current periods (sent before or not)."""
    found = []
    for plan, period in db.session.execute(
        select(Plan, ReviewPeriod)
        .join(ReviewPeriod, ReviewPeriod.plan_id == Plan.id)
        .where(Plan.status == "active", Plan.archived_at.is_(None), ReviewPeriod.is_current.is_(True))
        .order_by(Plan.id)
    ).all():
        facts = gather(plan, period, today)
        for owed in rules.notices_owed(
            today=today,
            schedule=facts.schedule,
            due_by=facts.due_by,
            leads=facts.leads,
            actions_by_lead=facts.actions_by_lead,
            kpis_by_lead=facts.kpis_by_lead,
            not_updated=facts.not_updated,
            escalation_recipients=facts.escalation_recipients,
            kpis_without_owner=facts.kpis_without_owner,
        ):
            found.append(Owed(facts, owed, compose(facts, owed)))
    return found


def _key(plan_id: int, period_id: int, recipient_id: int, occasion: str) -> tuple[int, int, int, str]:
    return (recipient_id, plan_id, period_id, occasion)


def queue(owed: Iterable[Owed], *, requested_by_id: int | None = None) -> list[Notice]:
    """Write each owed notice to the outbox unless it is already there; returns the rows written now.

    Each insert runs in a savepoint: when another process wrote the same notice first, the unique constraint
    refuses ours and the row is simply skipped.
    """
    owed = list(owed)
    if not owed:
        return []
    existing = {
        tuple(row)
        for row in db.session.execute(
            select(Notice.recipient_id, Notice.plan_id, Notice.review_period_id, Notice.occasion).where(
                Notice.review_period_id.in_({o.facts.period.id for o in owed})
            )
        )
    }
    written = []
    for item in owed:
        key = _key(item.facts.plan.id, item.facts.period.id, item.owed.recipient_id, item.owed.occasion.code)
        if key in existing:
            continue
        notice = Notice(
            recipient_id=item.owed.recipient_id,
            plan_id=item.facts.plan.id,
            review_period_id=item.facts.period.id,
            occasion=item.owed.occasion.code,
            kind=str(item.owed.occasion.kind),
            email=item.email.to,
            subject=item.email.subject,
            body_text=item.email.text,
            body_html=item.email.html,
            contents=_contents(item.owed),
            status="pending",
            attempts=0,
            requested_by_id=requested_by_id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(notice)
        except IntegrityError:
            continue  # written by another process a moment ago: it sends it, or we claim it below
        existing.add(key)
        written.append(notice)
    return written


def _claimable():
    return or_(
        Notice.status.in_(("pending", "failed")),
        (Notice.status == "sending") & (Notice.claimed_at < utcnow() - CLAIM_EXPIRES),
    )


def claim(notice_id: int) -> bool:
    """Move one notice to "sending" if no one else has: one conditional UPDATE, committed at once."""
    claimed = db.session.execute(
        update(Notice)
        .where(Notice.id == notice_id, _claimable())
        .values(status="sending", claimed_at=utcnow(), attempts=Notice.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def deliver(notice: Notice, delivery: Delivery) -> str | None:
    """Send a claimed notice, mark it sent or failed and audit it (then commit); returns the error, if any."""
    email = Email(
        to=notice.email,
        subject=notice.subject,
        text=notice.body_text,
        html=notice.body_html,
        kind=notice.kind,
        reference=f"{notice.plan_id}-{notice.review_period_id}-{notice.recipient_id}-{notice.occasion}",
    )
    error = None
    try:
        delivery.send(email)
    except DeliveryFailed as failed:
        error = str(failed)
    db.session.refresh(notice)
    notice.status = "failed" if error else "sent"
    notice.last_error = error
    notice.sent_at = None if error else utcnow()
    kind = KIND_WORDS.get(rules.Kind(notice.kind), notice.kind)
    audit.record(
        event="notice.failed" if error else "notice.sent",
        entity=notice,
        summary=(
            f"{kind} ({notice.occasion}) to {notice.email} for plan {notice.plan_id}: "
            + (f"not sent, {error}; it is tried again on the next run" if error else f"sent by {delivery.name}")
        ),
        user_id=notice.requested_by_id,
        after={"subject": notice.subject, "status": notice.status, "attempts": notice.attempts, **notice.contents},
    )
    db.session.commit()
    return error


def send_waiting(delivery: Delivery, *, only_ids: set[int] | None = None) -> list[tuple[Notice, str | None]]:
    """Claim and send every notice waiting in the outbox (new, failed before, or abandoned by a dead process)."""
    query = select(Notice.id).where(_claimable()).order_by(Notice.id)
    if only_ids is not None:
        query = query.where(Notice.id.in_(only_ids or {-1}))
    results = []
    for notice_id in db.session.scalars(query).all():
        if not claim(notice_id):
            continue  # another process has it
        notice = db.session.get(Notice, notice_id)
        results.append((notice, deliver(notice, delivery)))
    return results


def describe(notice: Notice, error: str | None = None) -> str:
    kind = KIND_WORDS.get(rules.Kind(notice.kind), notice.kind)
    count = len(notice.contents.get("actions") or notice.contents.get("not_updated") or [])
    what = f"{count} action{'' if count == 1 else 's'}"
    if notice.contents.get("kpis"):
        what += f", {len(notice.contents['kpis'])} KPI value(s) due"
    return f"{kind} ({notice.occasion}) to {notice.email}: {what}"


def send_reminders(today: date, *, delivery: Delivery | None, dry_run: bool, echo: Callable[[str], None]) -> int:
    """The `wsoa send-reminders` run: queue what is owed today, then send everything waiting. Returns failures."""
    owed = notices_due(today)
    if dry_run:
        existing = {
            tuple(row)
            for row in db.session.execute(
                select(Notice.recipient_id, Notice.plan_id, Notice.review_period_id, Notice.occasion, Notice.status)
            )
        }
        sent = {row[:4] for row in existing if row[4] == "sent"}
        for item in owed:
            key = _key(item.facts.plan.id, item.facts.period.id, item.owed.recipient_id, item.owed.occasion.code)
            state = "already sent" if key in sent else "would send"
            echo(
                f"{state}: {KIND_WORDS[item.owed.occasion.kind]} ({item.owed.occasion.code}) to {item.email.to}: "
                f"{item.email.subject}"
            )
        db.session.rollback()
        return 0
    queue(owed)
    db.session.commit()
    failures = 0
    assert delivery is not None
    for notice, error in send_waiting(delivery):
        if error:
            failures += 1
            echo(f"failed: {describe(notice)}: {error}")
        else:
            echo(f"sent: {describe(notice)}")
    return failures
