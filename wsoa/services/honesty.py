"""The current period's progress and honesty flags for a plan or one priority, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from wsoa.domain.honesty import FLAG_TITLES, ActionFacts, Flag, HonestyFlag, count_flags, honesty_flags, needs_update
from wsoa.domain.leads import lead_codes
from wsoa.extensions import db
from wsoa.models import Action, ActionLead, ProgressUpdate, ReviewPeriod, Role
from wsoa.services.periods import current_period
from wsoa.services.queries import latest_revised_due_ids, latest_update_ids

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


def period_progress(plan_id: int, today: date, *, priority_id: int | None = None) -> PeriodProgress:
    """Updated and outstanding counts for the plan's current period, who still owes updates, and every flag."""
    period = current_period(plan_id)
    latest = latest_update_ids()
    revision = latest_revised_due_ids()
    latest_update = ProgressUpdate.__table__.alias("hon_latest")
    revised_update = ProgressUpdate.__table__.alias("hon_revised")
    # Which actions have an update this period: one indexed query, looked up in Python. (Joined or EXISTS forms
    # let SQLite walk the period's updates once per action: seconds for a 10,000-action plan.)
    updated_ids = set(
        db.session.scalars(
            select(ProgressUpdate.action_id)
            .join(Action, Action.id == ProgressUpdate.action_id)
            .where(Action.plan_id == plan_id, ProgressUpdate.review_period_id == (period.id if period else -1))
            .distinct()
        )
    )
    live = [Action.plan_id == plan_id, Action.retired_at.is_(None)]
    if priority_id is not None:
        live.append(Action.priority_id == priority_id)
    rows = db.session.execute(
        select(
            Action.id,
            Action.ref,
            Action.lead,
            Action.due_end,
            latest_update.c.rag,
            latest_update.c.evidence,
            latest_update.c.next_steps,
            latest_update.c.risks,
            revised_update.c.revised_due_end,
        )
        .outerjoin(latest, latest.c.action_id == Action.id)
        .outerjoin(latest_update, latest_update.c.id == latest.c.update_id)
        .outerjoin(revision, revision.c.action_id == Action.id)
        .outerjoin(revised_update, revised_update.c.id == revision.c.update_id)
        .where(*live)
        .order_by(Action.position, Action.id)
    ).all()
    roles_by_action: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for action_id, code, person in db.session.execute(
        select(ActionLead.action_id, Role.code, Role.person)
        .join(Role, Role.id == ActionLead.role_id)
        .join(Action, Action.id == ActionLead.action_id)
        .where(*live)
        .order_by(Role.code)
    ):
        roles_by_action[action_id].append((code, person))

    flags: dict[int, list[HonestyFlag]] = {}
    outstanding: dict[str, OutstandingLead] = {}
    updated = to_update = complete = 0
    for action_id, ref, lead, due_end, rag, evidence, next_steps, risks, revised_due_end in rows:
        facts = ActionFacts(
            rag=rag,
            due_end=due_end,
            revised_due_end=revised_due_end,
            evidence=evidence,
            next_steps=next_steps,
            risks=risks,
            updated_this_period=action_id in updated_ids,
            period_open=period is not None,
        )
        flags[action_id] = honesty_flags(facts, today)
        if period is None:
            continue
        if facts.updated_this_period:
            updated += 1
        elif needs_update(facts):
            to_update += 1
            leads = roles_by_action.get(action_id) or [(" / ".join(lead_codes(lead)) or NO_LEAD, None)]
            for code, person in leads:
                outstanding.setdefault(code, OutstandingLead(code=code, person=person)).refs.append(ref)
        else:
            complete += 1
    return PeriodProgress(
        period=period,
        updated=updated,
        to_update=to_update,
        complete=complete,
        outstanding_leads=sorted(outstanding.values(), key=lambda o: (-o.count, o.code.casefold())),
        flags=flags,
        flag_counts=count_flags(list(flags.values())),
    )


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
