"""An archived plan is kept as it was: no progress update or KPI value is recorded on it until it is restored."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_user
from wsoa.domain.kpi_values import ValueDraft
from wsoa.domain.updates import UpdateDraft
from wsoa.extensions import db
from wsoa.models import Kpi, KpiValue, ProgressUpdate
from wsoa.services import kpi_values as kpi_value_service
from wsoa.services import updates as update_service
from wsoa.services.kpis import KpiProblems
from wsoa.services.plan_archive import archive_plan, restore_plan


@pytest.fixture
def archived(database):
    plan = create_plan(title="Oldshire WSoA")
    create_role(code="DoP", person="Claire Parker")
    create_period(plan=plan, label="Mar 21")
    priority = create_priority(plan=plan, number=1)
    action = create_action(priority=priority, ref="1.1.1", due_text="Dec 20", lead="DoP")
    kpi = Kpi(priority_id=priority.id, text="92% seen within 18 weeks", unit="%", direction="higher")
    db.session.add(kpi)
    lead = create_user(level="lead", name="Claire Parker", roles=["DoP"])
    editor = create_user(level="editor", name="Ed Itor")
    db.session.flush()
    archive_plan(plan, user_id=editor.id)
    db.session.commit()
    return {"plan": plan, "action": action, "kpi": kpi, "lead": lead, "editor": editor}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def record_update(action, user):
    context = update_service.update_context(action.id)
    return update_service.record_progress_update(
        context, UpdateDraft(rag="green", narrative="On track"), user=user, expected_version=context.action.version
    )


def record_value(kpi, user):
    return kpi_value_service.record_value(
        kpi_value_service.value_context(kpi.id),
        ValueDraft(on=date(2021, 3, 31), value=Decimal(80)),
        user=user,
        today=date(2021, 6, 30),
    )


def test_progress_on_an_archived_plans_action_is_refused_with_the_reason_and_nothing_is_saved(archived):
    with pytest.raises(update_service.UpdateProblems) as refused:
        record_update(archived["action"], archived["lead"])
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("narrative", "This plan is archived, so no progress can be recorded on it: an admin can restore it first")
    ]
    db.session.rollback()
    assert count(ProgressUpdate) == 0


def test_a_kpi_value_on_an_archived_plan_is_refused_with_the_reason_and_nothing_is_saved(archived):
    with pytest.raises(KpiProblems) as refused:
        record_value(archived["kpi"], archived["editor"])
    assert [p.message for p in refused.value.problems] == [
        "This plan is archived, so no values can be recorded: an admin can restore it first"
    ]
    db.session.rollback()
    assert count(KpiValue) == 0


def test_once_restored_progress_and_values_are_recorded_again(archived):
    restore_plan(archived["plan"], user_id=archived["editor"].id)
    db.session.commit()
    record_update(archived["action"], archived["lead"])
    record_value(archived["kpi"], archived["editor"])
    db.session.commit()
    assert (count(ProgressUpdate), count(KpiValue)) == (1, 1)
