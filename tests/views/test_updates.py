"""The update form: leads append progress each period; the rules, the permissions and no lost updates."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import create_action, create_period, create_priority, create_role, create_update
from wsoa.extensions import db
from wsoa.models import Action, AuditEvent, ProgressUpdate, ReviewPeriod, Role, User
from wsoa.models.types import utcnow


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    for module in ("wsoa.views.plans", "wsoa.views.actions", "wsoa.views.updates"):
        monkeypatch.setattr(f"{module}.today", lambda: date(2021, 3, 15))


@pytest.fixture
def plan(plan):
    """The shared Testshire plan (tests/conftest.py), with this file's roles, periods and actions."""
    create_role(code="DoP", title="Director of Partnerships", person="Claire Parker")
    create_role(code="NO", title="Nominated Officer", person="Julia Dean")
    period = create_period(plan=plan, label="Mar 21")
    priority = create_priority(plan=plan, number=1, title="Waits for speech and language therapy")
    mine = create_action(priority=priority, ref="1.1.1", title="Recruit therapists", due_text="Dec 20", lead="DoP")
    theirs = create_action(priority=priority, ref="1.1.2", title="Publish the local offer", lead="NO")
    db.session.commit()
    return {"plan": plan, "period": period, "priority": priority, "mine": mine, "theirs": theirs}


def url(action) -> str:
    return f"/actions/{action.id}/update"


