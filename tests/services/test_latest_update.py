"""Each action points at its newest update: right after saves, concurrent saves, imports, re-imports and corrections.

The pages read an action's current state through Action.latest_update_id and latest_revised_update_id instead of
grouping the whole history. These tests check what the pages show and, after every kind of write, that the pointers
are exactly what grouping the history would give.
"""

import os
import threading
import time
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, insert, select, update

from tests.factories import (
    create_action,
    create_period,
    create_plan,
    create_priority,
    create_role,
    create_update,
    create_user,
)
from tests.importing.workbooks import flat_plan, save
from wsoa.domain.honesty import ActionFacts, count_flags, honesty_flags
from wsoa.domain.updates import UpdateDraft
from wsoa.extensions import db
from wsoa.importing.workbook import read_workbook
from wsoa.models import Action, ProgressUpdate, User
from wsoa.services import updates as update_service
from wsoa.services.honesty import period_progress
from wsoa.services.imports import file_hash, import_parsed_plan
from wsoa.services.plans import ActionFilters, action_list, plan_overview, priority_page
from wsoa.services.queries import refresh_latest_updates

TODAY = date(2021, 3, 15)
ON_POSTGRESQL = os.environ.get("WSOA_TEST_DATABASE_URL", "").startswith("postgresql")
BEFORE_POINTERS = "c4a8f2e6d913"  # the revision before actions pointed at their latest update


def pointers_from_history() -> dict[int, tuple[int | None, int | None]]:
    """What grouping the whole history says each action's pointers should be."""
    newest = dict(
        db.session.execute(
            select(ProgressUpdate.action_id, func.max(ProgressUpdate.id)).group_by(ProgressUpdate.action_id)
        ).all()
    )
    revised = dict(
        db.session.execute(
            select(ProgressUpdate.action_id, func.max(ProgressUpdate.id))
            .where(ProgressUpdate.revised_due_end.is_not(None))
            .group_by(ProgressUpdate.action_id)
        ).all()
    )
    return {
        action_id: (newest.get(action_id), revised.get(action_id))
        for action_id in db.session.scalars(select(Action.id))
    }


def stored_pointers() -> dict[int, tuple[int | None, int | None]]:
    return {
        action_id: (latest, revised)
        for action_id, latest, revised in db.session.execute(
            select(Action.id, Action.latest_update_id, Action.latest_revised_update_id)
        )
    }


def assert_pointers_match_history() -> None:
    db.session.expire_all()
    assert stored_pointers() == pointers_from_history()


def shown_rags(plan_id: int) -> dict[str, str | None]:
    """Each action's RAG as the action list shows it."""
    return {row.action.ref: row.rag for row in action_list(plan_id, ActionFilters(), TODAY).rows}


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


def save_update(action_id: int, user, **fields) -> ProgressUpdate:
    context = update_service.update_context(action_id)
    draft = UpdateDraft(**({"rag": "green", "narrative": "On track"} | fields))
    saved = update_service.record_progress_update(context, draft, user=user, expected_version=context.action.version)
    db.session.commit()
    return saved


# ----- saves and corrections ------------------------------------------------------------------------------------


def test_every_page_shows_the_newest_save_and_a_correction_replaces_it(plan_with_action):
    plan, action, user = plan_with_action["plan"], plan_with_action["action"], plan_with_action["user"]
    save_update(action.id, user, rag="green", narrative="On track")
    correction = save_update(action.id, user, rag="red", narrative="Correction: off track", next_steps="Recover")

    assert shown_rags(plan.id) == {"1.1.1": "red"}
    [row] = [row for group in priority_page(plan_with_action["priority"].id, TODAY).groups for row in group.rows]
    assert (row.latest.id, row.latest.narrative) == (correction.id, "Correction: off track")
    assert plan_overview(plan.id, TODAY).totals["red"] == 1
    [section] = update_service.my_actions(user, TODAY).sections
    assert [r.rag for r in section.rows] == ["red"]
    assert_pointers_match_history()


