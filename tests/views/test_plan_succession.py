"""The officer starts a new plan from the demo WSoA through its form, and reads a carried action's earlier history."""

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import create_action, create_period, create_plan, create_priority, create_update
from wsoa.demo import load_demo
from wsoa.extensions import db
from wsoa.models import Action, Plan, ProgressUpdate
from wsoa.services.plan_succession import carry_choices


@pytest.fixture
def demo(database) -> Plan:
    load_demo()
    db.session.commit()
    return db.session.scalars(select(Plan)).one()


def form_path(plan: Plan) -> str:
    return f"/admin/plans/{plan.id}/start-new-plan"


def post_start(client, plan: Plan, *, action_ids, priority_ids=(), title="Shropshire APP", supersede="no", **extra):
    token = csrf_token_from(client.get(form_path(plan)).get_data(as_text=True))
    data = MultiDict(
        [
            ("csrf_token", token),
            ("title", title),
            ("kind", extra.get("kind", "accelerated_progress_plan")),
            ("carry_kpis", "yes"),
            ("supersede", supersede),
            *(("priorities", str(i)) for i in priority_ids),
            *(("actions", str(i)) for i in action_ids),
        ]
    )
    return client.post(form_path(plan), data=data)


def test_the_form_offers_every_priority_and_every_action_not_yet_complete(client, login_as, demo):
    login_as("admin")
    page = page_of(client.get(form_path(demo)))
    assert page.select_one("h1").text.strip() == "Start a new plan from this one"
    choices = carry_choices(demo)
    checked_actions = {int(box["value"]) for box in page.select("input[name=actions][checked]")}
    offered_actions = {int(box["value"]) for box in page.select("input[name=actions]")}
    assert offered_actions == {a.action.id for p in choices.priorities for a in p.actions}
    complete = {a.action.id for p in choices.priorities for a in p.actions if a.complete}
    assert complete, "the demo has finished actions"
    assert checked_actions == offered_actions - complete
    assert {int(box["value"]) for box in page.select("input[name=priorities][checked]")} == {
        p.priority.id for p in choices.priorities
    }


def test_a_new_app_from_the_demo_wsoa_carries_the_chosen_actions_and_their_history_reads_from_the_new_action(
    client, login_as, demo
):
    login_as("admin")
    with_history = [
        a.action for p in carry_choices(demo).priorities for a in p.actions if a.action.latest_update_id is not None
    ][:2]
    old_updates = db.session.execute(
        select(ProgressUpdate.id, ProgressUpdate.narrative, ProgressUpdate.rag).order_by(ProgressUpdate.id)
    ).all()

    response = post_start(client, demo, action_ids=[a.id for a in with_history])

    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    new = db.session.scalars(select(Plan).where(Plan.id != demo.id)).one()
    assert response.headers["Location"] == f"/plans/{new.id}"
    banner = normalise_spaces(page_of(client.get(response.headers["Location"])))
    assert f"Plan Shropshire APP started from {demo.title}" in banner
    assert "2 actions" in banner
    db.session.expire_all()
    assert (
        db.session.execute(
            select(ProgressUpdate.id, ProgressUpdate.narrative, ProgressUpdate.rag).order_by(ProgressUpdate.id)
        ).all()
        == old_updates
    ), "the old plan's updates are untouched and none are copied"

    carried = db.session.scalars(select(Action).where(Action.plan_id == new.id).order_by(Action.id)).all()
    assert [a.carried_from_id for a in carried] == [a.id for a in with_history]
    page = page_of(client.get(f"/actions/{carried[0].id}"))
    section = page.select_one("#carried-over-from")
    assert section is not None, "the carried action shows where it came from"
    text = normalise_spaces(section)
    assert f"Action {with_history[0].ref} in {demo.title}" in text
    earlier = db.session.scalars(
        select(ProgressUpdate).where(ProgressUpdate.action_id == with_history[0].id).order_by(ProgressUpdate.id)
    ).all()
    for update in earlier:
        assert normalise_spaces(update.narrative or "")[:60] in text
    assert section.select_one("a")["href"] == f"/actions/{with_history[0].id}"
    assert not section.select("form"), "the earlier history is read-only"
    assert "No progress has been recorded yet in this plan." in normalise_spaces(page)

    old_page = normalise_spaces(page_of(client.get(f"/actions/{with_history[0].id}")))
    assert f"Carried on in action {carried[0].ref} of Shropshire APP" in old_page

    index = page_of(client.get("/"))
    rows = [normalise_spaces(row) for row in index.select("#current-plans tbody tr")]
    assert rows[0].startswith(f"{demo.title} Written statement of action Active")
    assert rows[1].startswith("Shropshire APP Accelerated progress plan Active")


def test_marking_the_old_plan_superseded_moves_it_to_the_superseded_list(client, login_as, demo):
    login_as("admin")
    first = carry_choices(demo).priorities[0]
    response = post_start(client, demo, action_ids=[], priority_ids=[first.priority.id], supersede="yes")
    assert response.status_code == 302
    index = page_of(client.get("/"))
    assert [normalise_spaces(a) for a in index.select("#current-plans tbody tr td:first-child a")] == ["Shropshire APP"]
    assert [normalise_spaces(a) for a in index.select("#superseded-plans tbody tr td:first-child a")] == [demo.title]
    assert "This plan is superseded" in normalise_spaces(page_of(client.get(f"/plans/{demo.id}")))


def test_a_form_without_a_title_or_anything_chosen_says_what_is_missing_and_starts_nothing(client, login_as, demo):
    login_as("admin")
    page = page_of(post_start(client, demo, action_ids=[], title=""))
    problems = [normalise_spaces(li) for li in page.select(".govuk-error-summary li")]
    assert problems == ["Enter a title for the new plan"]
    page = page_of(post_start(client, demo, action_ids=[], title="An empty plan"))
    problems = [normalise_spaces(li) for li in page.select(".govuk-error-summary li")]
    assert problems == ["Choose at least one priority to carry over"]
    assert db.session.scalar(select(func.count(Plan.id))) == 1


def test_an_action_id_that_is_not_offered_is_refused_not_an_error_page(client, login_as, demo):
    login_as("admin")
    page = page_of(post_start(client, demo, action_ids=[987654]))
    assert page.select(".govuk-error-summary li")
    assert db.session.scalar(select(func.count(Plan.id))) == 1


def test_the_form_and_the_copy_take_as_many_queries_for_forty_actions_as_for_two(client, login_as, count_queries):
    login_as("admin")

    def plan_of(size: int) -> Plan:
        plan = create_plan(title=f"Plan of {size}")
        period = create_period(plan=plan, label="Nov 20")
        priority = create_priority(plan=plan, number=1)
        for n in range(size):
            create_update(action=create_action(priority=priority, ref=f"1.1.{n}"), period=period, rag="amber")
        db.session.commit()
        return plan

    def statements(plan: Plan) -> tuple[int, int]:
        ids = db.session.scalars(select(Action.id).where(Action.plan_id == plan.id)).all()
        with count_queries() as counted:
            page_of(client.get(form_path(plan)))
        showing = counted()
        with count_queries() as counted:
            assert post_start(client, plan, action_ids=ids, title=f"After {plan.title}").status_code == 302
        return showing, counted()

    assert statements(plan_of(2)) == statements(plan_of(40))
