"""Recording a meeting in the app: a statement and an agreed action, the agreed action made a plan action, and the
next meeting's pack showing what became of it; statements are append-only; the pack page's queries stay few."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import create_action, create_update
from wsoa.extensions import db
from wsoa.models import Action, AgreedAction, AppendOnlyViolation, AuditEvent, Priority, SufficiencyStatement
from wsoa.services import meetings


def post(client, url: str, data: list[tuple[str, str]]):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data=MultiDict([("csrf_token", token), *data]))


def test_a_meeting_agrees_an_action_that_becomes_a_plan_action_and_the_next_pack_shows_what_became_of_it(
    client, login_as, built
):
    login_as("editor", name="Pat Officer", email="pat@example.org")
    one, two = db.session.scalars(
        select(Priority).where(Priority.plan_id == built.plan.id).order_by(Priority.number)
    ).all()
    response = post(
        client,
        f"/plans/{built.plan.id}/meetings/new",
        [("kind", "dfe_nhse"), ("held_on", "1"), ("held_on", "3"), ("held_on", "2022"), ("attendee_roles", "DCS")]
        + [("other_attendees", "DfE SEND adviser, NHS England"), ("decisions", "Recovery plan needed for waits")],
    )
    assert response.status_code == 302
    meeting_url = response.headers["Location"]
    page = page_of(client.get(meeting_url))
    assert "DCS – Director of Children's Services" in normalise_spaces(page.select_one("#attendees"))

    response = post(
        client,
        f"{meeting_url}/statements/new",
        [("priority", str(one.id)), ("verdict", "partly"), ("reasons", "Strategy agreed; recruitment slow")]
        + [("agreed_by", "DCS, DfE SEND adviser")],
    )
    assert response.status_code == 302
    response = post(
        client,
        f"{meeting_url}/agreed-actions/new",
        [("text", "Publish a waits recovery plan"), ("priority", str(two.id))],
    )
    assert response.status_code == 302
    page = page_of(client.get(meeting_url))
    row = normalise_spaces(page.select_one("#agreed-actions tbody tr"))
    assert "Publish a waits recovery plan" in row
    assert "Not yet actioned" in row
    add = page.select_one("#agreed-actions a.govuk-button")
    assert add.text.startswith("Add to the plan")

    form = page_of(client.get(add["href"]))
    assert form.select_one("#title").text == "Publish a waits recovery plan"
    response = post(
        client,
        add["href"],
        [("placement", f"p-{two.id}"), ("ref", "2.1.9"), ("title", "Publish a waits recovery plan")]
        + [("due_text", "Jun 22"), ("lead", "DoP")],
    )
    assert response.status_code == 302
    action = db.session.scalars(select(Action).where(Action.ref == "2.1.9")).one()
    assert (action.priority_id, action.due_end) == (two.id, date(2022, 6, 30))
    assert db.session.scalars(select(AgreedAction)).one().action_id == action.id
    assert client.get(add["href"]).status_code == 404, "an agreed action becomes a plan action once"
    page = page_of(client.get(meeting_url))
    assert "Action 2.1.9" in normalise_spaces(page.select_one("#agreed-actions tbody tr"))

    # Recorded before the next review (what a pack counts is what was known by the end of its meeting's day).
    create_update(
        action=action,
        period=built.q3,
        rag="amber",
        narrative="Draft with the ICB",
        created_at=datetime(2022, 7, 1, tzinfo=UTC),
    )
    db.session.commit()
    response = post(
        client,
        f"/plans/{built.plan.id}/meetings/new",
        [("kind", "dfe_nhse"), ("held_on", "1"), ("held_on", "9")] + [("held_on", "2022")],
    )
    next_url = response.headers["Location"]
    pack = page_of(client.get(f"{next_url}/review-pack"))
    cells = [normalise_spaces(td) for td in pack.select("#agreed-2 tbody td")]
    assert cells == ["Publish a waits recovery plan", "2.1.9 Publish a waits recovery plan", "Amber (at risk)"]
    heading = normalise_spaces(pack.select_one("#agreed-2").find_previous("h3"))
    assert heading == "Agreed at the last DfE and NHS England review (1 Mar 2022)"
    statements = [normalise_spaces(tr) for tr in pack.select("#statements-1 tbody tr")]
    assert statements[0].startswith("DfE and NHS England review, 1 Mar 2022 Partly Strategy agreed; recruitment slow")
    assert normalise_spaces(pack.select_one("#statement-1")) == "No statement recorded for this meeting yet."

    events = db.session.scalars(select(AuditEvent.event).order_by(AuditEvent.id)).all()
    for event in ("meeting.recorded", "meeting.statement_recorded", "meeting.action_agreed", "action.created"):
        assert event in events
    assert events[-2:] == ["meeting.action_added_to_plan", "meeting.recorded"]


def test_a_statement_is_never_edited_and_a_correction_keeps_the_first(built, review, officer):
    priority = meetings.priorities_of(built.plan.id)[0]
    first = meetings.add_statement(
        review, priority_id=priority.id, verdict="no", reasons="Too slow", agreed_by="DCS", user=officer
    )
    db.session.commit()
    first.verdict = "yes"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    meetings.add_statement(
        review, priority_id=priority.id, verdict="partly", reasons="Better", agreed_by="DCS", user=officer
    )
    db.session.commit()
    assert [s.verdict for s in db.session.scalars(select(SufficiencyStatement).order_by(SufficiencyStatement.id))] == [
        "no",
        "partly",
    ]


def test_a_missing_verdict_or_reason_is_shown_on_the_form_and_nothing_is_saved(client, login_as, built, review):
    login_as("editor")
    response = post(client, f"/meetings/{review.id}/statements/new", [("priority", "987654"), ("agreed_by", "DCS")])
    page = page_of(response)
    summary = normalise_spaces(page.select_one(".govuk-error-summary"))
    assert "Select yes, partly or no" in summary
    assert "Enter the reasons" in summary
    assert page.title.text.startswith("Error: ")
    assert db.session.scalars(select(SufficiencyStatement)).all() == []


def test_an_agreed_action_cannot_be_placed_in_another_plans_priority(client, login_as, built, review):
    login_as("editor")
    other = create_action(priority=_other_priority(), ref="9.1.1")
    agreed = meetings.add_agreed_action(review, text="Something", priority_id=None, user=_user())
    db.session.commit()
    url = f"/meetings/{review.id}/agreed-actions/{agreed.id}/add-to-plan"
    response = post(client, url, [("placement", f"p-{other.priority_id}"), ("ref", "1.1.9"), ("title", "Something")])
    assert "Select a priority or outcome" in normalise_spaces(page_of(response).select_one(".govuk-error-summary"))
    assert db.session.get(AgreedAction, agreed.id).action_id is None


def _other_priority():
    from tests.factories import create_plan, create_priority

    return create_priority(plan=create_plan(title="Another plan"), number=9)


def _user():
    from wsoa.models import User

    return db.session.scalars(select(User)).first()


def test_the_pack_page_runs_the_same_number_of_queries_however_many_actions_and_meetings(
    client, login_as, built, review, officer, count_queries
):
    login_as("viewer")
    url = f"/meetings/{review.id}/review-pack"
    page_of(client.get(url))  # warm the chart caches

    with count_queries() as few:
        page_of(client.get(url))
    priority = db.session.get(Priority, built.actions["1.1.1"].priority_id)
    for n in range(15):
        action = create_action(priority=priority, ref=f"1.1.{20 + n}", title=f"More work {n}")
        create_update(action=action, period=built.q2, rag="green")
        agreed = meetings.add_agreed_action(review, text=f"Agreed {n}", priority_id=priority.id, user=officer)
        agreed.action_id = action.id
        meetings.add_statement(
            review, priority_id=priority.id, verdict="yes", reasons="ok", agreed_by="DCS", user=officer
        )
    db.session.commit()
    with count_queries() as many:
        page_of(client.get(url))
    assert many() == few()


def test_a_wrong_import_with_a_meeting_recorded_is_no_longer_deletable(database, officer):
    from tests.services.test_plan_archive import small_import
    from wsoa.services import plan_archive

    plan = small_import()
    assert plan_archive.removal(plan).refusal is None
    meetings.record_meeting(plan, meetings.MeetingValues(kind="board", held_on=date(2021, 1, 20)), officer)
    db.session.commit()
    assert plan_archive.removal(plan).refusal is not None


def test_the_pack_of_a_plan_with_no_review_periods_says_so(client, login_as, officer):
    from tests.factories import create_plan, create_priority

    plan = create_plan(title="New plan")
    create_priority(plan=plan, number=1, title="Co-production")
    meeting = meetings.record_meeting(plan, meetings.MeetingValues(kind="board", held_on=date(2022, 1, 5)), officer)
    db.session.commit()
    login_as("viewer")
    page = page_of(client.get(f"/meetings/{meeting.id}/review-pack"))
    assert normalise_spaces(page.select_one("#history-1 tbody")) == "No review periods begun by the meeting."
    assert "Priority 1: Co-production" in normalise_spaces(page.select_one("#pack-priority-1 h2"))
    assert client.get(f"/meetings/{meeting.id}/review-pack?format=docx").status_code == 200
