"""Loading a plan for export, in a fixed number of queries."""

from collections import defaultdict

from sqlalchemy import select

from wsoa.extensions import db
from wsoa.models import Action, Kpi, Outcome, Plan, Priority, ProgressUpdate, ReviewPeriod, Role
from wsoa.reports.plan_workbook import ExportAction, ExportPlan, ExportPriority, ExportRole, ExportUpdate
from wsoa.services.queries import priorities_of


def export_plan(plan: Plan) -> ExportPlan:
    """The plan's live actions with the latest update of each review period."""
    periods = db.session.scalars(
        select(ReviewPeriod).where(ReviewPeriod.plan_id == plan.id).order_by(ReviewPeriod.position, ReviewPeriod.id)
    ).all()
    labels_by_id = {period.id: period.label for period in periods}
    priorities = priorities_of(plan.id)
    outcomes = db.session.scalars(
        select(Outcome).join(Priority).where(Priority.plan_id == plan.id).order_by(Outcome.position, Outcome.id)
    ).all()
    kpis = db.session.scalars(
        select(Kpi).join(Priority).where(Priority.plan_id == plan.id).order_by(Kpi.position, Kpi.id)
    )
    actions = db.session.scalars(
        select(Action)
        .where(Action.plan_id == plan.id, Action.retired_at.is_(None))
        .order_by(Action.position, Action.id)
    ).all()
    latest_by_period: dict[int, dict[int | None, ProgressUpdate]] = defaultdict(dict)
    for update in db.session.scalars(
        select(ProgressUpdate).join(Action).where(Action.plan_id == plan.id).order_by(ProgressUpdate.id)
    ):
        latest_by_period[update.action_id][update.review_period_id] = update

    outcome_refs = {outcome.id: outcome.ref for outcome in outcomes}
    export_priorities = {
        p.id: ExportPriority(
            number=p.number,
            title=p.title,
            outcomes=[(o.ref, o.text) for o in outcomes if o.priority_id == p.id],
            kpis=[],
        )
        for p in priorities
    }
    for kpi in kpis:
        export_priorities[kpi.priority_id].kpis.append(kpi.text)
    used_period_ids: set[int | None] = set()
    for action in actions:
        by_period = latest_by_period.get(action.id, {})
        used_period_ids.update(by_period)
        export_priorities[action.priority_id].actions.append(
            ExportAction(
                ref=action.ref,
                outcome_ref=outcome_refs.get(action.outcome_id) if action.outcome_id else None,
                section=action.section,
                title=action.title,
                due_text=action.due_text,
                lead=action.lead,
                partners=action.partners,
                resources=action.resources,
                success_criteria=action.success_criteria,
                extra_fields={str(k): str(v) for k, v in (action.extra_fields or {}).items()},
                updates=[
                    ExportUpdate(period=labels_by_id.get(period_id), rag=update.rag, progress=update.narrative)
                    for period_id, update in by_period.items()
                ],
            )
        )
    period_labels: list[str | None] = [p.label for p in periods if p.id in used_period_ids]
    if None in used_period_ids:
        period_labels.insert(0, None)
    roles = db.session.scalars(select(Role).order_by(Role.position, Role.code))
    return ExportPlan(
        title=plan.title,
        periods=period_labels,
        priorities=list(export_priorities.values()),
        roles=[ExportRole(r.code, r.title, r.organisation, r.person) for r in roles],
    )
