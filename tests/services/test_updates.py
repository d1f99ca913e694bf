"""Recording progress: append-only history, optimistic concurrency, periods, and the current period's progress."""

import os
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import (
    create_action,
    create_period,
    create_plan,
    create_priority,
    create_role,
    create_update,
    create_user,
)
from wsoa.domain.honesty import Flag
from wsoa.domain.updates import UpdateDraft
from wsoa.extensions import db
from wsoa.models import Action, AppendOnlyViolation, AuditEvent, ProgressUpdate, ReviewPeriod, User
from wsoa.models.types import utcnow
from wsoa.services import periods as period_service
from wsoa.services import updates as update_service
from wsoa.services.honesty import period_progress

TODAY = date(2021, 3, 15)
ON_POSTGRESQL = os.environ.get("WSOA_TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.fixture
def plan_with_action(database):
    plan = create_plan()
    create_role(code="DoP", person="Claire Parker")
    period = create_period(plan=plan, label="Mar 21")
    priority = create_priority(plan=plan, number=1)
    action = create_action(priority=priority, ref="1.1.1", due_text="Dec 20", lead="DoP")
    user = create_user(level="lead", name="Claire Parker", roles=["DoP"])
    db.session.commit()
    return {"plan": plan, "period": period, "priority": priority, "action": action, "user": user}


def save(action_id: int, user, *, version: int | None = None, seen: int | None = None, **fields):
    context = update_service.update_context(action_id)
    draft = UpdateDraft(**({"rag": "green", "narrative": "On track"} | fields))
    update = update_service.record_progress_update(
        context,
        draft,
        user=user,
        expected_version=context.action.version if version is None else version,
        seen_update_id=seen,
    )
    db.session.commit()
    return update


def updates_of(action_id: int) -> list[tuple]:
    return db.session.execute(
        select(ProgressUpdate.id, ProgressUpdate.rag, ProgressUpdate.narrative)
        .where(ProgressUpdate.action_id == action_id)
        .order_by(ProgressUpdate.id)
    ).all()


def test_saving_appends_an_update_for_the_current_period_with_its_author(plan_with_action):
    action, user = plan_with_action["action"], plan_with_action["user"]
    update = save(action.id, user, rag="amber", confidence="red", narrative="Slipping", risks="Vacancies")
    assert update.review_period_id == plan_with_action["period"].id
    assert (update.rag, update.confidence, update.author_id, update.author_name, update.source) == (
        "amber",
        "red",
        user.id,
        "Claire Parker",
        "app",
    )


def test_a_second_save_in_the_same_period_appends_again_and_the_first_is_untouched(plan_with_action):
    action, user = plan_with_action["action"], plan_with_action["user"]
    first = save(action.id, user, rag="amber", narrative="First thoughts")
    save(action.id, user, rag="green", narrative="Second thoughts")
    history = updates_of(action.id)
    assert [(rag, narrative) for _, rag, narrative in history] == [
        ("amber", "First thoughts"),
        ("green", "Second thoughts"),
    ]
    assert history[0][0] == first.id
    latest = update_service.update_context(action.id).latest
    assert latest.narrative == "Second thoughts"


def test_an_update_can_never_be_modified_or_deleted(plan_with_action):
    update = save(plan_with_action["action"].id, plan_with_action["user"], narrative="As written")
    update.narrative = "Rewritten later"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(ProgressUpdate, update.id))
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(ProgressUpdate, update.id).narrative == "As written"


def test_every_save_moves_the_action_version_on(plan_with_action):
    action = plan_with_action["action"]
    save(action.id, plan_with_action["user"])
    save(action.id, plan_with_action["user"])
    assert db.session.scalar(select(Action.version).where(Action.id == action.id)) == 3


def test_a_save_from_a_stale_form_is_refused_showing_what_was_saved_in_between(plan_with_action):
    action, user = plan_with_action["action"], plan_with_action["user"]
    other = create_user(level="editor", name="Pat Officer")
    db.session.commit()
    opened_at = db.session.scalar(select(Action.version).where(Action.id == action.id))
    theirs = save(action.id, other, version=opened_at, rag="red", narrative="Theirs", next_steps="Re-plan")
    with pytest.raises(update_service.StaleAction) as refused:
        save(action.id, user, version=opened_at, narrative="Mine")
    assert refused.value.current_version == opened_at + 1
    assert [u.id for u in refused.value.newer_updates] == [theirs.id]
    assert refused.value.newer_updates[0].author.name == "Pat Officer"
    db.session.rollback()
    assert [narrative for _, _, narrative in updates_of(action.id)] == ["Theirs"]
    # Having seen theirs, saving again from the new version works and keeps both.
    save(action.id, user, version=opened_at + 1, narrative="Mine")
    assert [narrative for _, _, narrative in updates_of(action.id)] == ["Theirs", "Mine"]


