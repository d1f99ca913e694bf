"""Recording progress: appending updates (never editing them), refusing stale forms, and the lead's own list."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, select, update
from sqlalchemy.orm import selectinload

from wsoa.domain.actions import ActionState, is_due_soon, is_overdue
from wsoa.domain.assurance import RETURNED
from wsoa.domain.honesty import ActionFacts, HonestyFlag, honesty_flags, needs_update
from wsoa.domain.leads import describe_lead
from wsoa.domain.rag import rag_label
from wsoa.domain.updates import CurrentDue, Problem, UpdateDraft, check_update, moved_due
from wsoa.domain.wording import tidy, tidy_lines
from wsoa.extensions import db
from wsoa.models import Action, ActionLead, Plan, Priority, ProgressUpdate, ReviewPeriod, Role, UpdateReview, User
from wsoa.services import assurance, audit
from wsoa.services import evidence as evidence_service
from wsoa.services.periods import current_period
from wsoa.services.queries import people_by_code, with_latest_update

UPDATE_FIELDS = [
    "rag",
    "confidence",
    "narrative",
    "next_steps",
    "risks",
    "revised_due_text",
    "revised_due_end",
    "revised_due_reason",
    "revised_due_agreed_by",
    "evidence",
    "review_period_id",
]


class UpdateRefused(Exception):
    """Base for a save that was refused; nothing was written."""


class UpdateProblems(UpdateRefused):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class NoCurrentPeriod(UpdateRefused):
    pass


class ActionRetired(UpdateRefused):
    pass


class StaleAction(UpdateRefused):
    """Someone changed the action after this form was opened: the save is refused, not merged or overwritten."""

    def __init__(self, current_version: int, newer_updates: list[ProgressUpdate]):
        super().__init__("The action changed while the form was open")
        self.current_version = current_version
        self.newer_updates = newer_updates


@dataclass
class UpdateContext:
    """What the update form shows beside the questions."""

    action: Action
    plan: Plan
    lead_role_ids: set[int]
    lead_display: str
    period: ReviewPeriod | None
    latest: ProgressUpdate | None
    latest_revision: ProgressUpdate | None

    @property
    def current_due(self) -> CurrentDue:
        if self.latest_revision is not None:
            return CurrentDue(self.latest_revision.revised_due_text, self.latest_revision.revised_due_end)
        return CurrentDue(self.action.due_text, self.action.due_end)


def update_context(action_id: int) -> UpdateContext | None:
    """The action, its lead roles, latest update and revision, and the plan's current period (fixed queries)."""
    action = db.session.scalars(
        select(Action)
        .options(selectinload(Action.priority).selectinload(Priority.plan), selectinload(Action.lead_roles))
        .where(Action.id == action_id)
    ).first()
    if action is None:
        return None
    latest = db.session.scalars(
        select(ProgressUpdate)
        .options(selectinload(ProgressUpdate.review_period), selectinload(ProgressUpdate.author))
        .where(ProgressUpdate.action_id == action_id)
        .order_by(ProgressUpdate.id.desc())
        .limit(1)
    ).first()
    latest_revision = db.session.scalars(
        select(ProgressUpdate)
        .where(
            ProgressUpdate.action_id == action_id,
            (ProgressUpdate.revised_due_end.is_not(None)) | (ProgressUpdate.revised_due_text.is_not(None)),
        )
        .order_by(ProgressUpdate.id.desc())
        .limit(1)
    ).first()
    return UpdateContext(
        action=action,
        plan=action.priority.plan,
        lead_role_ids={role.id for role in action.lead_roles},
        lead_display=describe_lead(action.lead, people_by_code()),
        period=current_period(action.plan_id),
        latest=latest,
        latest_revision=latest_revision,
    )


def _updates_since(action_id: int, seen_update_id: int | None) -> list[ProgressUpdate]:
    query = (
        select(ProgressUpdate)
        .options(selectinload(ProgressUpdate.author), selectinload(ProgressUpdate.review_period))
        .where(ProgressUpdate.action_id == action_id)
        .order_by(ProgressUpdate.id.desc())
    )
    if seen_update_id is not None:
        query = query.where(ProgressUpdate.id > seen_update_id)
    else:
        query = query.limit(1)
    return list(db.session.scalars(query))