def test_a_moved_date_stays_until_a_later_update_moves_it_again(plan_with_action):
    plan, action, user = plan_with_action["plan"], plan_with_action["action"], plan_with_action["user"]
    save_update(
        action.id,
        user,
        rag="amber",
        revised_due_text="Jun 21",
        revised_due_reason="Late",
        revised_due_agreed_by="Board",
    )
    save_update(action.id, user, rag="amber", narrative="Correction: wording only")

    [row] = action_list(plan.id, ActionFilters(), TODAY).rows
    assert (row.latest.narrative, row.revised_due_end, row.overdue) == (
        "Correction: wording only",
        date(2021, 6, 30),
        False,
    )

    save_update(
        action.id,
        user,
        rag="amber",
        revised_due_text="Feb 21",
        revised_due_reason="Sooner",
        revised_due_agreed_by="Board",
    )
    [row] = action_list(plan.id, ActionFilters(), TODAY).rows
    assert (row.revised_due_end, row.overdue) == (date(2021, 2, 28), True)
    assert [r.action.ref for r in action_list(plan.id, ActionFilters(overdue=True), TODAY).rows] == ["1.1.1"]
    assert_pointers_match_history()


def test_an_action_loaded_before_a_save_reads_its_new_pointer(plan_with_action):
    action, user = plan_with_action["action"], plan_with_action["user"]
    assert action.latest_update_id is None
    saved = save_update(action.id, user)
    assert db.session.get(Action, action.id).latest_update_id == saved.id


def test_a_pointer_never_moves_back_to_an_older_update(plan_with_action):
    """A refresh that cannot see a newer update (as a PostgreSQL UPDATE that waited on a lock) keeps the newer one."""
    action, period = plan_with_action["action"], plan_with_action["period"]
    older = create_update(action=action, period=period, rag="amber")
    db.session.commit()
    db.session.execute(update(Action).where(Action.id == action.id).values(latest_update_id=older.id + 1000))
    refresh_latest_updates(action_ids=[action.id])
    db.session.commit()
    assert db.session.scalar(select(Action.latest_update_id).where(Action.id == action.id)) == older.id + 1000


# ----- imports and re-imports -------------------------------------------------------------------------------------


def import_workbook(rows, plan=None):
    content = save(flat_plan(rows))
    result = import_parsed_plan(
        read_workbook(content), file_name="plan.xlsx", content_hash=file_hash(content), plan=plan
    )
    db.session.commit()
    return result


def test_an_import_and_a_reimport_point_each_action_at_its_newest_update(database):
    first = import_workbook(
        [
            [1, "1.1.1", "Review the strategy", "Dec 20", "DCS", None, "G", "Started"],
            [1, "1.1.2", "Publish the strategy", "Jan 21", "DCS", None, "A", "Drafting"],
            [1, "1.1.3", "Not started", "Jan 21", "DCS", None, None, None],
        ]
    )
    plan_id = first.plan.id
    assert shown_rags(plan_id) == {"1.1.1": "green", "1.1.2": "amber", "1.1.3": None}
    assert_pointers_match_history()

    # The same file again adds nothing and moves nothing, nor marks any action as edited.
    before = stored_pointers()
    edited = dict(db.session.execute(select(Action.id, Action.updated_at)).all())
    import_workbook(
        [
            [1, "1.1.1", "Review the strategy", "Dec 20", "DCS", None, "G", "Started"],
            [1, "1.1.2", "Publish the strategy", "Jan 21", "DCS", None, "A", "Drafting"],
            [1, "1.1.3", "Not started", "Jan 21", "DCS", None, None, None],
        ],
        plan=first.plan,
    )
    assert stored_pointers() == before
    db.session.expire_all()
    assert dict(db.session.execute(select(Action.id, Action.updated_at)).all()) == edited

    # A newer workbook: a changed rating is appended and shown, a new action arrives rated.
    second = import_workbook(
        [
            [1, "1.1.1", "Review the strategy", "Dec 20", "DCS", None, "R", "Delayed by consultation"],
            [1, "1.1.2", "Publish the strategy", "Jan 21", "DCS", None, "A", "Drafting"],
            [1, "1.1.3", "Not started", "Jan 21", "DCS", None, "B", "Done"],
            [1, "1.1.4", "A new action", "Jun 21", "DCS", None, "G", "Begun"],
        ],
        plan=first.plan,
    )
    assert second.new_updates == 3
    assert shown_rags(plan_id) == {"1.1.1": "red", "1.1.2": "amber", "1.1.3": "blue", "1.1.4": "green"}
    overview = plan_overview(plan_id, TODAY)
    assert (overview.totals["red"], overview.totals["amber"], overview.totals["blue"], overview.totals["green"]) == (
        1,
        1,
        1,
        1,
    )
    assert_pointers_match_history()


