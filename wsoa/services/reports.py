"""Loading a plan's history for the board report, in a fixed number of queries whatever the plan's size."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from wsoa.domain.kpi_status import TrajectoryPoint
from wsoa.domain.not_found import NotFound
from wsoa.domain.snapshot import ActionRecord, EditRecord, PeriodRecord, PlanSnapshot, UpdateRecord, take_snapshot
from wsoa.extensions import db
from wsoa.models import (
    Action,
    ActionComment,
    AuditEvent,
    EvidenceFile,
    Kpi,
    KpiMilestone,
    KpiValue,
    Plan,
    Priority,
    ProgressUpdate,
    ReviewPeriod,
    Role,
    RoleHolder,
    UpdateReview,
    User,
)
from wsoa.reports.assemble import (
    BoardReport,
    HolderRecord,
    KpiRecord,
    KpiValueRecord,
    PeriodInfo,
    PlanInfo,
    PriorityInfo,
    ReportOptions,
    ReportSource,
    RoleRecord,
    assemble,
)
from wsoa.reports.model import ChallengeRecord, EvidenceRecord
from wsoa.services.kpis import definition_of


class ReportProblem(ValueError):
    """The options ask for something the plan does not have (a period or priority of another plan)."""


def load_report_source(plan_id: int) -> ReportSource:
    """Every record a report of any period needs: 14 queries, however many actions and updates the plan has."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(plan_id)
    periods = [
        PeriodInfo(
            PeriodRecord(
                id=p.id, label=p.label, position=p.position, start=p.start_date, end=p.end_date, board_date=p.board_date
            ),
            is_current=p.is_current,
        )
        for p in db.session.scalars(
            select(ReviewPeriod).where(ReviewPeriod.plan_id == plan_id).order_by(ReviewPeriod.position, ReviewPeriod.id)
        )
    ]
    priorities = [
        PriorityInfo(number=number, title=title, lead_role=lead_role, position=position, id=priority_id)
        for priority_id, number, title, lead_role, position in db.session.execute(
            select(Priority.id, Priority.number, Priority.title, Priority.lead_role, Priority.position)
            .where(Priority.plan_id == plan_id)
            .order_by(Priority.position, Priority.number)
        )
    ]
    actions = [
        ActionRecord(
            id=row.id,
            ref=row.ref,
            priority=row.number,
            title=row.title,
            lead=row.lead,
            due_text=row.due_text,
            due_end=row.due_end,
            retired_at=row.retired_at,
            position=row.position,
            in_plan_from=row.in_plan_from,
        )
        for row in db.session.execute(
            select(
                Action.id,
                Action.ref,
                Priority.number,
                Action.title,
                Action.lead,
                Action.due_text,
                Action.due_end,
                Action.retired_at,
                Action.position,
                Action.in_plan_from,
            )
            .join(Priority, Priority.id == Action.priority_id)
            .where(Action.plan_id == plan_id)
            .order_by(Action.position, Action.id)
        )
    ]
    decisions = _decisions(plan_id)
    updates = [
        UpdateRecord(
            id=row.id,
            action_id=row.action_id,
            period_id=row.review_period_id,
            created_at=row.created_at,
            rag=row.rag,
            narrative=row.narrative,
            next_steps=row.next_steps,
            risks=row.risks,
            evidence=row.evidence,
            confidence=row.confidence,
            revised_due_text=row.revised_due_text,
            revised_due_end=row.revised_due_end,
            revised_due_reason=row.revised_due_reason,
            author=row.author,
            demo=row.demo,
            needs_sign_off=row.source == "app",
            decisions=decisions.get(row.id, ()),
        )
        for row in db.session.execute(
            select(
                ProgressUpdate.id,
                ProgressUpdate.action_id,
                ProgressUpdate.review_period_id,
                ProgressUpdate.created_at,
                ProgressUpdate.rag,
                ProgressUpdate.narrative,
                ProgressUpdate.next_steps,
                ProgressUpdate.risks,
                ProgressUpdate.evidence,
                ProgressUpdate.confidence,
                ProgressUpdate.revised_due_text,
                ProgressUpdate.revised_due_end,
                ProgressUpdate.revised_due_reason,
                func.coalesce(ProgressUpdate.author_name, User.name).label("author"),
                (ProgressUpdate.source == "demo").label("demo"),
                ProgressUpdate.source,
            )
            .join(Action, Action.id == ProgressUpdate.action_id)
            .outerjoin(User, User.id == ProgressUpdate.author_id)
            .where(Action.plan_id == plan_id)
            .order_by(ProgressUpdate.id)
        )
    ]
    return ReportSource(
        plan=PlanInfo(
            id=plan.id,
            title=plan.title,
            kind_label=plan.kind_label,
            area=plan.area,
            sign_off_required=plan.signoff_required,
        ),
        periods=periods,
        priorities=priorities,
        actions=actions,
        updates=updates,
        roles=_roles(),
        kpis=_kpis(plan_id),
        edits=_edits(plan_id),
        evidence=_evidence(plan_id),
        challenges=_challenges(plan_id),
    )