def record_progress_update(
    context: UpdateContext,
    draft: UpdateDraft,
    *,
    user: User,
    expected_version: int | None,
    seen_update_id: int | None = None,
) -> ProgressUpdate:
    """Append a progress update for the current period, unless the action changed since the form was opened.

    The version check is one conditional UPDATE: under concurrent saves (PostgreSQL row locks included) exactly one
    of two forms opened at the same version succeeds; the other is refused with what was saved in between.
    """
    action = context.action
    if action.retired_at is not None:
        raise ActionRetired(action.id)
    if context.plan.archived_at is not None:
        # An archived plan is kept as it was: nothing more is recorded on it until an admin restores it.
        archived = "This plan is archived, so no progress can be recorded on it: an admin can restore it first"
        raise UpdateProblems([Problem("narrative", archived)])
    period = context.period
    if period is None:
        raise NoCurrentPeriod(action.plan_id)
    problems = check_update(draft, context.current_due)
    if problems:
        raise UpdateProblems(problems)
    bumped = db.session.execute(
        update(Action)
        .where(Action.id == action.id, Action.version == (expected_version if expected_version is not None else -1))
        .values(version=Action.version + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        current_version = db.session.scalar(select(Action.version).where(Action.id == action.id))
        raise StaleAction(current_version or 0, _updates_since(action.id, seen_update_id))
    db.session.expire(action, ["version", "updated_at"])

    moved = moved_due(draft, context.current_due)
    progress = ProgressUpdate(
        action_id=action.id,
        review_period_id=period.id,
        rag=draft.rag,
        confidence=draft.confidence,
        narrative=tidy(draft.narrative),
        next_steps=tidy(draft.next_steps),
        risks=tidy(draft.risks),
        revised_due_text=moved.text if moved else None,
        revised_due_end=moved.end if moved else None,
        revised_due_reason=tidy(draft.revised_due_reason) if moved else None,
        revised_due_agreed_by=tidy(draft.revised_due_agreed_by) if moved else None,
        evidence=tidy_lines(draft.evidence),
        author_id=user.id,
        author_name=user.name,
        source="app",
    )
    db.session.add(progress)
    db.session.flush()
    before = audit.snapshot(context.latest, UPDATE_FIELDS) if context.latest else None
    audit.record(
        event="progress_update.recorded",
        entity=progress,
        summary=f"Progress on action {action.ref} for {period.label}: {rag_label(draft.rag)}"
        + (f"; completion date moved to {moved.text}" if moved else ""),
        user_id=user.id,
        before=before,
        after=audit.snapshot(progress, UPDATE_FIELDS),
    )
    return progress


@dataclass
class SaveOutcome:
    update: ProgressUpdate | None = None
    message: str | None = None
    conflict: StaleAction | None = None


def save_from_form(context: UpdateContext, form, user: User) -> SaveOutcome:
    """Save the update form with its evidence files, or put every reason it was refused on the form.

    The files are checked before anything is written; a refused save writes nothing (the request ends without a
    commit, and the caller commits a saved one).
    """
    uploads = [evidence_service.Upload(name, content) for name, content in form.uploads()]
    file_problems = evidence_service.check_uploads(uploads)
    for message in file_problems:
        form.add_error("evidence_files", message)
    if file_problems:
        return SaveOutcome()
    try:
        update = record_progress_update(
            context, form.draft(), user=user, expected_version=form.expected_version, seen_update_id=form.seen_update_id
        )
        files = evidence_service.attach(update, uploads, user) if uploads else []
    except StaleAction as stale:
        form.show_conflict(stale.current_version, stale.newer_updates[0].id if stale.newer_updates else None)
        return SaveOutcome(conflict=stale)
    except NoCurrentPeriod:
        form.form_errors.append("No review period is open for this plan, so nothing was saved")
        return SaveOutcome()
    except UpdateProblems as refused:
        for problem in refused.problems:
            form.add_error(problem.field, problem.message)
        return SaveOutcome()
    attached = f" with {len(files)} evidence {'file' if len(files) == 1 else 'files'}" if files else ""
    message = (
        f"Progress on action {context.action.ref} saved for {context.period.label}{attached}: {rag_label(update.rag)}."
    )
    return SaveOutcome(update=update, message=message)


def _add_challenges_and_returns(rows: list["MyActionRow"]) -> None:
    """Open board challenges per action, and whether each latest update was returned: two queries in all."""
    challenges = assurance.open_challenges([row.action.id for row in rows])
    reviews = assurance.reviews_by_update([row.latest.id for row in rows if row.latest])
    for row in rows:
        row.open_challenges = challenges.get(row.action.id, 0)
        decisions = reviews.get(row.latest.id, []) if row.latest else []
        if decisions and decisions[-1].decision == RETURNED:
            row.returned = decisions[-1]
            row.to_update = True


# ----- My actions -----------------------------------------------------------------------------------------------


@dataclass
class MyActionRow:
    action: Action
    priority: Priority
    latest: ProgressUpdate | None
    latest_period_label: str | None
    revised_due_end: date | None
    lead_display: str
    overdue: bool
    due_soon: bool
    updated_this_period: bool
    to_update: bool
    flags: list[HonestyFlag]
    open_challenges: int = 0
    returned: UpdateReview | None = None  # the latest update was returned to the lead, with this reason

    @property
    def rag(self) -> str | None:
        return self.latest.rag if self.latest else None


@dataclass
class MyPlanSection:
    plan: Plan
    period: ReviewPeriod | None
    rows: list[MyActionRow] = field(default_factory=list)

    @property
    def to_update(self) -> int:
        return sum(row.to_update for row in self.rows)


@dataclass
class MyActionsPage:
    roles: list[Role]
    sections: list[MyPlanSection]
    role_choices: list[Role]
    chosen_code: str | None

    @property
    def total(self) -> int:
        return sum(len(s.rows) for s in self.sections)


def my_actions(user: User, today: date, *, role_code: str | None = None, may_choose: bool = False) -> MyActionsPage:
    """The live actions led by the roles the user holds (or, for those who may choose, one chosen role).

    Actions not yet updated in their plan's current period come first. A fixed number of queries.
    """
    role_choices = list(db.session.scalars(select(Role).order_by(Role.code))) if may_choose else []
    chosen = next((r for r in role_choices if r.code == role_code), None) if role_code else None
    roles = [chosen] if chosen else list(user.roles)
    role_ids = [role.id for role in roles]
    sections: dict[int, MyPlanSection] = {}
    if role_ids:
        current_by_plan: dict[int, ReviewPeriod] = {}
        for period in db.session.scalars(
            select(ReviewPeriod).where(ReviewPeriod.is_current.is_(True)).order_by(ReviewPeriod.position)
        ):
            current_by_plan[period.plan_id] = period
        current_ids = [p.id for p in current_by_plan.values()] or [-1]
        # One probe of ix_progress_update_action_period per listed action, not a pass over the period's updates.
        this_period = exists().where(
            ProgressUpdate.action_id == Action.id, ProgressUpdate.review_period_id.in_(current_ids)
        )
        query = (
            select(Action)
            .options(selectinload(Action.priority).selectinload(Priority.plan))
            .join(Plan, Plan.id == Action.plan_id)
            .join(Priority, Priority.id == Action.priority_id)
            .where(
                Action.retired_at.is_(None),
                Plan.status != "superseded",  # a later plan carries its actions on
                Plan.archived_at.is_(None),
                Action.id.in_(select(ActionLead.action_id).where(ActionLead.role_id.in_(role_ids))),
            )
            .order_by(Plan.id, Priority.position, Priority.number, Action.position, Action.id)
        )
        query = with_latest_update(query, Action)
        query = query.add_columns(this_period.label("updated_this_period"))
        people = people_by_code()
        for action, latest, period_label, revised_due_end, was_updated in db.session.execute(query):
            plan = action.priority.plan
            period = current_by_plan.get(plan.id)
            rag = latest.rag if latest else None
            facts = ActionFacts(
                rag=rag,
                due_end=action.due_end,
                revised_due_end=revised_due_end,
                evidence=latest.evidence if latest else None,
                next_steps=latest.next_steps if latest else None,
                risks=latest.risks if latest else None,
                updated_this_period=bool(was_updated),
                period_open=period is not None,
            )
            state = ActionState(rag, action.due_end, revised_due_end)
            section = sections.setdefault(plan.id, MyPlanSection(plan=plan, period=period))
            section.rows.append(
                MyActionRow(
                    action=action,
                    priority=action.priority,
                    latest=latest,
                    latest_period_label=period_label,
                    revised_due_end=revised_due_end,
                    lead_display=describe_lead(action.lead, people),
                    overdue=is_overdue(state, today),
                    due_soon=is_due_soon(state, today),
                    updated_this_period=bool(was_updated),
                    to_update=needs_update(facts),
                    flags=honesty_flags(facts, today),
                )
            )
        _add_challenges_and_returns([row for section in sections.values() for row in section.rows])
        for section in sections.values():
            # Stable sort: still to update first, plan order kept within each group.
            section.rows.sort(key=lambda row: not row.to_update)
    return MyActionsPage(
        roles=roles,
        sections=list(sections.values()),
        role_choices=role_choices,
        chosen_code=chosen.code if chosen else None,
    )
