"""Review meetings: recording one, its "Is progress sufficient?" statements (append-only) and the actions it agreed,
turning an agreed action into a plan action, and loading the review pack for it. Every change is audited."""

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select

from wsoa.domain.wording import tidy_text
from wsoa.extensions import db
from wsoa.models import Action, AgreedAction, Outcome, Plan, Priority, ProgressUpdate, ReviewMeeting, Role
from wsoa.models.meetings import MEETING_KINDS, VERDICTS, SufficiencyStatement
from wsoa.reports.model import ReportOptions
from wsoa.reports.review_pack import (
    AgreedRecord,
    MeetingRecord,
    MeetingsSource,
    ReviewPack,
    StatementRecord,
    assemble_pack,
    periods_before,
)
from wsoa.services import audit
from wsoa.services import reports as report_service
from wsoa.services.actions import ActionSaved, ActionValues, add_action
from wsoa.services.editing import StructureProblem
from wsoa.services.queries import priorities_of

MEETING_FIELDS = ["kind", "held_on", "attendee_roles", "other_attendees", "decisions"]


class MeetingProblem(StructureProblem):
    """A problem the officer can fix, tied to a form field (None: the whole form)."""


@dataclass(frozen=True)
class MeetingValues:
    kind: str
    held_on: date
    attendee_roles: tuple[str, ...] = ()
    other_attendees: str | None = None
    decisions: str | None = None


# ----- reading -----------------------------------------------------------------------------------------------------


def get_meeting(meeting_id: int) -> ReviewMeeting | None:
    return db.session.get(ReviewMeeting, meeting_id)


def list_meetings(plan_id: int) -> list[ReviewMeeting]:
    """The plan's meetings, newest first."""
    return list(
        db.session.scalars(
            select(ReviewMeeting)
            .where(ReviewMeeting.plan_id == plan_id)
            .order_by(ReviewMeeting.held_on.desc(), ReviewMeeting.id.desc())
        )
    )


def get_agreed_action(meeting_id: int, agreed_id: int) -> AgreedAction | None:
    return db.session.scalars(
        select(AgreedAction).where(AgreedAction.id == agreed_id, AgreedAction.meeting_id == meeting_id)
    ).first()


def role_choices() -> list[tuple[str, str]]:
    """The glossary's coded roles, for the attendees' checkboxes."""
    return [
        (code, f"{code} – {title}" if title else code)
        for code, title in db.session.execute(
            select(Role.code, Role.title).where(Role.code.is_not(None)).order_by(Role.position, Role.code)
        )
    ]


def placement_choices(plan_id: int) -> list[tuple[str, str]]:
    """Where a new action can go: each priority (no outcome) and each of its outcomes, as "p-ID" or "o-ID"."""
    outcomes: dict[int, list[Outcome]] = {}
    for outcome in db.session.scalars(
        select(Outcome)
        .join(Priority, Priority.id == Outcome.priority_id)
        .where(Priority.plan_id == plan_id)
        .order_by(Outcome.position, Outcome.id)
    ):
        outcomes.setdefault(outcome.priority_id, []).append(outcome)
    choices = []
    for priority in priorities_of(plan_id):
        choices.append((f"p-{priority.id}", f"Priority {priority.number}: {_short(priority.title)} (no outcome)"))
        choices += [
            (f"o-{o.id}", f"Priority {priority.number}, outcome {o.ref}: {_short(o.text)}")
            for o in outcomes.get(priority.id, [])
        ]
    return choices


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class AgreedRow:
    agreed: AgreedAction
    priority_number: int | None
    action: Action | None
    rag: str | None
    updated: bool  # the plan action has a progress update


@dataclass(frozen=True)
class MeetingPage:
    meeting: ReviewMeeting
    plan: Plan
    priorities: list[Priority]
    agreed: list[AgreedRow]
    statements: dict[int, list[SufficiencyStatement]]  # by priority id, newest first
    attendees: list[str]  # key roles with their titles, then the others as written