def _decisions(plan_id: int) -> dict[int, tuple]:
    """Sign-off decisions on the plan's updates, by update, oldest first (one query)."""
    found: dict[int, list] = defaultdict(list)
    for update_id, at, decision in db.session.execute(
        select(UpdateReview.update_id, UpdateReview.created_at, UpdateReview.decision)
        .join(ProgressUpdate, ProgressUpdate.id == UpdateReview.update_id)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(Action.plan_id == plan_id)
        .order_by(UpdateReview.id)
    ):
        found[update_id].append((at, decision))
    return {key: tuple(value) for key, value in found.items()}


def _evidence(plan_id: int) -> list[EvidenceRecord]:
    return [
        EvidenceRecord(action_id, file_name, added_at)
        for action_id, file_name, added_at in db.session.execute(
            select(EvidenceFile.action_id, EvidenceFile.file_name, EvidenceFile.created_at)
            .join(Action, Action.id == EvidenceFile.action_id)
            .where(Action.plan_id == plan_id)
            .order_by(EvidenceFile.id)
        )
    ]


Answer = aliased(ActionComment)


def _challenges(plan_id: int) -> list[ChallengeRecord]:
    """Board challenges (first versions) with when each was first answered (one query)."""
    answered = select(func.min(Answer.created_at)).where(Answer.answers_id == ActionComment.id).scalar_subquery()
    return [
        ChallengeRecord(action_id, raised_at, author, body, answered_at)
        for action_id, raised_at, author, body, answered_at in db.session.execute(
            select(
                ActionComment.action_id,
                ActionComment.created_at,
                ActionComment.author_name,
                ActionComment.body,
                answered,
            )
            .join(Action, Action.id == ActionComment.action_id)
            .where(
                Action.plan_id == plan_id,
                ActionComment.is_challenge.is_(True),
                ActionComment.original_id.is_(None),
                ActionComment.answers_id.is_(None),
            )
            .order_by(ActionComment.id)
        )
    ]


# Audit events that change the wording a board paper shows (moves, retirements and creations are not edits of it).
WORDING_EVENTS = ("action.edited", "action.imported", "priority.edited", "priority.imported")


