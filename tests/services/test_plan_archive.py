"""Archiving, restoring and deleting a wrong import: the service, on a plan imported for real where it matters."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select

from config import IMPORTS_DIR
from tests.factories import (
    create_action,
    create_period,
    create_plan,
    create_priority,
    create_role,
    create_update,
    create_user,
)
from wsoa.domain.updates import UpdateDraft
from wsoa.extensions import db
from wsoa.models import (
    Action,
    ActionLead,
    AuditEvent,
    ImportBatch,
    Kpi,
    KpiMilestone,
    KpiValue,
    Notice,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    ReviewPeriod,
    Role,
)
from wsoa.services import actions as action_service
from wsoa.services import plan_archive, reports
from wsoa.services import plans as plan_service
from wsoa.services import updates as update_service
from wsoa.services.plans import list_plans

SAMPLE = IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def import_sample(app) -> Plan:
    """The demo workbook imported with `wsoa import-plan`, exactly as an officer would from the command line."""
    result = app.test_cli_runner().invoke(args=["import-plan", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return db.session.scalars(select(Plan).order_by(Plan.id.desc())).first()


def small_import(title: str = "Wrongshire WSoA") -> Plan:
    """A plan as an import leaves it: a batch, a plan.imported event and progress read from the workbook."""
    if db.session.scalars(select(Role).where(Role.code == "DCS")).first() is None:
        create_role(code="DCS", title="Director of children's services")
    plan = create_plan(title=title)
    priority = create_priority(plan=plan, number=1)
    action = create_action(priority=priority, ref="1.1.1", lead="DCS")
    period = create_period(plan=plan, label="Nov 20")
    batch = ImportBatch(plan_id=plan.id, file_name="wrong.xlsx", file_hash="a" * 64)
    db.session.add(batch)
    db.session.flush()
    create_update(action=action, period=period, rag="amber", source="import", import_batch_id=batch.id)
    db.session.add(AuditEvent(event="plan.imported", entity_type="plan", entity_id=plan.id, summary="Imported"))
    db.session.commit()
    return plan


# ----- archive and restore ------------------------------------------------------------------------------------------


def test_an_archived_plan_leaves_the_plan_list_and_comes_back_when_restored(database):
    kept, _other = small_import("Kept plan"), small_import("Other plan")
    admin = create_user(level="admin")

    assert plan_archive.archive_plan(kept, user_id=admin.id) is True
    db.session.commit()
    assert [s.plan.title for s in list_plans()] == ["Other plan"]
    assert [s.plan.title for s in plan_archive.archived_plans()] == ["Kept plan"]
    assert count(Action, Action.plan_id == kept.id) == 1, "nothing in it is removed"
    assert plan_archive.archive_plan(kept, user_id=admin.id) is False, "archiving twice does nothing"

    assert plan_archive.restore_plan(kept, user_id=admin.id) is True
    db.session.commit()
    assert sorted(s.plan.title for s in list_plans()) == ["Kept plan", "Other plan"]
    assert plan_archive.archived_plans() == []
    assert plan_archive.restore_plan(kept, user_id=admin.id) is False

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event.in_(["plan.archived", "plan.restored"])).order_by(AuditEvent.id)
    ).all()
    assert [(e.event, e.entity_id, e.user_id) for e in events] == [
        ("plan.archived", kept.id, admin.id),
        ("plan.restored", kept.id, admin.id),
    ]
    assert [e.summary for e in events] == ["Plan Kept plan archived", "Plan Kept plan restored from the archive"]


def test_restoring_keeps_the_status_the_plan_had(database):
    plan = small_import()
    plan.status = "superseded"
    plan_archive.archive_plan(plan, user_id=None)
    plan_archive.restore_plan(plan, user_id=None)
    db.session.commit()
    assert (plan.status, plan.archived_at) == ("superseded", None)


def test_an_archived_plans_actions_leave_my_actions(database):
    plan = small_import()
    lead = create_user(level="lead", roles=["DCS"])
    db.session.commit()
    assert update_service.my_actions(lead, date(2021, 1, 1)).total == 1
    plan_archive.archive_plan(plan, user_id=None)
    db.session.commit()
    assert update_service.my_actions(lead, date(2021, 1, 1)).total == 0


def test_the_report_command_no_longer_chooses_an_archived_plan_unless_named(database):
    plan = small_import()
    assert reports.plan_for_period("Nov 20") == plan.id
    plan_archive.archive_plan(plan, user_id=None)
    db.session.commit()
    with pytest.raises(reports.ReportProblem, match="No plan has a review period called 'Nov 20'"):
        reports.plan_for_period("Nov 20")
    assert reports.plan_for_period("Nov 20", plan.id) == plan.id


# ----- deleting a wrong import --------------------------------------------------------------------------------------


def test_a_plan_imported_for_real_and_untouched_is_deleted_whole_and_its_audit_trail_kept(app, database):
    plan = import_sample(app)
    plan_id = plan.id
    assert count(Action, Action.plan_id == plan_id) == 66
    imported_updates = count(ProgressUpdate)
    assert imported_updates > 0
    roles = count(Role)
    admin = create_user(level="admin")
    db.session.commit()

    found = plan_archive.removal(plan)
    assert found.refusal is None
    assert found.counts["actions"] == 66
    assert found.counts["progress updates read from the workbook"] == imported_updates
    assert found.import_files == ["shropshire-wsoa.xlsx"]

    plan_archive.delete_plan(plan, user_id=admin.id)
    db.session.commit()

    for model in (Plan, Priority, Outcome, Action, ActionLead, ProgressUpdate, ReviewPeriod, Kpi):
        assert count(model) == 0, model.__name__
    assert count(Role) == roles, "key roles are shared by every plan and kept"
    batch = db.session.scalars(select(ImportBatch)).one()
    assert (batch.plan_id, batch.file_name) == (None, "shropshire-wsoa.xlsx"), "the record of the import is kept"
    events = {e.event: e for e in db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "plan"))}
    assert {"plan.imported", "plan.deleted"} <= set(events)
    deleted = events["plan.deleted"]
    assert (deleted.entity_id, deleted.user_id) == (plan_id, admin.id)
    assert deleted.before["title"] == "Shropshire Local Area Written Statement of Action"
    assert deleted.before["removed"]["actions"] == 66
    assert deleted.before["imported_from"] == ["shropshire-wsoa.xlsx"]


def test_importing_the_workbook_again_is_still_the_import(app, database):
    plan = import_sample(app)
    again = app.test_cli_runner().invoke(args=["import-plan", str(SAMPLE), "--plan", str(plan.id)])
    assert again.exit_code == 0, again.output
    assert count(ImportBatch, ImportBatch.plan_id == plan.id) == 2
    assert plan_archive.removal(plan).refusal is None


def test_an_archived_then_restored_wrong_import_can_still_be_deleted(database):
    plan = small_import()
    plan_archive.archive_plan(plan, user_id=None)
    assert plan_archive.removal(plan).refusal is None
    plan_archive.restore_plan(plan, user_id=None)
    plan_archive.delete_plan(plan, user_id=None)
    db.session.commit()
    assert count(Plan) == 0


def _app_update(plan: Plan) -> None:
    action = db.session.scalars(select(Action).where(Action.plan_id == plan.id)).first()
    period = db.session.scalars(select(ReviewPeriod).where(ReviewPeriod.plan_id == plan.id)).first()
    create_update(action=action, period=period, rag="green", narrative="Typed in the app")


def _kpi_value(plan: Plan) -> None:
    priority = db.session.scalars(select(Priority).where(Priority.plan_id == plan.id)).first()
    kpi = Kpi(priority_id=priority.id, text="92% seen within 18 weeks")
    db.session.add(kpi)
    db.session.flush()
    db.session.add(KpiValue(kpi_id=kpi.id, on=date(2021, 3, 31), value=Decimal(80)))


def _action_moved(plan: Plan) -> None:
    priority = db.session.scalars(select(Priority).where(Priority.plan_id == plan.id)).first()
    create_action(priority=priority, ref="1.1.2")
    first = db.session.scalars(select(Action).where(Action.ref == "1.1.1")).one()
    assert action_service.move_action(first, "down", user_id=None)


def _demo_update(plan: Plan) -> None:
    action = db.session.scalars(select(Action).where(Action.plan_id == plan.id)).first()
    create_update(action=action, rag="red", source="demo")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (_app_update, "because 1 progress update has been recorded in the app since it was imported"),
        (_demo_update, "because 1 progress update has been recorded in the app since it was imported"),
        (_kpi_value, "because 1 KPI value has been recorded in the app since it was imported"),
        (_action_moved, "because 1 change to the plan has been recorded in the app since it was imported"),
    ],
)
def test_a_plan_with_anything_recorded_in_the_app_is_refused_and_kept(database, record, reason):
    plan = small_import()
    record(plan)
    db.session.commit()
    actions, updates, events = count(Action), count(ProgressUpdate), count(AuditEvent)

    refusal = plan_archive.removal(plan).refusal
    assert reason in refusal
    assert "Archive it instead" in refusal
    with pytest.raises(plan_archive.PlanNotDeletable) as refused:
        plan_archive.delete_plan(plan, user_id=None)
    assert refused.value.reason == refusal
    db.session.commit()
    assert (count(Plan), count(Action), count(ProgressUpdate), count(AuditEvent)) == (1, actions, updates, events)


def test_the_refusal_counts_each_kind_once_and_names_the_latest_change(app, database):
    plan = import_sample(app)
    officer = create_user(level="editor", name="Olive Officer")
    action = db.session.scalars(select(Action).where(Action.plan_id == plan.id, Action.ref == "1.1.1")).first()
    context = update_service.update_context(action.id)
    draft = UpdateDraft(rag="green", narrative="Recruited two therapists")
    update_service.record_progress_update(context, draft, user=officer, expected_version=action.version)
    db.session.commit()
    refusal = plan_archive.removal(plan).refusal
    assert "because 1 progress update has been recorded in the app since it was imported" in refusal
    assert 'The latest change: "Progress on action 1.1.1 for' in refusal


def test_a_plan_created_in_the_app_is_not_a_wrong_import(database):
    plan = plan_service.create_plan(plan_service.PlanValues(title="Typed in", kind="strategic_plan"), user_id=None)
    db.session.commit()
    assert "created in the app, not imported" in plan_archive.removal(plan).refusal


def test_events_from_before_the_plan_existed_do_not_count_against_it(database):
    """SQLite can hand a deleted plan's ids to new rows: the old plan's events must not block the new one."""
    plan = small_import()
    action = db.session.scalars(select(Action).where(Action.plan_id == plan.id)).one()
    earlier = plan.created_at - timedelta(days=1)
    db.session.add(
        AuditEvent(at=earlier, event="action.edited", entity_type="action", entity_id=action.id, summary="Old")
    )
    db.session.add(AuditEvent(at=earlier, event="plan.edited", entity_type="plan", entity_id=plan.id, summary="Old"))
    db.session.commit()
    assert plan_archive.removal(plan).refusal is None
    db.session.add(AuditEvent(event="action.edited", entity_type="action", entity_id=action.id, summary="Edited now"))
    db.session.commit()
    assert (
        'because 1 change to the plan has been recorded in the app since it was imported. The latest change: "Edited now"'
        in (plan_archive.removal(plan).refusal)
    )


def test_something_recorded_while_deleting_refuses_the_whole_deletion(database, monkeypatch):
    plan = small_import()
    checked = plan_archive.removal(plan)
    _app_update(plan)  # recorded after the check was made
    db.session.commit()
    monkeypatch.setattr(plan_archive, "removal", lambda plan: checked)
    with pytest.raises(plan_archive.PlanNotDeletable, match="while it was being deleted, so nothing was deleted"):
        plan_archive.delete_plan(plan, user_id=None)
    db.session.commit()
    assert (count(Plan), count(Action), count(ProgressUpdate)) == (1, 1, 2)
    assert count(AuditEvent, AuditEvent.event == "plan.deleted") == 0


def test_every_table_that_refers_to_a_plans_rows_is_deleted_with_it(app):
    """A table added later that points at a plan's rows must be added to PLAN_TABLES (or deletion would fail)."""
    handled = {model.__table__.name for model in plan_archive.PLAN_TABLES} | {ImportBatch.__table__.name}
    inspector = inspect(db.engine)
    referring = {
        table
        for table in inspector.get_table_names()
        for key in inspector.get_foreign_keys(table)
        if key["referred_table"] in handled - {ImportBatch.__table__.name}
    }
    assert referring <= handled, (
        f"tables referring to a plan's rows that deleting a plan ignores: {referring - handled}"
    )