def meeting_page(meeting: ReviewMeeting) -> MeetingPage:
    """The meeting with its agreed actions (and what became of them) and its statements: five queries."""
    plan = db.session.get(Plan, meeting.plan_id)
    priorities = priorities_of(meeting.plan_id)
    numbers = {p.id: p.number for p in priorities}
    rows = []
    for agreed, action, rag, update_id in db.session.execute(
        select(AgreedAction, Action, ProgressUpdate.rag, ProgressUpdate.id)
        .outerjoin(Action, Action.id == AgreedAction.action_id)
        .outerjoin(ProgressUpdate, ProgressUpdate.id == Action.latest_update_id)
        .where(AgreedAction.meeting_id == meeting.id)
        .order_by(AgreedAction.id)
    ):
        owner = action.priority_id if action is not None else agreed.priority_id
        rows.append(AgreedRow(agreed, numbers.get(owner) if owner else None, action, rag, update_id is not None))
    statements: dict[int, list[SufficiencyStatement]] = {}
    for statement in db.session.scalars(
        select(SufficiencyStatement)
        .where(SufficiencyStatement.meeting_id == meeting.id)
        .order_by(SufficiencyStatement.id.desc())
    ):
        statements.setdefault(statement.priority_id, []).append(statement)
    names = dict(role_choices())
    attendees = [names.get(code, code) for code in meeting.attendee_roles or ()]
    attendees += [meeting.other_attendees] if meeting.other_attendees else []
    return MeetingPage(meeting, plan, priorities, rows, statements, attendees)  # type: ignore[arg-type]


# ----- writing -----------------------------------------------------------------------------------------------------


def _columns(values: MeetingValues) -> dict:
    if values.kind not in MEETING_KINDS:
        raise MeetingProblem("kind", "Select the kind of meeting")
    known = {code for code, _ in role_choices()}
    unknown = [code for code in values.attendee_roles if code not in known]
    if unknown:
        raise MeetingProblem(
            "attendee_roles", f"Only key roles in the glossary can be chosen, not {', '.join(unknown)}"
        )
    return {
        "kind": values.kind,
        "held_on": values.held_on,
        "attendee_roles": sorted(set(values.attendee_roles)),
        "other_attendees": tidy_text(values.other_attendees),
        "decisions": tidy_text(values.decisions),
    }


def record_meeting(plan: Plan, values: MeetingValues, user) -> ReviewMeeting:
    meeting = ReviewMeeting(plan_id=plan.id, created_by_id=user.id, created_by_name=user.name, **_columns(values))
    audit.record_created(
        meeting,
        MEETING_FIELDS,
        event="meeting.recorded",
        summary=f"{meeting.kind_label} of {meeting.held_on.isoformat()} recorded for {plan.title}",
        user_id=user.id,
    )
    return meeting


def edit_meeting(meeting: ReviewMeeting, values: MeetingValues, user) -> bool:
    changes = audit.apply_changes(meeting, _columns(values))
    return audit.record_changes(
        meeting, changes, event="meeting.edited", summary=f"{meeting.kind_label} details changed", user_id=user.id
    )


def _priority_of(meeting: ReviewMeeting, priority_id: int | None) -> Priority | None:
    if priority_id is None:
        return None
    priority = db.session.get(Priority, priority_id)
    if priority is None or priority.plan_id != meeting.plan_id:
        raise MeetingProblem("priority", "Select a priority of this plan")
    return priority


def add_statement(
    meeting: ReviewMeeting, *, priority_id: int, verdict: str, reasons: str, agreed_by: str, user
) -> SufficiencyStatement:
    """A new statement: never an edit. A later one for the same priority and meeting corrects it (both are kept)."""
    priority = _priority_of(meeting, priority_id)
    if verdict not in VERDICTS:
        raise MeetingProblem("verdict", "Select yes, partly or no")
    if not tidy_text(reasons):
        raise MeetingProblem("reasons", "Enter the reasons")
    if not tidy_text(agreed_by):
        raise MeetingProblem("agreed_by", "Enter who agreed the statement")
    statement = SufficiencyStatement(
        meeting_id=meeting.id,
        priority_id=priority.id,  # type: ignore[union-attr]
        verdict=verdict,
        reasons=tidy_text(reasons),
        agreed_by=tidy_text(agreed_by),
        recorded_by_id=user.id,
        recorded_by_name=user.name,
    )
    audit.record_created(
        statement,
        ["meeting_id", "priority_id", "verdict", "reasons", "agreed_by"],
        event="meeting.statement_recorded",
        summary=f"Is progress sufficient on priority {priority.number}? {VERDICTS[verdict]}",  # type: ignore[union-attr]
        user_id=user.id,
    )
    return statement


def add_agreed_action(meeting: ReviewMeeting, *, text: str, priority_id: int | None, user) -> AgreedAction:
    priority = _priority_of(meeting, priority_id)
    if not tidy_text(text):
        raise MeetingProblem("text", "Enter the action agreed")
    agreed = AgreedAction(
        meeting_id=meeting.id,
        priority_id=priority.id if priority else None,
        text=tidy_text(text),
        created_by_name=user.name,
    )
    audit.record_created(
        agreed,
        ["meeting_id", "priority_id", "text"],
        event="meeting.action_agreed",
        summary=f"Action agreed at the {meeting.kind_label} of {meeting.held_on.isoformat()}",
        user_id=user.id,
    )
    return agreed