def _edits(plan_id: int) -> list[EditRecord]:
    """Every audited edit of the plan's actions and priorities, oldest first (one query)."""
    in_plan = or_(
        and_(
            AuditEvent.entity_type == "action",
            AuditEvent.entity_id.in_(select(Action.id).where(Action.plan_id == plan_id)),
        ),
        and_(
            AuditEvent.entity_type == "priority",
            AuditEvent.entity_id.in_(select(Priority.id).where(Priority.plan_id == plan_id)),
        ),
    )
    return [
        EditRecord(entity_type=row.entity_type, entity_id=row.entity_id, at=row.at, before=row.before)
        for row in db.session.execute(
            select(AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.at, AuditEvent.before)
            .where(AuditEvent.event.in_(WORDING_EVENTS), in_plan)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        if row.before
    ]


def _roles() -> list[RoleRecord]:
    """The key-roles glossary with who held each role when (two queries)."""
    holders: dict[int, list[HolderRecord]] = defaultdict(list)
    for role_id, person, started_at, ended_at in db.session.execute(
        select(RoleHolder.role_id, RoleHolder.person, RoleHolder.started_at, RoleHolder.ended_at).order_by(
            RoleHolder.started_at, RoleHolder.id
        )
    ):
        holders[role_id].append(HolderRecord(person=person, started_at=started_at, ended_at=ended_at))
    return [
        RoleRecord(
            code=row.code,
            title=row.title,
            organisation=row.organisation,
            person=row.person,
            holders=tuple(holders.get(row.id, ())),
            position=row.position,
        )
        for row in db.session.execute(
            select(Role.id, Role.code, Role.title, Role.organisation, Role.person, Role.position).order_by(
                Role.position, Role.code, Role.id
            )
        )
    ]


def _kpis(plan_id: int) -> list[KpiRecord]:
    """The plan's KPIs with their trajectory and every recorded value (three queries)."""
    in_plan = select(Kpi.id).join(Priority, Priority.id == Kpi.priority_id).where(Priority.plan_id == plan_id)
    milestones: dict[int, list[TrajectoryPoint]] = defaultdict(list)
    for kpi_id, on, value in db.session.execute(
        select(KpiMilestone.kpi_id, KpiMilestone.on, KpiMilestone.value)
        .where(KpiMilestone.kpi_id.in_(in_plan.scalar_subquery()))
        .order_by(KpiMilestone.on, KpiMilestone.id)
    ):
        milestones[kpi_id].append(TrajectoryPoint(on=on, value=value))
    values: dict[int, list[KpiValueRecord]] = defaultdict(list)
    for row in db.session.execute(
        select(
            KpiValue.id,
            KpiValue.kpi_id,
            KpiValue.on,
            KpiValue.value,
            KpiValue.created_at,
            KpiValue.supersedes_id,
            (KpiValue.source == "demo").label("demo"),
        )
        .where(KpiValue.kpi_id.in_(in_plan.scalar_subquery()))
        .order_by(KpiValue.id)
    ):
        values[row.kpi_id].append(
            KpiValueRecord(
                id=row.id,
                on=row.on,
                value=row.value,
                created_at=row.created_at,
                supersedes_id=row.supersedes_id,
                demo=row.demo,
            )
        )
    records = []
    for kpi, number in db.session.execute(
        select(Kpi, Priority.number)
        .join(Priority, Priority.id == Kpi.priority_id)
        .where(Priority.plan_id == plan_id)
        .order_by(Priority.position, Priority.number, Kpi.position, Kpi.id)
    ):
        definition = definition_of(kpi, milestones.get(kpi.id, ()))
        records.append(
            KpiRecord(
                id=kpi.id,
                priority=number,
                name=kpi.name or kpi.text,
                unit=kpi.unit,
                definition=definition,
                values=tuple(values.get(kpi.id, ())),
                position=kpi.position,
            )
        )
    return records


def default_period_id(source: ReportSource) -> int | None:
    """The period a report is for unless chosen: the current one, else the latest."""
    current = next((p for p in reversed(source.periods) if p.is_current), None)
    if current is not None:
        return current.id
    return source.periods[-1].id if source.periods else None


def build_report(
    source: ReportSource, options: ReportOptions, *, generated_by: str, generated_at: datetime | None
) -> BoardReport:
    """The snapshot as at the chosen period, compared with the chosen one, laid out as the board report."""
    if source.period(options.period_id) is None:
        raise ReportProblem("Choose a review period of this plan")
    if options.compare_with_id is not None and source.period(options.compare_with_id) is None:
        raise ReportProblem("Choose a review period of this plan to compare with")
    known = {p.number for p in source.priorities}
    if options.priorities and not set(options.priorities) <= known:
        raise ReportProblem("Choose priorities of this plan")
    source, snapshot = settled_snapshot(source, options.period_id, options.compare_with_id)
    return assemble(source, snapshot, options, generated_by=generated_by, generated_at=generated_at)


def settled_snapshot(
    source: ReportSource, period_id: int, compare_with_id: int | None = None
) -> tuple[ReportSource, PlanSnapshot]:
    """The plan as it stood at the period's end, worded as when its paper was settled: what the board report of that
    period (and the review pack's count for it) is built from."""
    period = source.period(period_id)
    if period is None:
        raise ReportProblem("Choose a review period of this plan")
    source = source.as_settled_for(period.record)
    return source, take_snapshot(
        actions=source.actions,
        updates=source.updates,
        periods=[p.record for p in source.periods],
        period_id=period_id,
        compare_with_id=compare_with_id,
        sign_off_required=source.plan.sign_off_required,
    )


def board_report(
    plan_id: int, options: ReportOptions, *, generated_by: str, generated_at: datetime | None
) -> BoardReport:
    """Load and build in one call (the CLI and the benchmark)."""
    return build_report(load_report_source(plan_id), options, generated_by=generated_by, generated_at=generated_at)


def _same_label(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def plan_for_period(period_label: str, plan_id: int | None = None) -> int:
    """The plan a report of `period_label` is for: the one given, else the only live plan with such a period."""
    if plan_id is not None:
        if db.session.get(Plan, plan_id) is None:
            raise ReportProblem(f"There is no plan {plan_id}")
        return plan_id
    # An archived plan is left out of the choice; it can still be named with --plan.
    plans = sorted(
        {
            owner
            for owner, label in db.session.execute(
                select(ReviewPeriod.plan_id, ReviewPeriod.label)
                .join(Plan, Plan.id == ReviewPeriod.plan_id)
                .where(Plan.archived_at.is_(None))
            )
            if _same_label(label, period_label)
        }
    )
    if not plans:
        raise ReportProblem(f"No plan has a review period called {period_label!r}")
    if len(plans) > 1:
        raise ReportProblem(
            f"Plans {', '.join(map(str, plans))} all have a review period called {period_label!r}: choose one with --plan"
        )
    return plans[0]


def period_by_label(source: ReportSource, label: str) -> int:
    """The id of the plan's review period called `label` (ignoring case and spacing)."""
    period = source.period_by_label(label)
    if period is None:
        known = ", ".join(p.label for p in source.periods) or "none yet"
        raise ReportProblem(f"Plan {source.plan.id} has no review period called {label!r} (its periods: {known})")
    return period.id


def write_report(report: BoardReport, fmt: str) -> bytes:
    """The report in one of the formats: html (standalone document), pdf, docx or xlsx."""
    if fmt == "html":
        from wsoa.reports.html import render_standalone

        return render_standalone(report).encode("utf-8")
    if fmt == "pdf":
        from wsoa.reports.pdf import render_pdf

        return render_pdf(report)
    if fmt == "docx":
        from wsoa.reports.docx import render_docx

        return render_docx(report)
    if fmt == "xlsx":
        from wsoa.reports.xlsx import render_xlsx

        return render_xlsx(report)
    raise ReportProblem(f"Unknown format {fmt!r}")
