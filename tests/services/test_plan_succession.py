"""Starting a new plan from the demo WSoA: what carries over, the links back, and the old plan left as it was."""

import pytest
from sqlalchemy import func, select

from tests.factories import create_action, create_area, create_period, create_plan, create_priority, create_update
from wsoa.demo import load_demo
from wsoa.extensions import db
from wsoa.models import (
    Action,
    ActionLead,
    AuditEvent,
    ImportBatch,
    Kpi,
    KpiMilestone,
    KpiValue,
    Outcome,
    Plan,
    Priority,
)
from wsoa.services import plan_archive
from wsoa.services.editing import StructureProblem
from wsoa.services.plan_succession import NewPlanFrom, carry_choices, predecessors, start_plan_from, successors


@pytest.fixture
def demo(database) -> Plan:
    load_demo()
    db.session.commit()
    return db.session.scalars(select(Plan)).one()


def every_row() -> dict[str, set[tuple[str, ...]]]:
    """Every row of every table, as text, so a row changed in place shows as one gone and one new."""
    db.session.expire_all()
    return {
        table.name: {tuple(repr(value) for value in row) for row in db.session.execute(select(table))}
        for table in db.metadata.sorted_tables
    }


def chosen(demo: Plan, count: int) -> list[Action]:
    """The first `count` live actions of the demo plan that have progress recorded, in plan order."""
    return [
        a.action for p in carry_choices(demo).priorities for a in p.actions if a.action.latest_update_id is not None
    ][:count]


def test_a_new_app_from_the_demo_wsoa_carries_the_chosen_actions_with_links_back_and_leaves_the_old_plan_as_it_was(
    demo,
):
    actions = chosen(demo, 3)
    before = every_row()

    started = start_plan_from(
        demo,
        NewPlanFrom(
            title="Shropshire Accelerated Progress Plan",
            kind="accelerated_progress_plan",
            priority_ids=frozenset(),
            action_ids=frozenset(a.id for a in actions),
        ),
        user_id=None,
    )
    db.session.commit()
    after = every_row()

    for table, rows in before.items():
        assert rows <= after[table], f"{table}: a row of the old plan was changed or removed"
    assert after["progress_update"] == before["progress_update"], "no history is copied or changed"
    assert after["kpi_value"] == before["kpi_value"], "KPI values stay with the plan they were recorded in"

    new = db.session.get(Plan, started.plan.id)
    assert (new.kind, new.kind_label, new.current_status) == (
        "accelerated_progress_plan",
        "Accelerated progress plan",
        "active",
    )
    assert new.area == demo.area
    carried = db.session.scalars(select(Action).where(Action.plan_id == new.id).order_by(Action.id)).all()
    assert [(a.ref, a.title, a.carried_from_id) for a in carried] == [(a.ref, a.title, a.id) for a in actions]
    assert db.session.get(Plan, demo.id).current_status == "active", "not superseded unless the officer says so"
    # The carried actions' priorities came with them, numbered as before, each with its outcomes.
    old_numbers = sorted({db.session.get(Priority, a.priority_id).number for a in actions})
    new_priorities = db.session.scalars(select(Priority).where(Priority.plan_id == new.id)).all()
    assert sorted(p.number for p in new_priorities) == old_numbers
    for action in carried:
        assert action.outcome_id is None or db.session.get(Outcome, action.outcome_id).priority_id == action.priority_id
    # Leads still name the same glossary roles.
    old_leads = db.session.execute(
        select(ActionLead.action_id, ActionLead.role_id).where(ActionLead.action_id.in_([a.id for a in actions]))
    ).all()
    new_leads = db.session.execute(
        select(ActionLead.action_id, ActionLead.role_id).where(ActionLead.action_id.in_([a.id for a in carried]))
    ).all()
    by_new = {a.id: a.carried_from_id for a in carried}
    assert sorted((by_new[action_id], role) for action_id, role in new_leads) == sorted(old_leads)
    # The predecessor's history is read from the new action; the old action knows where it went.
    history = predecessors(carried[0])
    assert [p.action.id for p in history] == [actions[0].id]
    assert history[0].plan.id == demo.id
    assert [u.id for u in history[0].updates] == sorted((u.id for u in history[0].updates), reverse=True)
    assert history[0].updates, "the demo action has progress recorded"
    assert [(later.id, plan.id) for later, plan in successors(actions[0])] == [(carried[0].id, new.id)]

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "plan.started_from")).one()
    assert event.entity_id == new.id
    assert event.after["from_plan"] == demo.id
    assert event.after["actions"] == {str(a.id): a.ref for a in actions}
    assert "started from" in event.summary


