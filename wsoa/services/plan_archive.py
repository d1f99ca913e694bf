"""Archiving, restoring and deleting whole plans (admins). Each is audited.

An archived plan is kept whole, with every page still at its address, but it is left out of the plan list, "My
actions" and the report command's choice of plan until it is restored. Deleting is only for a wrong import: the rule
for what counts as recorded in the app is `wsoa.domain.plan_removal`. The audit trail outlives the plan (events name
what they are about by type and id, with no foreign key), and so does the record of each import batch.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from wsoa.domain.plan_removal import PlanFootprint, counted_as_a_change, deletion_refusal, recorded_in_app
from wsoa.extensions import db
from wsoa.models import (
    Action,
    ActionComment,
    ActionLead,
    AgreedAction,
    AuditEvent,
    EvidenceFile,
    ImportBatch,
    Kpi,
    KpiBenchmark,
    KpiMilestone,
    KpiValue,
    Notice,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    PublicPage,
    PublicText,
    PublicTextApproval,
    PublicTextVersion,
    ReminderSettings,
    ReviewMeeting,
    ReviewPeriod,
    SufficiencyStatement,
    UpdateReview,
)
from wsoa.models.types import utcnow
from wsoa.services import audit
from wsoa.services.plan_succession import carried_on_elsewhere
from wsoa.services.plans import PLAN_FIELDS, PlanSummary, list_plans

# What deleting a plan removes, as the confirmation page and the audit event name it (plural → singular).
SINGULAR = {
    "priorities": "priority",
    "outcomes": "outcome",
    "actions": "action",
    "impact measures (KPIs)": "impact measure (KPI)",
    "review periods": "review period",
    "progress updates read from the workbook": "progress update read from the workbook",
}

# Every table that holds a plan's rows, children first: the order a deletion removes them in. ImportBatch is not
# here: its plan_id is cleared, and the batch kept as the record of the import. A new table that refers to any of
# these must be added (tests/services/test_plan_archive.py checks the schema against this list).
PLAN_TABLES = (
    # History recorded in the app on an action or its updates: a plan holding any is not a wrong import (updates from
    # the app and comments count in its footprint), so deleting a plan never meets one. Were one there, its action
    # could not be deleted and the whole deletion would be refused, as for an update recorded in the app.
    EvidenceFile,
    UpdateReview,
    ActionComment,
    # Review meetings are recorded in the app too (audited as such), so a plan holding one is never deleted either.
    SufficiencyStatement,
    AgreedAction,
    ReviewMeeting,
    # The public page's texts are written and approved in the app (audited), so a plan holding any is not deleted.
    PublicTextApproval,
    PublicTextVersion,
    PublicText,
    PublicPage,
    ActionLead,
    ProgressUpdate,
    KpiValue,
    KpiMilestone,
    KpiBenchmark,
    Kpi,
    Action,
    Outcome,
    Priority,
    Notice,
    ReviewPeriod,
    ReminderSettings,
    Plan,
)


class PlanNotDeletable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ----- archive and restore ------------------------------------------------------------------------------------------


def archived_plans() -> list[PlanSummary]:
    """The archived plans, most recently archived first, with their sizes (one query)."""
    return sorted(list_plans(archived=True), key=lambda s: (s.plan.archived_at, s.plan.id), reverse=True)


def archive_plan(plan: Plan, *, user_id: int | None) -> bool:
    """Leave the plan out of every list until it is restored; False when it was already archived."""
    if plan.archived_at is not None:
        return False
    plan.archived_at = utcnow()
    audit.record(
        event="plan.archived",
        entity=plan,
        summary=f"Plan {plan.title} archived",
        user_id=user_id,
        before={"archived": False},
        after={"archived": True},
    )
    db.session.flush()
    return True


def restore_plan(plan: Plan, *, user_id: int | None) -> bool:
    """Bring an archived plan back into the lists; False when it was not archived."""
    if plan.archived_at is None:
        return False
    archived_on = plan.archived_at
    plan.archived_at = None
    audit.record(
        event="plan.restored",
        entity=plan,
        summary=f"Plan {plan.title} restored from the archive",
        user_id=user_id,
        before={"archived": True, "archived_at": archived_on.isoformat()},
        after={"archived": False},
    )
    db.session.flush()
    return True


# ----- what a plan holds, and whether it may be deleted -------------------------------------------------------------


def _entity_ids(plan_id: int) -> dict[str, object]:
    """For each kind of thing an audit event can be about, a query of the ids of those the plan holds."""
    priority_ids = select(Priority.id).where(Priority.plan_id == plan_id)
    kpi_ids = select(Kpi.id).where(Kpi.priority_id.in_(priority_ids))
    kinds = {
        Priority: priority_ids,
        Outcome: select(Outcome.id).where(Outcome.priority_id.in_(priority_ids)),
        Action: select(Action.id).where(Action.plan_id == plan_id),
        Kpi: kpi_ids,
        KpiValue: select(KpiValue.id).where(KpiValue.kpi_id.in_(kpi_ids)),
        ReviewPeriod: select(ReviewPeriod.id).where(ReviewPeriod.plan_id == plan_id),
        ProgressUpdate: select(ProgressUpdate.id)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(Action.plan_id == plan_id),
        # A comment or board challenge is something recorded in the app: a plan with one is not a wrong import.
        ActionComment: select(ActionComment.id)
        .join(Action, Action.id == ActionComment.action_id)
        .where(Action.plan_id == plan_id),
        ReviewMeeting: select(ReviewMeeting.id).where(ReviewMeeting.plan_id == plan_id),
        PublicText: select(PublicText.id).where(PublicText.plan_id == plan_id),
        PublicPage: select(PublicPage.id).where(PublicPage.plan_id == plan_id),
        # A text's versions and approvals are audited by their own ids (wsoa.services.publishing).
        PublicTextVersion: select(PublicTextVersion.id)
        .join(PublicText, PublicText.id == PublicTextVersion.text_id)
        .where(PublicText.plan_id == plan_id),
    }
    # Audit events name their entity by its class name in lower case (wsoa.services.audit.record).
    return {model.__name__.lower(): ids for model, ids in kinds.items()}


def _events_about(plan: Plan):
    """Audit events about the plan or anything it holds.

    Only those since the plan was made: SQLite can give a new row the id of a deleted one, and an event about a
    deleted plan's action must not count against a later plan's action with the same id.
    """
    about = [and_(AuditEvent.entity_type == "plan", AuditEvent.entity_id == plan.id)]
    about += [
        and_(AuditEvent.entity_type == kind, AuditEvent.entity_id.in_(ids))
        for kind, ids in _entity_ids(plan.id).items()
    ]
    return and_(AuditEvent.at >= plan.created_at, or_(*about))


def footprint(plan: Plan) -> PlanFootprint:
    """What has been put into the plan, by where it came from (five queries whatever the plan's size)."""
    imports = db.session.scalar(select(func.count(ImportBatch.id)).where(ImportBatch.plan_id == plan.id)) or 0
    updates_from_app = (
        db.session.scalar(
            select(func.count(ProgressUpdate.id))
            .join(Action, Action.id == ProgressUpdate.action_id)
            .where(Action.plan_id == plan.id, ProgressUpdate.source != "import")
        )
        or 0
    )
    kpi_values = (
        db.session.scalar(
            select(func.count(KpiValue.id))
            .join(Kpi, Kpi.id == KpiValue.kpi_id)
            .join(Priority, Priority.id == Kpi.priority_id)
            .where(Priority.plan_id == plan.id)
        )
        or 0
    )
    # Grouped by kind, so the rule in wsoa.domain.plan_removal decides and the rows stay few however busy the plan.
    kinds = db.session.execute(
        select(AuditEvent.event, AuditEvent.entity_type, func.count(), func.max(AuditEvent.id))
        .where(_events_about(plan))
        .group_by(AuditEvent.event, AuditEvent.entity_type)
    ).all()
    app_events = sum(n for event, kind, n, _ in kinds if counted_as_a_change(event, kind))
    latest_id = max((last for event, _, _, last in kinds if recorded_in_app(event)), default=None)
    latest = db.session.scalar(select(AuditEvent.summary).where(AuditEvent.id == latest_id)) if latest_id else None
    return PlanFootprint(
        imports=imports,
        updates_from_app=updates_from_app,
        kpi_values=kpi_values,
        app_events=app_events,
        last_app_event=latest,
    )


@dataclass
class Removal:
    """What deleting the plan would remove, for the confirmation page and the audit event."""

    plan: Plan
    refusal: str | None
    counts: dict[str, int] = field(default_factory=dict)  # label → number, in the order shown
    import_files: list[str] = field(default_factory=list)

    @property
    def phrases(self) -> list[str]:
        """What goes, in words ("66 actions", "1 review period"), leaving out what the plan has none of."""
        return [f"{n:,} {SINGULAR[label] if n == 1 else label}" for label, n in self.counts.items() if n]


def removal(plan: Plan) -> Removal:
    """Whether the plan may be deleted (and if not, why), and what would go with it."""
    refusal = deletion_refusal(footprint(plan))
    if refusal is None and (carried := carried_on_elsewhere(plan.id)):
        refusal = (
            f"A later plan carries on {carried:,} of this plan's actions, and reads their history from here. "
            "Archive it instead: it is kept whole and can be restored."
        )
    priority_ids = select(Priority.id).where(Priority.plan_id == plan.id)
    counted = {  # keyed as SINGULAR is
        "priorities": select(func.count(Priority.id)).where(Priority.plan_id == plan.id),
        "outcomes": select(func.count(Outcome.id)).where(Outcome.priority_id.in_(priority_ids)),
        "actions": select(func.count(Action.id)).where(Action.plan_id == plan.id),
        "impact measures (KPIs)": select(func.count(Kpi.id)).where(Kpi.priority_id.in_(priority_ids)),
        "review periods": select(func.count(ReviewPeriod.id)).where(ReviewPeriod.plan_id == plan.id),
        "progress updates read from the workbook": select(func.count(ProgressUpdate.id))
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(Action.plan_id == plan.id),
    }
    row = db.session.execute(
        select(*(query.scalar_subquery().label(f"c{i}") for i, query in enumerate(counted.values())))
    )
    numbers = row.one()
    files = db.session.scalars(
        select(ImportBatch.file_name).where(ImportBatch.plan_id == plan.id).order_by(ImportBatch.id)
    ).all()
    return Removal(
        plan=plan, refusal=refusal, counts=dict(zip(counted, numbers, strict=True)), import_files=list(files)
    )


def delete_plan(plan: Plan, *, user_id: int | None) -> Removal:
    """Delete a wrong import whole, keeping its audit trail and import batches; PlanNotDeletable says why not.

    The caller commits. Nothing is written when it is refused, including when something is recorded in the plan
    while it is being deleted (the database then refuses to remove the row it belongs to).
    """
    found = removal(plan)
    if found.refusal:
        raise PlanNotDeletable(found.refusal)
    plan_id = plan.id
    savepoint = db.session.begin_nested()
    try:
        audit.record(
            event="plan.deleted",
            entity=plan,
            summary=f"Plan {plan.title} deleted (a wrong import, with nothing recorded in the app)",
            user_id=user_id,
            before=audit.snapshot(plan, PLAN_FIELDS)
            | {"removed": dict(found.counts), "imported_from": found.import_files},
        )
        db.session.flush()
        _delete_rows(plan_id)
        savepoint.commit()
    except IntegrityError as error:
        savepoint.rollback()
        raise PlanNotDeletable(
            "Something was recorded in this plan while it was being deleted, so nothing was deleted. Look at the "
            "plan again before deciding."
        ) from error
    db.session.expunge(plan)
    return found


def _delete_rows(plan_id: int) -> None:
    priority_ids = select(Priority.id).where(Priority.plan_id == plan_id)
    action_ids = select(Action.id).where(Action.plan_id == plan_id)
    kpi_ids = select(Kpi.id).where(Kpi.priority_id.in_(priority_ids))
    db.session.execute(
        update(ImportBatch).where(ImportBatch.plan_id == plan_id).values(plan_id=None),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(delete(ActionLead).where(ActionLead.action_id.in_(action_ids)))
    # Progress updates are history and the session refuses to delete any (wsoa.models). The only ones a deletable
    # plan holds were read from its workbook, and the import batch that read them is kept: they go with the plan,
    # through the connection. An update recorded in the app meanwhile is not matched here, and its action then
    # cannot be deleted, so the whole deletion is refused.
    db.session.connection().execute(
        delete(ProgressUpdate.__table__).where(
            ProgressUpdate.action_id.in_(action_ids), ProgressUpdate.source == "import"
        )
    )
    db.session.execute(delete(KpiMilestone).where(KpiMilestone.kpi_id.in_(kpi_ids)))
    db.session.execute(delete(KpiBenchmark).where(KpiBenchmark.kpi_id.in_(kpi_ids)))
    db.session.execute(delete(Kpi).where(Kpi.priority_id.in_(priority_ids)))
    db.session.execute(delete(Action).where(Action.plan_id == plan_id))
    db.session.execute(delete(Outcome).where(Outcome.priority_id.in_(priority_ids)))
    db.session.execute(delete(Priority).where(Priority.plan_id == plan_id))
    # Reminders sent about a wrong import stay in the audit trail (notice.sent); their outbox rows go with it.
    db.session.execute(delete(Notice).where(Notice.plan_id == plan_id))
    db.session.execute(delete(ReviewPeriod).where(ReviewPeriod.plan_id == plan_id))
    db.session.execute(delete(ReminderSettings).where(ReminderSettings.plan_id == plan_id))
    db.session.execute(delete(Plan).where(Plan.id == plan_id))