def test_a_missing_or_garbled_version_is_treated_as_stale(plan_with_action):
    context = update_service.update_context(plan_with_action["action"].id)
    with pytest.raises(update_service.StaleAction):
        update_service.record_progress_update(
            context, UpdateDraft(rag="green", narrative="x"), user=plan_with_action["user"], expected_version=None
        )
    db.session.rollback()
    assert updates_of(plan_with_action["action"].id) == []


def test_without_a_current_period_nothing_is_saved(database):
    plan = create_plan()
    create_period(plan=plan, label="Nov 20", current=False)
    action = create_action(priority=create_priority(plan=plan))
    user = create_user(level="editor")
    db.session.commit()
    with pytest.raises(update_service.NoCurrentPeriod):
        save(action.id, user)
    db.session.rollback()
    assert updates_of(action.id) == []


def test_a_retired_action_cannot_be_updated(plan_with_action):
    action = db.session.get(Action, plan_with_action["action"].id)
    action.retired_at = utcnow()
    db.session.commit()
    with pytest.raises(update_service.ActionRetired):
        save(action.id, plan_with_action["user"])


def test_the_service_enforces_the_rules_even_without_the_form(plan_with_action):
    with pytest.raises(update_service.UpdateProblems) as refused:
        save(plan_with_action["action"].id, plan_with_action["user"], rag="blue", narrative=" ")
    db.session.rollback()
    assert {p.field for p in refused.value.problems} == {"narrative", "evidence"}
    assert updates_of(plan_with_action["action"].id) == []


def test_a_moved_date_is_kept_with_its_reason_and_the_original_is_untouched(plan_with_action):
    action = plan_with_action["action"]
    update = save(
        action.id,
        plan_with_action["user"],
        revised_due_text="Jun 21",
        revised_due_reason="Covid restrictions",
        revised_due_agreed_by="SEND Board",
    )
    assert (update.revised_due_text, update.revised_due_end) == ("Jun 21", date(2021, 6, 30))
    assert (update.revised_due_reason, update.revised_due_agreed_by) == ("Covid restrictions", "SEND Board")
    fresh = db.session.get(Action, action.id)
    assert (fresh.due_text, fresh.due_end) == ("Dec 20", date(2020, 12, 31))
    # Typing the date as it now stands again is not another move.
    again = save(action.id, plan_with_action["user"], revised_due_text="Jun 21")
    assert again.revised_due_text is None


def test_each_save_is_audited_with_before_and_after(plan_with_action):
    action, user = plan_with_action["action"], plan_with_action["user"]
    save(action.id, user, rag="amber", narrative="First")
    second = save(action.id, user, rag="green", narrative="Second")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_id == second.id, AuditEvent.event == "progress_update.recorded")
    ).one()
    assert event.user_id == user.id
    assert (event.before["rag"], event.after["rag"]) == ("amber", "green")
    assert event.after["narrative"] == "Second"


@pytest.mark.skipif(not ON_POSTGRESQL, reason="real concurrent transactions need PostgreSQL's row locks")
def test_two_truly_concurrent_saves_on_postgresql_leave_one_saved_and_one_refused(app, plan_with_action):
    action_id, user_id = plan_with_action["action"].id, plan_with_action["user"].id
    first_saved, second_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first():
        with app.app_context():
            user = db.session.get(User, user_id)
            context = update_service.update_context(action_id)
            update_service.record_progress_update(
                context, UpdateDraft(rag="green", narrative="First"), user=user, expected_version=1
            )
            first_saved.set()
            second_started.wait(5)
            time.sleep(0.5)  # the second save is now waiting on this transaction's row lock
            db.session.commit()
            db.session.remove()

    def second():
        with app.app_context():
            # Wait for the first to hold the action's row lock: otherwise whichever thread runs first wins, and
            # under load that was sometimes the second (the test then failed though nothing was wrong).
            first_saved.wait(5)
            user = db.session.get(User, user_id)
            context = update_service.update_context(action_id)
            second_started.set()
            try:
                update_service.record_progress_update(
                    context, UpdateDraft(rag="red", narrative="Second"), user=user, expected_version=1
                )
                db.session.commit()
                outcome["second"] = "saved"
            except update_service.StaleAction:
                outcome["second"] = "refused"
            db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert outcome["second"] == "refused"
    db.session.expire_all()
    assert [narrative for _, _, narrative in updates_of(action_id)] == ["First"]