def test_a_save_after_an_import_is_the_one_shown(database):
    imported = import_workbook([[1, "1.1.1", "Review the strategy", "Dec 20", "DCS", None, "G", "Started"]])
    create_role(code="DCS", person="Karen Bradshaw")
    create_period(plan=imported.plan, label="Apr 21")
    user = create_user(level="editor", name="Pat Officer")
    db.session.commit()
    action_id = db.session.scalar(select(Action.id).where(Action.plan_id == imported.plan.id))
    save_update(action_id, user, rag="amber", narrative="Slipping")
    assert shown_rags(imported.plan.id) == {"1.1.1": "amber"}
    assert_pointers_match_history()


# ----- concurrent saves (PostgreSQL's row locks) --------------------------------------------------------------------


@pytest.mark.skipif(not ON_POSTGRESQL, reason="real concurrent transactions need PostgreSQL's row locks")
def test_after_two_saves_at_once_and_a_resubmission_the_resubmitted_update_is_shown(app, plan_with_action):
    action_id, user_id, plan_id = (
        plan_with_action["action"].id,
        plan_with_action["user"].id,
        plan_with_action["plan"].id,
    )
    first_saved = threading.Event()
    outcome: dict[str, str] = {}

    def first():
        with app.app_context():
            user = db.session.get(User, user_id)
            context = update_service.update_context(action_id)
            update_service.record_progress_update(
                context, UpdateDraft(rag="green", narrative="First"), user=user, expected_version=1
            )
            first_saved.set()
            time.sleep(0.5)  # the second save now waits on this transaction's row lock
            db.session.commit()
            db.session.remove()

    def second():
        with app.app_context():
            first_saved.wait(5)
            user = db.session.get(User, user_id)
            context = update_service.update_context(action_id)  # still version 1: the first is not committed
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
    assert outcome == {"second": "refused"}
    db.session.expire_all()
    assert shown_rags(plan_id) == {"1.1.1": "green"}

    # The refused lead sees what was saved and submits again, on top of it.
    save_update(action_id, db.session.get(User, user_id), rag="red", narrative="Second", next_steps="Recover")
    assert shown_rags(plan_id) == {"1.1.1": "red"}
    assert_pointers_match_history()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="real concurrent transactions need PostgreSQL's row locks")
def test_an_import_racing_a_save_leaves_the_newest_update_shown(app, plan_with_action):
    """The import inserts first, the save then takes the action's lock and inserts a newer update; the import's
    refresh waits for that lock and, not seeing the save's update, must not move the pointer back to its own."""
    action_id, user_id, plan_id = (
        plan_with_action["action"].id,
        plan_with_action["user"].id,
        plan_with_action["plan"].id,
    )
    period_id = plan_with_action["period"].id
    imported, saved, refreshing = threading.Event(), threading.Event(), threading.Event()
    ids: dict[str, int] = {}

    def importer():
        with app.app_context():
            ids["import"] = db.session.scalar(
                insert(ProgressUpdate)
                .values(action_id=action_id, review_period_id=period_id, rag="amber", source="import")
                .returning(ProgressUpdate.id)
            )
            imported.set()
            saved.wait(5)
            refreshing.set()
            refresh_latest_updates(action_ids=[action_id])  # waits for the save's row lock
            db.session.commit()
            db.session.remove()

    def lead():
        with app.app_context():
            imported.wait(5)
            user = db.session.get(User, user_id)
            context = update_service.update_context(action_id)
            update = update_service.record_progress_update(
                context, UpdateDraft(rag="green", narrative="Saved"), user=user, expected_version=1
            )
            ids["save"] = update.id
            saved.set()
            refreshing.wait(5)
            time.sleep(0.5)  # the import's refresh is now waiting on this row lock
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=importer), threading.Thread(target=lead)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert ids["save"] > ids["import"]
    db.session.expire_all()
    assert shown_rags(plan_id) == {"1.1.1": "green"}
    assert_pointers_match_history()