def test_the_chosen_priorities_impact_measures_carry_as_definitions_without_their_values(demo):
    with_kpis = next(p for p in carry_choices(demo).priorities if p.kpis)
    started = start_plan_from(
        demo,
        NewPlanFrom(
            title="Shropshire PAP",
            kind="priority_action_plan",
            priority_ids=frozenset({with_kpis.priority.id}),
            action_ids=frozenset(),
        ),
        user_id=None,
    )
    db.session.commit()
    old = db.session.scalars(select(Kpi).where(Kpi.priority_id == with_kpis.priority.id).order_by(Kpi.id)).all()
    new = db.session.scalars(
        select(Kpi).join(Priority, Priority.id == Kpi.priority_id).where(Priority.plan_id == started.plan.id)
    ).all()
    assert started.kpis == len(old) == len(new) > 0
    assert [(k.text, k.target_value, k.baseline_value, k.direction) for k in new] == [
        (k.text, k.target_value, k.baseline_value, k.direction) for k in old
    ]
    new_ids = [k.id for k in new]
    assert db.session.scalar(select(func.count(KpiValue.id)).where(KpiValue.kpi_id.in_(new_ids))) == 0
    old_milestones = db.session.scalar(
        select(func.count(KpiMilestone.id)).where(KpiMilestone.kpi_id.in_([k.id for k in old]))
    )
    assert db.session.scalar(select(func.count(KpiMilestone.id)).where(KpiMilestone.kpi_id.in_(new_ids))) == (
        old_milestones
    )
    assert db.session.scalar(select(func.count(Action.id)).where(Action.plan_id == started.plan.id)) == 0


def test_superseding_the_old_plan_is_the_officers_choice_and_is_audited(demo):
    started = start_plan_from(
        demo,
        NewPlanFrom(
            title="Shropshire APP",
            kind="accelerated_progress_plan",
            priority_ids=frozenset({carry_choices(demo).priorities[0].priority.id}),
            action_ids=frozenset(),
            supersede=True,
        ),
        user_id=None,
    )
    db.session.commit()
    assert started.superseded
    assert db.session.get(Plan, demo.id).current_status == "superseded"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "plan.superseded")).one()
    assert (event.entity_id, event.before, event.after) == (demo.id, {"status": "active"}, {"status": "superseded"})


def test_nothing_chosen_is_refused_and_nothing_is_written(demo):
    before = every_row()
    with pytest.raises(StructureProblem) as refused:
        start_plan_from(
            demo,
            NewPlanFrom(title="Empty", kind="other", priority_ids=frozenset(), action_ids=frozenset()),
            user_id=None,
        )
    db.session.rollback()
    assert refused.value.field == "priorities"
    assert every_row() == before


def test_an_action_of_another_plan_cannot_be_carried(demo):
    other = create_plan(title="Another plan")
    stranger = create_action(priority=create_priority(plan=other, number=1))
    db.session.commit()
    with pytest.raises(StructureProblem) as refused:
        start_plan_from(
            demo,
            NewPlanFrom(title="New", kind="other", priority_ids=frozenset(), action_ids=frozenset({stranger.id})),
            user_id=None,
        )
    assert refused.value.field == "actions"


def test_history_reads_back_through_every_earlier_plan_in_a_fixed_number_of_queries(database, count_queries):
    plan = create_plan(title="WSoA 2019")
    period = create_period(plan=plan, label="Nov 20")
    action = create_action(priority=create_priority(plan=plan, number=1), ref="1.1.1")
    create_update(action=action, period=period, rag="red", narrative="Started late")
    db.session.commit()

    def carry(source: Plan, action_id: int, title: str) -> Action:
        started = start_plan_from(
            source,
            NewPlanFrom(title=title, kind="other", priority_ids=frozenset(), action_ids=frozenset({action_id})),
            user_id=None,
        )
        db.session.commit()
        return db.session.scalars(select(Action).where(Action.plan_id == started.plan.id)).one()

    app_action = carry(plan, action.id, "APP 2022")
    pap_action = carry(db.session.get(Plan, app_action.plan_id), app_action.id, "PAP 2024")
    db.session.expire_all()

    with count_queries() as counted:
        chain = predecessors(pap_action)
    assert [(p.plan.title, p.action.id) for p in chain] == [("APP 2022", app_action.id), ("WSoA 2019", action.id)]
    assert [u.narrative for u in chain[1].updates] == ["Started late"]
    short = counted()
    db.session.expire_all()
    with count_queries() as counted:
        predecessors(app_action)
    assert counted() == short, "one more plan back is no more queries"


def test_a_plan_whose_actions_a_later_plan_carries_on_cannot_be_deleted(database):
    plan = create_plan(title="Wrong import")
    action = create_action(priority=create_priority(plan=plan, number=1))
    db.session.add(ImportBatch(plan_id=plan.id, file_name="plan.xlsx", file_hash="0" * 64))
    db.session.commit()
    assert plan_archive.removal(plan).refusal is None, "a wrong import, until a later plan carries it on"
    start_plan_from(
        plan,
        NewPlanFrom(title="Next", kind="other", priority_ids=frozenset(), action_ids=frozenset({action.id})),
        user_id=None,
    )
    db.session.commit()
    found = plan_archive.removal(plan)
    assert "A later plan carries on 1 of this plan's actions" in (found.refusal or "")
    with pytest.raises(plan_archive.PlanNotDeletable):
        plan_archive.delete_plan(plan, user_id=None)


def test_the_new_plan_is_in_the_same_local_area_as_the_one_it_started_from(demo):
    create_area(name="Otherville")  # another area, so the area cannot be guessed
    db.session.commit()
    action = chosen(demo, 1)[0]
    started = start_plan_from(
        demo,
        NewPlanFrom(title="Next plan", kind="other", priority_ids=frozenset(), action_ids=frozenset({action.id})),
        user_id=None,
    )
    db.session.commit()
    assert started.plan.area_id == demo.area_id
    assert db.session.scalars(select(AuditEvent.area_id).where(AuditEvent.event == "plan.created")).all() == [
        demo.area_id
    ]