# ----- review periods -------------------------------------------------------------------------------------------


def current_labels(plan_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(ReviewPeriod.label).where(ReviewPeriod.plan_id == plan_id, ReviewPeriod.is_current.is_(True))
        )
    )


def test_the_first_period_opened_is_current_and_making_another_current_leaves_exactly_one(database):
    plan, other_plan = create_plan(title="A"), create_plan(title="B")
    create_period(plan=other_plan, label="Elsewhere")
    values = period_service.PeriodValues
    nov = period_service.open_period(
        plan, values("Nov 20", date(2020, 9, 1), date(2020, 11, 30)), make_current=False, user_id=None
    )
    assert current_labels(plan.id) == ["Nov 20"]
    mar = period_service.open_period(
        plan, values("Mar 21", date(2020, 12, 1), date(2021, 3, 31)), make_current=False, user_id=None
    )
    assert current_labels(plan.id) == ["Nov 20"]
    period_service.make_current_period(mar, user_id=None)
    db.session.commit()
    assert current_labels(plan.id) == ["Mar 21"]
    assert current_labels(other_plan.id) == ["Elsewhere"]
    assert mar.position > nov.position


def test_a_period_name_is_unique_within_its_plan(database):
    plan = create_plan()
    create_period(plan=plan, label="Mar 21")
    with pytest.raises(period_service.PeriodProblem) as problem:
        period_service.open_period(
            plan, period_service.PeriodValues(" mar  21", None, None), make_current=True, user_id=None
        )
    assert problem.value.field == "label"


# ----- the current period's progress ---------------------------------------------------------------------------


def test_period_progress_counts_updates_names_outstanding_leads_and_flags_actions(database):
    plan = create_plan()
    create_role(code="DoP", person="Claire Parker")
    create_role(code="NO", person="Julia Dean")
    old = create_period(plan=plan, label="Nov 20", current=False)
    now = create_period(plan=plan, label="Mar 21")
    priority = create_priority(plan=plan, number=1)
    updated = create_action(priority=priority, ref="1.1.1", lead="DoP", due_text="Dec 20")
    create_update(action=updated, period=now, rag="green")
    stale = create_action(priority=priority, ref="1.1.2", lead="DoP/NO", due_text="Jun 21")
    create_update(action=stale, period=old, rag="amber")
    done = create_action(priority=priority, ref="1.1.3", lead="NO")
    create_update(action=done, period=old, rag="blue", evidence="Minutes")
    unknown = create_action(priority=priority, ref="1.1.4", lead="Head of SEND")
    db.session.commit()

    progress = period_progress(plan.id, TODAY, with_action_flags=True)
    assert (progress.updated, progress.to_update, progress.complete, progress.expected) == (1, 2, 1, 3)
    assert [(o.code, o.person, o.refs) for o in progress.outstanding_leads] == [
        ("DoP", "Claire Parker", ["1.1.2"]),
        ("Head of SEND", None, ["1.1.4"]),
        ("NO", "Julia Dean", ["1.1.2"]),
    ]
    assert [f.flag for f in progress.flags_for(updated.id)] == [Flag.PAST_DUE_BUT_ON_TRACK]
    assert [f.flag for f in progress.flags_for(stale.id)] == [Flag.NOT_UPDATED]
    assert progress.flags_for(done.id) == []
    assert progress.flag_counts[Flag.NOT_UPDATED] == 2
    assert [f.flag for f in progress.flags_for(unknown.id)] == [Flag.NOT_UPDATED]


def test_period_progress_runs_a_fixed_number_of_queries(database, count_queries):
    def build(actions: int):
        plan = create_plan(title=f"Plan {actions}")
        create_role(code=f"R{actions}")
        period = create_period(plan=plan, label="Mar 21")
        priority = create_priority(plan=plan)
        for n in range(actions):
            action = create_action(priority=priority, lead=f"R{actions}")
            if n % 2:
                create_update(action=action, period=period, rag="red")
        db.session.commit()
        return plan

    small, large = build(2), build(60)
    with count_queries() as small_count:
        period_progress(small.id, TODAY)
    with count_queries() as large_count:
        period_progress(large.id, TODAY)
    assert small_count() == large_count()
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 31