def form_fields(response) -> dict[str, str]:
    """What the browser would send back untouched: the hidden fields of the update form."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html5lib")
    form = soup.select_one("main form[method=post]")
    assert form is not None, "the page has the update form"
    return {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}


def submit(browser, action, **answers):
    """Open the form, then post it as a person would, with these answers."""
    return browser.post(url(action), data=form_fields(browser.get(url(action))) | answers)


def saved(action) -> list[tuple]:
    return db.session.execute(
        select(ProgressUpdate.rag, ProgressUpdate.narrative)
        .where(ProgressUpdate.action_id == action.id)
        .order_by(ProgressUpdate.id)
    ).all()


def errors_of(page) -> list[str]:
    return [normalise_spaces(a) for a in page.select(".govuk-error-summary a")]


def test_the_form_asks_for_delivery_and_impact_separately_and_shows_the_original_date(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    page = page_of(client.get(url(plan["mine"])))
    assert page.title.text.startswith("Update progress on action 1.1.1")
    rag_labels = [normalise_spaces(label) for label in page.select("input[name=rag] + label")]
    assert rag_labels == [
        "Blue – complete",
        "Green – on track",
        "Amber – at risk",
        "Red – off track",
        "Not started (no rating)",
    ]
    assert [normalise_spaces(label) for label in page.select("input[name=confidence] + label")] == [
        "High",
        "Medium",
        "Low",
        "Not yet known",
    ]
    assert "Dec 20 (by 31 Dec 2020)" in normalise_spaces(page.select_one("#original-due"))
    assert page.select_one("input[name=version]")["value"] == "1"
    for name in ("narrative", "next_steps", "risks", "revised_due_text", "revised_due_reason", "evidence"):
        assert page.select_one(f"[name={name}]") is not None, name


def test_a_lead_saves_an_update_which_is_appended_and_shown(client, login_as, plan):
    lead = login_as("lead", roles=["DoP"], name="Claire Parker")
    response = submit(
        client,
        plan["mine"],
        rag="amber",
        confidence="green",
        narrative="Two of three posts filled",
        next_steps="Re-advertise",
        risks="National shortage; agency cover",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/actions/{plan['mine'].id}"
    update = db.session.scalars(select(ProgressUpdate)).one()
    assert (update.rag, update.confidence, update.author_id, update.review_period_id) == (
        "amber",
        "green",
        lead.id,
        plan["period"].id,
    )
    page = page_of(client.get(response.headers["Location"]))
    assert "Progress on action 1.1.1 saved for Mar 21: Amber" in normalise_spaces(page)
    assert normalise_spaces(page.select_one(".govuk-summary-card h3")) == "Mar 21 · Amber"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.user_id == lead.id)) == 1


def test_after_a_save_the_plan_overview_reflects_the_new_rag(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    overview = f"/plans/{plan['plan'].id}"
    before = normalise_spaces(page_of(client.get(overview)).select("main tbody tr")[0])
    assert before.endswith("0 0 0 0 2 2 2")  # red amber green blue none overdue actions
    submit(client, plan["mine"], rag="red", narrative="Off track", next_steps="Recover", risks="Mitigated")
    page = page_of(client.get(overview))
    assert normalise_spaces(page.select("main tbody tr")[0]).endswith("1 0 0 0 1 2 2")
    assert "1 of 2 actions updated for Mar 21" in normalise_spaces(page.select_one("#period-progress-count"))


def test_a_second_save_in_the_same_period_appends_and_the_latest_counts(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    submit(client, plan["mine"], rag="amber", narrative="First")
    submit(client, plan["mine"], rag="green", narrative="Second")
    assert saved(plan["mine"]) == [("amber", "First"), ("green", "Second")]
    page = page_of(client.get(f"/priorities/{plan['priority'].id}"))
    assert "Green Second (Mar 21)" in normalise_spaces(page.select("main table tbody tr")[0])


def test_not_started_is_saved_as_no_rating(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    assert submit(client, plan["mine"], rag="none", narrative="Starts in April").status_code == 302
    assert saved(plan["mine"]) == [(None, "Starts in April")]


def test_an_empty_form_is_explained_and_nothing_is_saved(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    page = page_of(submit(client, plan["mine"]))
    assert page.title.text.startswith("Error: ")
    assert errors_of(page) == ["Select a RAG rating", "Enter a progress update"]
    assert page.select_one(".govuk-error-summary a")["href"] == "#rag"
    assert saved(plan["mine"]) == []


def test_marking_blue_asks_for_evidence_and_keeps_what_was_typed(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    page = page_of(
        submit(client, plan["mine"], rag="blue", narrative="All posts filled <b>at last</b>", next_steps="None")
    )
    assert errors_of(page) == ["Enter the evidence that this action is complete"]
    assert page.select_one("textarea[name=narrative]").text == "All posts filled <b>at last</b>"
    assert page.select_one("textarea[name=next_steps]").text == "None"
    assert page.select_one("input[name=rag][value=blue]").has_attr("checked")
    assert saved(plan["mine"]) == []
    response = submit(client, plan["mine"], rag="blue", narrative="Done", evidence="https://example.org/minutes")
    assert response.status_code == 302


def test_moving_the_completion_date_needs_a_reason_and_who_agreed_and_keeps_the_original(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    page = page_of(submit(client, plan["mine"], rag="amber", narrative="Delayed", revised_due_text="Jun 21"))
    assert errors_of(page) == ["Enter why the completion date is moving", "Enter who agreed the new completion date"]
    assert page.select_one("input[name=revised_due_text]")["value"] == "Jun 21"
    response = submit(
        client,
        plan["mine"],
        rag="amber",
        narrative="Delayed",
        revised_due_text="Jun 21",
        revised_due_reason="Covid",
        revised_due_agreed_by="SEND Board",
    )
    assert response.status_code == 302
    assert db.session.get(Action, plan["mine"].id).due_text == "Dec 20"
    form = page_of(client.get(url(plan["mine"])))
    assert "Dec 20" in normalise_spaces(form.select_one("#original-due"))
    assert "Jun 21 (by 30 Jun 2021)" in normalise_spaces(form.select_one("#revised-due"))
    action_page = normalise_spaces(page_of(client.get(f"/actions/{plan['mine'].id}")))
    assert "To Jun 21: Covid (agreed by SEND Board)" in action_page
    assert "Dec 20 (by 31 Dec 2020)" in action_page


def test_an_unreadable_revised_date_is_explained(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    page = page_of(submit(client, plan["mine"], rag="amber", narrative="x", revised_due_text="after Easter-ish"))
    assert errors_of(page)[0].startswith("Enter the revised completion date as a month and year")


def test_a_crafted_rating_outside_the_scale_is_refused(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    page = page_of(submit(client, plan["mine"], rag="purple", confidence="sky-high", narrative="x"))
    assert "Select a RAG rating" in errors_of(page)
    assert saved(plan["mine"]) == []


def test_a_lead_cannot_update_an_action_led_by_a_role_they_do_not_hold(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    token = csrf_token_from(client.get(url(plan["mine"])).get_data(as_text=True))
    assert client.get(url(plan["theirs"])).status_code == 403
    crafted = {"csrf_token": token, "version": "1", "rag": "green", "narrative": "Not mine"}
    assert client.post(url(plan["theirs"]), data=crafted).status_code == 403
    assert saved(plan["theirs"]) == []


def test_a_viewer_gets_403_on_the_form_and_on_a_crafted_post(client, login_as, plan):
    login_as("viewer")
    token = csrf_token_from(client.get(f"/plans/{plan['plan'].id}").get_data(as_text=True))
    assert client.get(url(plan["mine"])).status_code == 403
    crafted = {"csrf_token": token, "version": "1", "rag": "green", "narrative": "Sneaky"}
    assert client.post(url(plan["mine"]), data=crafted).status_code == 403
    assert saved(plan["mine"]) == []


def test_editors_and_admins_may_update_any_action(client, other_client, login_as, plan):
    login_as("editor")
    assert submit(client, plan["theirs"], rag="green", narrative="By the officer").status_code == 302
    login_as("admin", browser=other_client)
    assert submit(other_client, plan["theirs"], rag="green", narrative="By the admin").status_code == 302
    assert len(saved(plan["theirs"])) == 2


def test_when_a_role_changes_hands_the_new_holder_inherits_its_actions_and_history_keeps_the_author(
    client, other_client, login_as, plan
):
    leaver = login_as("lead", roles=["NO"], name="Julia Dean")
    assert submit(client, plan["theirs"], rag="green", narrative="Handover notes").status_code == 302
    joiner = login_as("lead", browser=other_client, name="Sam New")
    assert other_client.get(url(plan["theirs"])).status_code == 403
    no_role = db.session.scalars(select(Role).where(Role.code == "NO")).one()
    db.session.get(User, leaver.id).roles = []
    db.session.get(User, joiner.id).roles = [no_role]
    db.session.commit()
    assert client.get(url(plan["theirs"])).status_code == 403
    assert submit(other_client, plan["theirs"], rag="amber", narrative="Picked up").status_code == 302
    cards = page_of(other_client.get(f"/actions/{plan['theirs'].id}")).select(".govuk-summary-card")
    assert ["Sam New" in normalise_spaces(c) for c in cards] == [True, False]
    assert "by Julia Dean" in normalise_spaces(cards[1])


def test_signed_out_visitors_are_sent_to_sign_in(client, plan):
    response = client.get(url(plan["mine"]))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_post_without_a_csrf_token_saves_nothing(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    response = client.post(url(plan["mine"]), data={"version": "1", "rag": "green", "narrative": "No token"})
    assert response.status_code in (302, 400)
    assert saved(plan["mine"]) == []


def test_unknown_actions_are_404(client, login_as, plan):
    login_as("editor")
    assert client.get("/actions/999999/update").status_code == 404


def test_the_action_page_offers_update_progress_only_to_those_allowed(client, other_client, login_as, plan):
    login_as("lead", roles=["DoP"])
    mine = page_of(client.get(f"/actions/{plan['mine'].id}"))
    assert mine.select_one(f"a[href='{url(plan['mine'])}']").text.strip() == "Update progress"
    theirs = page_of(client.get(f"/actions/{plan['theirs'].id}"))
    assert theirs.select_one(f"a[href='{url(plan['theirs'])}']") is None
    login_as("viewer", browser=other_client)
    assert page_of(other_client.get(f"/actions/{plan['mine'].id}")).select_one(f"a[href='{url(plan['mine'])}']") is None


def test_without_a_current_period_the_form_says_so_and_a_post_saves_nothing(client, login_as, plan):
    db.session.get(ReviewPeriod, plan["period"].id).is_current = False
    db.session.commit()
    login_as("lead", roles=["DoP"])
    response = client.get(url(plan["mine"]))
    page = page_of(response)
    assert "No review period is open for Testshire WSoA" in normalise_spaces(page)
    assert page.select_one("textarea[name=narrative]") is None
    token = csrf_token_from(response.get_data(as_text=True))
    page = page_of(
        client.post(url(plan["mine"]), data={"csrf_token": token, "version": "1", "rag": "green", "narrative": "x"})
    )
    assert "No review period is open for this plan, so nothing was saved" in errors_of(page)
    assert saved(plan["mine"]) == []


def test_a_retired_action_cannot_be_updated(client, login_as, plan):
    db.session.get(Action, plan["mine"].id).retired_at = utcnow()
    db.session.commit()
    login_as("lead", roles=["DoP"])
    response = client.get(url(plan["mine"]))
    assert response.status_code == 302
    page = page_of(client.get(response.headers["Location"]))
    assert "This action has been retired" in normalise_spaces(page)
    assert page.select_one(f"a[href='{url(plan['mine'])}']") is None


def test_two_people_editing_at_once_lose_nothing_and_the_second_sees_why(client, other_client, login_as, plan):
    login_as("lead", roles=["DoP"], name="Claire Parker")
    login_as("editor", browser=other_client, name="Pat Officer")
    mine = form_fields(client.get(url(plan["mine"])))
    theirs = form_fields(other_client.get(url(plan["mine"])))
    assert mine["version"] == theirs["version"] == "1"

    first = other_client.post(
        url(plan["mine"]), data=theirs | {"rag": "red", "narrative": "Officer: recruitment paused", "next_steps": "x"}
    )
    assert first.status_code == 302
    second = client.post(url(plan["mine"]), data=mine | {"rag": "green", "narrative": "Lead: two posts filled"})

    page = page_of(second)
    assert page.title.text.startswith("Error: ")
    assert "someone else changed this action while you were editing" in errors_of(page)[0]
    conflict = normalise_spaces(page.select_one("#conflict"))
    assert "Pat Officer" in conflict
    assert "Red" in conflict
    assert "Officer: recruitment paused" in conflict
    assert page.select_one("textarea[name=narrative]").text == "Lead: two posts filled"
    assert page.select_one("input[name=rag][value=green]").has_attr("checked")
    assert saved(plan["mine"]) == [("red", "Officer: recruitment paused")]

    # The form has moved on to the version they have now seen: saving again is deliberate, and works.
    assert form_fields(second)["version"] == "2"
    again = client.post(
        url(plan["mine"]), data=form_fields(second) | {"rag": "green", "narrative": "Lead: two posts filled"}
    )
    assert again.status_code == 302
    assert saved(plan["mine"]) == [("red", "Officer: recruitment paused"), ("green", "Lead: two posts filled")]


def test_a_stale_form_after_an_edit_to_the_action_itself_is_refused_too(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    fields = form_fields(client.get(url(plan["mine"])))
    db.session.get(Action, plan["mine"].id).version += 1  # as an admin's edit of the action does
    db.session.commit()
    page = page_of(client.post(url(plan["mine"]), data=fields | {"rag": "green", "narrative": "Mine"}))
    assert "The action itself was edited" in normalise_spaces(page.select_one("#conflict"))
    assert saved(plan["mine"]) == []


def test_demo_updates_are_labelled_as_demo_data(client, login_as, plan):
    create_update(action=plan["mine"], period=plan["period"], rag="green", narrative="Illustrative", source="demo")
    db.session.commit()
    login_as("lead", roles=["DoP"])
    page = page_of(client.get(url(plan["mine"])))
    assert "Demo data" in normalise_spaces(page.select_one("#action-summary"))


def test_a_null_character_in_a_form_or_address_is_refused_whole_and_nothing_is_saved(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    page = page_of(submit(client, plan["mine"], rag="amber", narrative="Waiting\x00for funding"), status=400)
    assert "contains a null character, which cannot be stored" in normalise_spaces(page.select_one("#problem"))
    assert saved(plan["mine"]) == []
    page_of(client.get(f"/plans/{plan['plan'].id}/actions?lead=DoP%00"), status=400)
    assert submit(client, plan["mine"], rag="amber", narrative="Waiting for funding").status_code == 302
    assert saved(plan["mine"]) == [("amber", "Waiting for funding")]
