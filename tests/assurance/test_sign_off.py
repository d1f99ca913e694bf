"""Sign-off of updates: who may sign off or return one, and what the lead then sees."""

from sqlalchemy import select

from tests.assurance.test_challenge import post_form
from tests.conftest import normalise_spaces, page_of
from tests.factories import create_update
from tests.mail_server import smtp_server
from wsoa.extensions import db
from wsoa.models import UpdateReview


def lead_update(plan, author):
    update = create_update(
        action=plan["action"], period=plan["period"], rag="blue", narrative="Done", author_id=author.id
    )
    db.session.commit()
    return update


def test_the_priority_lead_returns_an_update_with_a_reason_and_the_lead_sees_it(client, other_client, login_as, plan):
    lead = login_as("lead", roles=["DoP"])
    update = lead_update(plan, lead)
    login_as("lead", roles=["SRO"], name="Senior Officer", browser=other_client)
    refused = post_form(other_client, f"/updates/{update.id}/sign-off", decision="returned", reason="  ")
    assert [normalise_spaces(a) for a in page_of(refused).select(".govuk-error-summary a")] == [
        "Say why the update is being returned"
    ]
    response = post_form(
        other_client, f"/updates/{update.id}/sign-off", decision="returned", reason="Attach the audit report"
    )
    assert response.status_code == 302
    row = page_of(client.get("/my-actions")).select_one("tr[data-action-ref='1.1.1']")
    assert normalise_spaces(row.select_one(".app-returned")) == "Returned by Senior Officer: Attach the audit report"
    history = page_of(client.get(f"/actions/{plan['action'].id}")).select_one(f"#update-{update.id}")
    assert "Returned" in normalise_spaces(history.select_one(".app-sign-off"))  # the returned update stays


def test_nobody_signs_off_their_own_update_and_a_viewer_never_does(client, other_client, login_as, plan):
    editor = login_as("editor")
    update = lead_update(plan, editor)
    response = post_form(client, f"/updates/{update.id}/sign-off", decision="signed_off")
    assert response.status_code == 403
    assert "You recorded this update, so someone else must sign it off" in normalise_spaces(page_of(response, 403))
    login_as("viewer", browser=other_client)
    assert other_client.get(f"/updates/{update.id}/sign-off").status_code == 403
    assert db.session.scalar(select(UpdateReview.id)) is None


def test_a_lead_of_another_priority_cannot_sign_off_but_an_editor_can(client, other_client, login_as, plan):
    author = login_as("lead", roles=["DoP"])
    update = lead_update(plan, author)
    login_as("lead", roles=["NOPE"], browser=client)
    assert post_form(client, f"/updates/{update.id}/sign-off", decision="signed_off").status_code == 403
    login_as("editor", browser=other_client)
    assert post_form(other_client, f"/updates/{update.id}/sign-off", decision="signed_off").status_code == 302
    assert db.session.scalars(select(UpdateReview.decision)).all() == ["signed_off"]


def test_an_editor_switches_sign_off_on_for_a_plan(client, login_as, plan):
    login_as("editor")
    assert post_form(client, f"/plans/{plan['plan'].id}/sign-off", required="y").status_code == 302
    db.session.refresh(plan["plan"])
    assert plan["plan"].signoff_required is True


def test_a_returned_update_is_emailed_to_its_lead_by_the_next_send_reminders_run(
    app, client, other_client, login_as, plan, monkeypatch
):
    lead = login_as("lead", roles=["DoP"], email="lead@example.org")
    update = lead_update(plan, lead)
    login_as("lead", roles=["SRO"], name="Senior Officer", browser=other_client)
    post_form(other_client, f"/updates/{update.id}/sign-off", decision="returned", reason="Attach the audit report")
    with smtp_server() as (mail, port):
        for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False}.items():
            monkeypatch.setitem(app.config, key, value)
        first = app.test_cli_runner().invoke(args=["send-reminders"])
        assert first.exit_code == 0, first.output
        [email] = mail.to("lead@example.org")
        assert email.subject == "Your update on action 1.1.1 was returned: please update it again"
        assert "Why: Attach the audit report" in email.part("plain")
        assert f"/actions/{plan['action'].id}/update" in email.part("plain")
        app.test_cli_runner().invoke(args=["send-reminders"])
        assert len(mail.to("lead@example.org")) == 1  # never twice
