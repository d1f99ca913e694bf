"""Comments and board challenges: anyone who reads an action comments; the lead or an officer answers."""

from sqlalchemy import select

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from wsoa.extensions import db
from wsoa.models import ActionComment


def post_form(browser, url, **data):
    token = csrf_token_from(browser.get(url).get_data(as_text=True))
    return browser.post(url, data={"csrf_token": token, **data})


def comment_cards(browser, action):
    page = page_of(browser.get(f"/actions/{action.id}"))
    return page.select(".app-comment")


def test_a_board_member_challenges_and_the_lead_answers_it(client, other_client, login_as, plan):
    action = plan["action"]
    login_as("viewer", name="Board Member")
    response = post_form(
        client, f"/actions/{action.id}/comments/new", body="Why is this still amber?", is_challenge="y"
    )
    assert response.status_code == 302
    [card] = comment_cards(client, action)
    assert "Board challenge Open from Board Member" in normalise_spaces(card.select_one("h3"))
    assert card.select_one("a[href$='/answer']") is None  # a viewer cannot answer

    challenge_id = db.session.scalar(select(ActionComment.id))
    assert client.get(f"/actions/{action.id}/comments/{challenge_id}/answer").status_code == 403

    login_as("lead", roles=["DoP"], name="Lead Person", browser=other_client)
    [card] = comment_cards(other_client, action)
    answer_url = card.select_one("a[href$='/answer']")["href"]
    response = post_form(other_client, answer_url, body="Recruitment slipped; two therapists start in May.")
    assert response.status_code == 302
    [card] = comment_cards(client, action)
    assert "Board challenge Answered" in normalise_spaces(card.select_one("h3"))
    assert "two therapists start in May" in normalise_spaces(card.select_one(".app-answer"))


def test_a_lead_of_another_action_cannot_answer(client, login_as, plan):
    action = plan["action"]
    login_as("viewer")
    post_form(client, f"/actions/{action.id}/comments/new", body="Why?", is_challenge="y")
    challenge_id = db.session.scalar(select(ActionComment.id))
    login_as("lead", roles=["SRO"])  # leads the priority, not this action
    assert client.get(f"/actions/{action.id}/comments/{challenge_id}/answer").status_code == 403


def test_editing_a_comment_adds_a_version_and_shows_the_earlier_one(client, other_client, login_as, plan):
    action = plan["action"]
    login_as("viewer")
    post_form(client, f"/actions/{action.id}/comments/new", body="First thoughts")
    comment_id = db.session.scalar(select(ActionComment.id))
    response = post_form(client, f"/actions/{action.id}/comments/{comment_id}/edit", body="Second thoughts")
    assert response.status_code == 302
    [card] = comment_cards(client, action)
    text = normalise_spaces(card)
    assert "Second thoughts" in text
    assert "Edited: 1 earlier version" in text
    assert "First thoughts" in normalise_spaces(card.select_one("details"))
    assert [c.body for c in db.session.scalars(select(ActionComment).order_by(ActionComment.id))] == [
        "First thoughts",
        "Second thoughts",
    ]
    login_as("viewer", browser=other_client)
    assert other_client.get(f"/actions/{action.id}/comments/{comment_id}/edit").status_code == 404


def test_an_empty_comment_is_refused_with_a_reason(client, login_as, plan):
    login_as("viewer")
    page = page_of(post_form(client, f"/actions/{plan['action'].id}/comments/new", body="  "))
    assert [normalise_spaces(a) for a in page.select(".govuk-error-summary a")] == ["Enter a comment"]
    assert db.session.scalar(select(ActionComment.id)) is None


def test_open_challenges_are_on_the_leads_my_actions(client, other_client, login_as, plan):
    action = plan["action"]
    login_as("viewer")
    post_form(client, f"/actions/{action.id}/comments/new", body="Why?", is_challenge="y")
    post_form(client, f"/actions/{action.id}/comments/new", body="Just a note")
    login_as("lead", roles=["DoP"], browser=other_client)
    page = page_of(other_client.get("/my-actions"))
    row = page.select_one("tr[data-action-ref='1.1.1']")
    assert normalise_spaces(row.select_one(".app-open-challenges")) == "1 open board challenge on action 1.1.1"


def test_a_plan_with_a_comment_is_not_deleted_as_a_wrong_import(client, login_as, plan):
    from wsoa.models import ImportBatch
    from wsoa.services.plan_archive import removal

    db.session.add(ImportBatch(plan_id=plan["plan"].id, file_name="plan.xlsx", file_hash="0" * 64))
    db.session.commit()
    assert removal(plan["plan"]).refusal is None  # a wrong import: nothing recorded since
    login_as("viewer")
    post_form(client, f"/actions/{plan['action'].id}/comments/new", body="A question")
    assert "1 change to the plan" in removal(plan["plan"]).refusal