def test_working_out_whether_a_plan_may_be_deleted_takes_the_same_queries_however_big(app, database, count_queries):
    small = small_import("Small")
    big = import_sample(app)
    big.created_at = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.commit()
    with count_queries() as few:
        plan_archive.removal(small)
    with count_queries() as many:
        plan_archive.removal(big)
    assert many() == few() <= 8


def test_an_untouched_plan_with_a_role_owned_kpi_and_milestones_is_deleted(database):
    plan = small_import()
    role = create_role(code="NO")
    priority = db.session.scalars(select(Priority).where(Priority.plan_id == plan.id)).one()
    kpi = Kpi(priority_id=priority.id, text="Fewer exclusions", owner_role_id=role.id)
    db.session.add(kpi)
    db.session.flush()
    db.session.add(KpiMilestone(kpi_id=kpi.id, on=date(2021, 3, 31), value=Decimal(10)))
    db.session.commit()
    plan_archive.delete_plan(plan, user_id=None)
    db.session.commit()
    assert (count(Plan), count(Kpi), count(KpiMilestone), count(Role)) == (0, 0, 0, 2)


def test_what_deleting_removes_is_named_in_words_leaving_out_what_the_plan_has_none_of(database):
    plan = small_import()
    assert plan_archive.removal(plan).phrases == [
        "1 priority",
        "1 action",
        "1 review period",
        "1 progress update read from the workbook",
    ]


def test_a_wrong_import_that_reminders_went_out_about_is_still_deleted_and_the_sending_stays_audited(database):
    plan = small_import()
    lead = create_user(level="lead", roles=["DCS"])
    period = db.session.scalars(select(ReviewPeriod).where(ReviewPeriod.plan_id == plan.id)).one()
    notice = Notice(
        occasion="due-7",
        kind="reminder",
        email=lead.email,
        subject="Updates due",
        body_text="1.1.1",
        body_html="<p>1.1.1</p>",
        recipient_id=lead.id,
        plan_id=plan.id,
        review_period_id=period.id,
        status="sent",
    )
    db.session.add(notice)
    db.session.flush()
    db.session.add(AuditEvent(event="notice.sent", entity_type="notice", entity_id=notice.id, summary="Sent"))
    db.session.commit()

    plan_archive.delete_plan(plan, user_id=None)
    db.session.commit()

    assert count(Plan) == 0
    assert count(Notice) == 0
    assert count(AuditEvent, AuditEvent.event == "notice.sent") == 1