# ----- the migration fills the pointers -----------------------------------------------------------------------------


def test_the_migration_fills_the_pointers_from_the_history_already_held(app, plan_with_action):
    action, period = plan_with_action["action"], plan_with_action["period"]
    other = create_action(priority=plan_with_action["priority"], ref="1.1.2")
    create_update(action=action, period=period, rag="amber", revised_due_end=date(2021, 6, 30))
    create_update(action=action, period=period, rag="green")
    create_update(action=other, period=period, rag="red")
    db.session.commit()
    expected, action_id = pointers_from_history(), action.id
    db.session.remove()

    downgrade(revision=BEFORE_POINTERS)
    upgrade()

    assert stored_pointers() == expected
    assert None not in expected[action_id], "the action has both a latest update and a moved date"


# ----- the grouped counts judge exactly as the rules do action by action --------------------------------------------


def test_period_counts_from_grouped_facts_match_the_rules_applied_to_each_action(database):
    plan = create_plan()
    old = create_period(plan=plan, label="Nov 20", current=False)
    now = create_period(plan=plan, label="Mar 21")
    priority = create_priority(plan=plan, number=1)
    cases = [
        ("green", "Dec 20", {}, now),  # past due but on track
        ("amber", "Jun 21", {}, old),  # not updated
        ("blue", "Dec 20", {"evidence": " \u00a0\t\n"}, old),  # only whitespace, Python's kind included: no evidence
        ("blue", "Dec 20", {"evidence": "Minutes"}, now),
        ("red", "Jun 21", {"next_steps": "Recover", "risks": "\u2003"}, now),  # mitigation blank
        ("red", "Jun 21", {"next_steps": "Recover", "risks": "Funding"}, now),
        (None, "Dec 20", {}, None),  # never updated
        ("amber", None, {"revised_due_end": date(2021, 1, 31)}, now),  # moved date passed
        ("green", "Dec 20", {"revised_due_end": date(2021, 9, 30)}, now),  # moved date not yet passed
    ]
    actions = []
    for n, (rag, due, fields, period) in enumerate(cases):
        action = create_action(priority=priority, ref=f"1.1.{n + 1}", due_text=due)
        if period is not None:
            create_update(action=action, period=period, rag=rag, **fields)
        actions.append(action)
    db.session.commit()

    progress = period_progress(plan.id, TODAY, with_action_flags=True)
    one_by_one = []
    for action, (rag, _, fields, period) in zip(actions, cases, strict=True):
        facts = ActionFacts(
            rag=rag,
            due_end=action.due_end,
            revised_due_end=fields.get("revised_due_end"),
            evidence=fields.get("evidence"),
            next_steps=fields.get("next_steps"),
            risks=fields.get("risks"),
            updated_this_period=period is now,
            period_open=True,
        )
        one_by_one.append(honesty_flags(facts, TODAY))
        assert progress.flags_for(action.id) == one_by_one[-1], action.ref
    assert progress.flag_counts == count_flags(one_by_one)
    assert (progress.updated, progress.to_update, progress.complete) == (6, 2, 1)
    overview = plan_overview(plan.id, TODAY)
    assert overview.overdue == sum(row.overdue for row in action_list(plan.id, ActionFilters(), TODAY).rows) == 3