def make_plan_action(meeting: ReviewMeeting, agreed: AgreedAction, placement: str, values: ActionValues, user):
    """Add the agreed action to the plan where chosen ("p-ID" a priority, "o-ID" an outcome) and link it back."""
    if agreed.action_id is not None:
        raise MeetingProblem(None, "This agreed action is already in the plan")
    kind, _, raw = placement.partition("-")
    priority, outcome_id = None, None
    if kind == "o" and raw.isdigit():
        outcome = db.session.get(Outcome, int(raw))
        priority = db.session.get(Priority, outcome.priority_id) if outcome else None
        outcome_id = outcome.id if outcome else None
    elif kind == "p" and raw.isdigit():
        priority = db.session.get(Priority, int(raw))
    if priority is None or priority.plan_id != meeting.plan_id:
        raise MeetingProblem("placement", "Select a priority or outcome of this plan")
    values = replace(values, outcome_id=outcome_id)
    saved: ActionSaved = add_action(priority, values, user_id=user.id)
    changes = audit.apply_changes(agreed, {"action_id": saved.action.id})
    audit.record_changes(
        agreed,
        changes,
        event="meeting.action_added_to_plan",
        summary=f"Agreed action became action {saved.action.ref} of priority {priority.number}",
        user_id=user.id,
    )
    return saved


# ----- the review pack ---------------------------------------------------------------------------------------------


def load_meetings_source(plan_id: int) -> MeetingsSource:
    """The plan's meetings, what they agreed and their statements (four queries)."""
    codes = dict(role_choices())
    meetings = [
        MeetingRecord(
            id=m.id,
            kind=m.kind,
            kind_label=m.kind_label,
            held_on=m.held_on,
            attendees=tuple(codes.get(code, code) for code in m.attendee_roles or ())
            + ((m.other_attendees,) if m.other_attendees else ()),
            decisions=m.decisions,
        )
        for m in sorted(list_meetings(plan_id), key=lambda m: (m.held_on, m.id))
    ]
    agreed = [
        AgreedRecord(id=a.id, meeting_id=a.meeting_id, text=a.text, priority=number, action_id=a.action_id)
        for a, number in db.session.execute(
            select(AgreedAction, Priority.number)
            .join(ReviewMeeting, ReviewMeeting.id == AgreedAction.meeting_id)
            .outerjoin(Priority, Priority.id == AgreedAction.priority_id)
            .where(ReviewMeeting.plan_id == plan_id)
            .order_by(AgreedAction.id)
        )
    ]
    statements = [
        StatementRecord(
            id=s.id,
            meeting_id=s.meeting_id,
            priority=number,
            verdict=s.verdict,
            reasons=s.reasons,
            agreed_by=s.agreed_by,
            recorded_by=s.recorded_by_name,
            recorded_at=s.created_at,
        )
        for s, number in db.session.execute(
            select(SufficiencyStatement, Priority.number)
            .join(Priority, Priority.id == SufficiencyStatement.priority_id)
            .where(Priority.plan_id == plan_id)
            .order_by(SufficiencyStatement.id)
        )
    ]
    return MeetingsSource(meetings=meetings, agreed=agreed, statements=statements)


def review_pack(meeting: ReviewMeeting, *, generated_by: str, generated_at: datetime | None) -> ReviewPack:
    """The pack for the meeting: every review period begun by its day, counted from its own snapshot."""
    source = report_service.load_report_source(meeting.plan_id)
    period_ids = periods_before(source, meeting.held_on)
    snapshots = [report_service.settled_snapshot(source, period_id)[1] for period_id in period_ids]
    latest = None
    if period_ids:
        options = ReportOptions(period_id=period_ids[-1], include_appendix=False)
        latest = report_service.build_report(source, options, generated_by=generated_by, generated_at=generated_at)
    return assemble_pack(
        source,
        snapshots,
        latest,
        load_meetings_source(meeting.plan_id),
        meeting.id,
        generated_by=generated_by,
        generated_at=generated_at,
    )


def write_pack(pack: ReviewPack, fmt: str) -> bytes:
    """The pack as Word ("docx") or PDF ("pdf"); the writers are imported only when a pack is downloaded."""
    if fmt == "docx":
        from wsoa.reports.review_pack_docx import render_pack_docx

        return render_pack_docx(pack)
    if fmt == "pdf":
        from wsoa.reports.review_pack_pdf import render_pack_pdf

        return render_pack_pdf(pack)
    raise ValueError(f"Unknown format {fmt!r}")
