"""Admin editing of the plan's structure: what admins and editors can do and read, and what everyone else cannot."""

from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token_from, form_fields, normalise_spaces, page_of
from tests.factories import (
    create_action,
    create_outcome,
    create_period,
    create_priority,
    create_role,
    create_update,
)
from wsoa.extensions import db
from wsoa.models import Action, ActionLead, AuditEvent, Kpi, Outcome, Plan, Priority, Role, RoleHolder


@pytest.fixture
def plan(plan):
    """The shared Testshire plan (tests/conftest.py), with this file's roles, periods and actions."""
    create_role(code="DoP", title="Director of Partnerships", person="Claire Parker")
    create_role(code="NO", title="Nominated Officer", person="Julia Dean")
    create_period(plan=plan, label="Mar 21")
    one = create_priority(plan=plan, number=1, title="Weak strategic leadership", lead_role="DoP")
    two = create_priority(plan=plan, number=2, title="Long waits for therapy")
    outcome = create_outcome(priority=one, ref="1.1", text="Leaders plan together")
    first = create_action(priority=one, outcome=outcome, ref="1.1.1", title="Review the strategy", lead="DoP")
    second = create_action(priority=one, outcome=outcome, ref="1.1.2", title="Publish the strategy", lead="NO")
    db.session.commit()
    return {"plan": plan, "one": one, "two": two, "outcome": outcome, "first": first, "second": second}


def submit(browser, path: str, **answers):
    """Open the form, then post it as a person would: what was there, with these answers changed."""
    fields = [(name, value) for name, value in form_fields(browser.get(path)) if name not in answers]
    return browser.post(path, data=MultiDict(fields + list(answers.items())))


def post(browser, path: str, data: dict | None = None):
    """A button press: a POST with the CSRF token of any page of the service."""
    token = csrf_token_from(browser.get("/key-roles").get_data(as_text=True))
    return browser.post(path, data={"csrf_token": token, **(data or {})})


def errors_of(page) -> list[str]:
    return [normalise_spaces(a) for a in page.select(".govuk-error-summary a")]


def banner_of(page) -> str:
    banner = page.select_one(".govuk-notification-banner")
    return normalise_spaces(banner) if banner else ""


def audit_events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def table_rows(page, table_id: str) -> list[str]:
    return [normalise_spaces(row) for row in page.select(f"#{table_id} tbody tr")]


# ----- plans --------------------------------------------------------------------------------------------------------


def test_an_admin_creates_a_plan_and_lands_on_its_structure(client, login_as, database):
    admin = login_as("admin")
    response = submit(
        client,
        "/admin/plans/new",
        title="Testshire Accelerated Progress Plan",
        kind="accelerated_progress_plan",
        area="Testshire",
        status="draft",
    )
    (plan,) = db.session.scalars(select(Plan))
    assert (plan.title, plan.kind, plan.area, plan.status) == (
        "Testshire Accelerated Progress Plan",
        "accelerated_progress_plan",
        "Testshire",
        "draft",
    )
    assert response.headers["Location"] == f"/admin/plans/{plan.id}/structure"
    page = page_of(client.get(response.headers["Location"]))
    assert "Plan Testshire Accelerated Progress Plan created. Add its priorities next." in banner_of(page)
    assert "This plan has no priorities yet." in normalise_spaces(page)
    (created,) = audit_events("plan.created")
    assert (created.user_id, created.after["status"]) == (admin.id, "draft")


def test_the_new_plan_form_offers_every_kind_of_plan(client, login_as, database):
    login_as("admin")
    page = page_of(client.get("/admin/plans/new"))
    assert page.title.text.startswith("Create a plan")
    assert [normalise_spaces(label) for label in page.select("input[name=kind] + label")] == [
        "Written statement of action",
        "Accelerated progress plan",
        "Priority action plan",
        "SEND strategic plan",
        "Audit learning plan",
        "Other plan",
    ]
    assert page.select_one("input[name=kind][checked]")["value"] == "written_statement_of_action"
    assert page.select_one("input[name=status][checked]")["value"] == "active"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"title": "  "}, ["Enter a title for the plan"]),
        ({"kind": "made_up"}, ["Select the kind of plan"]),
        ({"inspection_date": ["31", "2", "2019"]}, ["Inspection date must be a real date"]),
        ({"inspection_date": ["11", "", "2019"]}, ["Inspection date must include a month"]),
    ],
)
def test_a_bad_plan_is_explained_keeps_what_was_typed_and_saves_nothing(client, login_as, database, answers, expected):
    login_as("admin")
    token = csrf_token_from(client.get("/admin/plans/new").get_data(as_text=True))
    data = MultiDict(
        [
            ("csrf_token", token),
            ("title", "Testshire plan"),
            ("kind", "priority_action_plan"),
            ("area", "Testshire"),
            ("status", "active"),
        ]
    )
    for name, value in answers.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    page = page_of(client.post("/admin/plans/new", data=data))
    assert page.title.text.startswith("Error: Create a plan")
    assert errors_of(page) == expected
    assert page.select_one("#area")["value"] == "Testshire"
    assert count(Plan) == 0
    assert count(AuditEvent) == 0


def test_a_crafted_plan_post_without_any_fields_is_a_page_of_errors_not_a_crash(client, login_as, database):
    login_as("admin")
    page = page_of(post(client, "/admin/plans/new"))
    assert errors_of(page) == ["Enter a title for the plan", "Select the kind of plan", "Select the plan’s status"]
    assert count(Plan) == 0


def test_an_admin_changes_the_plans_details(client, login_as, plan):
    login_as("admin")
    path = f"/admin/plans/{plan['plan'].id}/edit"
    assert page_of(client.get(path)).select_one("#title")["value"] == "Testshire WSoA"
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    data = MultiDict(
        [
            ("csrf_token", token),
            ("title", "Testshire WSoA 2020"),
            ("kind", "written_statement_of_action"),
            ("area", "Testshire"),
            ("status", "superseded"),
            ("inspection_date", "11"),
            ("inspection_date", "3"),
            ("inspection_date", "2019"),
        ]
    )
    response = client.post(path, data=data)
    assert response.status_code == 302
    stored = db.session.get(Plan, plan["plan"].id)
    db.session.refresh(stored)
    assert (stored.title, stored.status, stored.inspection_date) == (
        "Testshire WSoA 2020",
        "superseded",
        date(2019, 3, 11),
    )
    page = page_of(client.get(response.headers["Location"]))
    assert "Plan Testshire WSoA 2020 saved." in banner_of(page)
    details = normalise_spaces(page.select_one("#plan-details"))
    assert "Inspection date 11 Mar 2019" in details
    assert "Status Superseded" in details
    edited = audit_events("plan.edited")[-1]
    assert edited.before["title"] == "Testshire WSoA"
    assert edited.after == {"title": "Testshire WSoA 2020", "inspection_date": "2019-03-11", "status": "superseded"}


# ----- priorities ---------------------------------------------------------------------------------------------------


def test_the_structure_page_lists_priorities_in_order_with_what_hangs_off_them(client, login_as, plan):
    db.session.add(Kpi(priority_id=plan["one"].id, text="92% within 18 weeks"))
    db.session.commit()
    login_as("admin")
    page = page_of(client.get(f"/admin/plans/{plan['plan'].id}/structure"))
    assert page.title.text.startswith("Structure – Testshire WSoA")
    rows = table_rows(page, "priorities")
    assert rows[0].startswith("1 Weak strategic leadership DoP 1 2 1 Move down priority 1 Change priority 1")
    assert "Delete" not in rows[0]
    assert "Move up" not in rows[0]
    assert rows[1].startswith("2 Long waits for therapy — 0 0 0 Move up priority 2 Change priority 2 Delete priority 2")


def test_an_admin_adds_a_priority_numbered_next(client, login_as, plan):
    admin = login_as("admin")
    path = f"/admin/plans/{plan['plan'].id}/priorities/new"
    assert page_of(client.get(path)).select_one("#number")["value"] == "3"
    response = submit(client, path, title="Too many exclusions", lead_role="NO")
    priority = db.session.scalars(select(Priority).where(Priority.number == 3)).one()
    assert (priority.title, priority.lead_role) == ("Too many exclusions", "NO")
    assert response.headers["Location"] == f"/admin/priorities/{priority.id}/structure"
    assert "Priority 3 added." in banner_of(page_of(client.get(response.headers["Location"])))
    overview = page_of(client.get(f"/plans/{plan['plan'].id}"))
    assert "Too many exclusions" in normalise_spaces(overview.select("table")[0])
    assert audit_events("priority.created")[0].user_id == admin.id


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("", "Enter the priority number"),
        ("two", "Priority number must be a whole number, like 3"),
        ("0", "Priority number must be between 1 and 999"),
        ("2", "There is already a priority 2 in this plan"),
    ],
)
def test_a_bad_priority_number_is_explained_and_nothing_is_saved(client, login_as, plan, number, expected):
    login_as("admin")
    page = page_of(submit(client, f"/admin/priorities/{plan['one'].id}/edit", number=number))
    assert page.title.text.startswith("Error: Change priority 1")
    assert errors_of(page) == [expected]
    assert page.select_one("#number")["value"] == number
    assert db.session.scalar(select(Priority.number).where(Priority.id == plan["one"].id)) == 1
    assert count(AuditEvent) == 0


def test_an_admin_edits_a_priority_and_the_change_is_audited(client, login_as, plan):
    login_as("admin")
    response = submit(client, f"/admin/priorities/{plan['one'].id}/edit", title="Leadership", accountable_role="DoP")
    assert response.status_code == 302
    page = page_of(client.get(response.headers["Location"]))
    assert "Priority 1 saved." in banner_of(page)
    assert "Accountable senior officer role DoP" in normalise_spaces(page.select_one("#priority-details"))
    (edited,) = audit_events("priority.edited")
    assert (edited.before, edited.after) == (
        {"title": "Weak strategic leadership", "accountable_role": None},
        {"title": "Leadership", "accountable_role": "DoP"},
    )


def test_moving_a_priority_reorders_the_plan_overview(client, login_as, plan):
    login_as("admin")
    response = post(client, f"/admin/priorities/{plan['two'].id}/move-up")
    assert response.headers["Location"] == f"/admin/plans/{plan['plan'].id}/structure"
    assert "Priority 2 moved up." in banner_of(page_of(client.get(response.headers["Location"])))
    overview = page_of(client.get(f"/plans/{plan['plan'].id}"))
    first_column = [normalise_spaces(row.select("td")[0]) for row in overview.select("table")[0].select("tbody tr")]
    assert first_column[:2] == ["2", "1"]
    post(client, f"/admin/priorities/{plan['two'].id}/move-down")
    order = db.session.scalars(select(Priority.number).order_by(Priority.position))
    assert list(order) == [1, 2]
    assert [e.summary for e in audit_events("priority.moved")] == [
        "Priority 2 moved up to place 1 of 2",
        "Priority 2 moved down to place 2 of 2",
    ]


def test_a_priority_with_actions_cannot_be_deleted_and_the_admin_is_told_why(client, login_as, plan):
    login_as("admin")
    page = page_of(client.get(f"/admin/priorities/{plan['one'].id}/delete"))
    assert normalise_spaces(page.select_one("h1")) == "You cannot delete priority 1"
    assert "it has 2 actions" in normalise_spaces(page.select_one("#refusal"))
    assert not page.select("main form[method=post]")
    response = post(client, f"/admin/priorities/{plan['one'].id}/delete")
    page = page_of(client.get(response.headers["Location"]))
    assert "Priority 1 cannot be deleted because it has 2 actions." in normalise_spaces(
        page.select_one(".govuk-error-summary")
    )
    assert count(Priority) == 2
    assert audit_events("priority.deleted") == []


def test_an_empty_priority_is_deleted_after_asking(client, login_as, plan):
    login_as("admin")
    page = page_of(client.get(f"/admin/priorities/{plan['two'].id}/delete"))
    assert normalise_spaces(page.select_one("h1")) == "Are you sure you want to delete priority 2?"
    response = post(client, f"/admin/priorities/{plan['two'].id}/delete")
    assert "Priority 2 deleted." in banner_of(page_of(client.get(response.headers["Location"])))
    assert list(db.session.scalars(select(Priority.number))) == [1]
    (deleted,) = audit_events("priority.deleted")
    assert deleted.before["title"] == "Long waits for therapy"


# ----- outcomes -----------------------------------------------------------------------------------------------------


def test_an_admin_adds_edits_and_moves_outcomes(client, login_as, plan):
    login_as("admin")
    base = f"/admin/priorities/{plan['one'].id}"
    response = submit(client, f"{base}/outcomes/new", ref="1.2", text="Families say they are heard")
    assert response.headers["Location"] == f"{base}/structure"
    second = db.session.scalars(select(Outcome).where(Outcome.ref == "1.2")).one()
    submit(client, f"/admin/outcomes/{second.id}/edit", text="Families say they are listened to")
    post(client, f"/admin/outcomes/{second.id}/move-up")
    page = page_of(client.get(f"{base}/structure"))
    assert table_rows(page, "outcomes") == [
        "1.2 Families say they are listened to 0 Move down outcome 1.2 Change outcome 1.2 Delete outcome 1.2",
        "1.1 Leaders plan together 2 Move up outcome 1.1 Change outcome 1.1",
    ]
    priority_page = page_of(client.get(f"/priorities/{plan['one'].id}"))
    outcomes = priority_page.find("h2", string="Outcomes").find_next("dl")
    assert [normalise_spaces(dt) for dt in outcomes.select(".govuk-summary-list__key")] == ["1.2", "1.1"]
    assert [e.event for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        "outcome.created",
        "outcome.edited",
        "outcome.moved",
    ]


def test_a_bad_outcome_is_explained_and_nothing_is_saved(client, login_as, plan):
    login_as("admin")
    page = page_of(submit(client, f"/admin/priorities/{plan['one'].id}/outcomes/new", ref="", text="Typed text"))
    assert page.title.text.startswith("Error: Add an outcome")
    assert errors_of(page) == ["Enter a reference for the outcome, for example 1.2"]
    assert page.select_one("#text").text == "Typed text"
    assert count(Outcome) == 1


def test_an_outcome_in_use_cannot_be_deleted_but_an_unused_one_can(client, login_as, plan):
    login_as("admin")
    response = post(client, f"/admin/outcomes/{plan['outcome'].id}/delete")
    page = page_of(client.get(response.headers["Location"]))
    assert "Outcome 1.1 cannot be deleted because it has 2 actions." in normalise_spaces(page)
    unused = create_outcome(priority=plan["two"], ref="2.1")
    db.session.commit()
    response = post(client, f"/admin/outcomes/{unused.id}/delete")
    assert "Outcome 2.1 deleted." in banner_of(page_of(client.get(response.headers["Location"])))
    assert list(db.session.scalars(select(Outcome.ref))) == ["1.1"]


# ----- actions ------------------------------------------------------------------------------------------------------


def test_an_admin_adds_an_action_and_is_told_how_its_date_is_read(client, login_as, plan):
    login_as("admin")
    response = submit(
        client,
        f"/admin/priorities/{plan['one'].id}/actions/new",
        ref="1.1.3",
        outcome_id=str(plan["outcome"].id),
        title="Co-produce the local offer",
        due_text="Oct 20 to Feb 21",
        lead="DoP/NO",
        partners="PACC",
    )
    action = db.session.scalars(select(Action).where(Action.ref == "1.1.3")).one()
    assert response.headers["Location"] == f"/actions/{action.id}"
    page = page_of(client.get(response.headers["Location"]))
    assert banner_of(page).endswith("Action 1.1.3 added. Due 'Oct 20 to Feb 21' is read as by 28 Feb 2021.")
    assert "Lead DoP (Claire Parker), NO (Julia Dean)" in normalise_spaces(page.select_one(".govuk-summary-list"))
    assert (action.due_end, action.outcome_id, action.plan_id) == (
        date(2021, 2, 28),
        plan["outcome"].id,
        plan["plan"].id,
    )
    assert audit_events("action.created")[0].after["ref"] == "1.1.3"


def test_a_bad_new_action_is_explained_keeps_what_was_typed_and_saves_nothing(client, login_as, plan):
    login_as("admin")
    path = f"/admin/priorities/{plan['one'].id}/actions/new"
    page = page_of(submit(client, path, ref="1.1.3", title="", due_text="Spring term 2021", outcome_id="99999"))
    assert page.title.text.startswith("Error: Add an action")
    assert errors_of(page) == ["Select an outcome from the list", "Enter the action"]
    assert page.select_one("#due_text").text == "Spring term 2021"
    assert count(Action) == 2
    assert count(AuditEvent) == 0


def test_an_editor_edits_an_action_its_date_is_re_read_and_its_lead_re_linked(client, login_as, plan):
    editor = login_as("editor")
    action = plan["first"]
    path = f"/admin/actions/{action.id}/edit"
    form = page_of(client.get(path))
    assert form.title.text.startswith("Change action 1.1.1")
    assert form.select_one("input[name=version]")["value"] == "1"
    response = submit(client, path, due_text="Oct 20 to Feb 21", lead="NO", title="Review and refresh the strategy")
    assert response.headers["Location"] == f"/actions/{action.id}"
    page = page_of(client.get(response.headers["Location"]))
    assert banner_of(page).endswith("Action 1.1.1 saved. Due 'Oct 20 to Feb 21' is read as by 28 Feb 2021.")
    assert "Review and refresh the strategy" in normalise_spaces(page.select_one(".govuk-body-l"))
    db.session.expire_all()
    stored = db.session.get(Action, action.id)
    assert (stored.version, stored.due_end, stored.lead) == (2, date(2021, 2, 28), "NO")
    linked = db.session.scalars(
        select(Role.code).join(ActionLead, ActionLead.role_id == Role.id).where(ActionLead.action_id == action.id)
    )
    assert list(linked) == ["NO"]
    (edited,) = audit_events("action.edited")
    assert edited.user_id == editor.id
    assert (edited.before["lead"], edited.after["lead"]) == ("DoP", "NO")
    assert (edited.before["due_text"], edited.after["due_text"]) == ("Dec 20", "Oct 20 to Feb 21")


def test_an_unreadable_date_is_saved_as_written_and_flagged_back(client, login_as, plan):
    login_as("editor")
    response = submit(client, f"/admin/actions/{plan['first'].id}/edit", due_text="Jan 21 to Dec 20")
    page = page_of(client.get(response.headers["Location"]))
    assert "Due 'Jan 21 to Dec 20' has no due date. Check it: 'Jan 21 to Dec 20' is an inverted range" in banner_of(
        page
    )
    assert db.session.scalar(select(Action.due_text).where(Action.id == plan["first"].id)) == "Jan 21 to Dec 20"


def test_a_bad_action_edit_is_explained_keeps_what_was_typed_and_changes_nothing(client, login_as, plan):
    login_as("editor")
    page = page_of(submit(client, f"/admin/actions/{plan['first'].id}/edit", ref="", partners="Schools and PACC"))
    assert page.title.text.startswith("Error: Change action 1.1.1")
    assert errors_of(page) == ["Enter a reference for the action, for example 1.2.3"]
    assert page.select_one("#partners").text == "Schools and PACC"
    stored = db.session.execute(
        select(Action.ref, Action.partners, Action.version).where(Action.id == plan["first"].id)
    )
    assert stored.one() == ("1.1.1", None, 1)
    assert count(AuditEvent) == 0


def test_a_stale_edit_is_refused_showing_the_other_persons_change_and_keeping_what_was_typed(
    client, other_client, login_as, plan
):
    login_as("admin", name="Ada Admin")
    login_as("editor", browser=other_client, name="Eddie Editor")
    path = f"/admin/actions/{plan['first'].id}/edit"
    mine = [(n, v) for n, v in form_fields(client.get(path)) if n not in ("title", "due_text")]
    assert submit(other_client, path, due_text="Mar 21").status_code == 302  # they save first

    page = page_of(client.post(path, data=MultiDict([*mine, ("title", "My better wording"), ("due_text", "Dec 20")])))
    assert page.title.text.startswith("Error: Change action 1.1.1")
    assert errors_of(page) == [
        "Your changes were not saved because someone else changed this action while you were editing. "
        "Check their changes, then save again if yours are still right"
    ]
    conflict = normalise_spaces(page.select_one("#conflict"))
    assert "Eddie Editor" in conflict
    assert "Action 1.1.1 edited" in conflict
    assert "Completion date Was: Dec 20 Now: Mar 21" in conflict
    assert page.select_one("#title").text == "My better wording"
    assert page.select_one("input[name=version]")["value"] == "2"
    stored = db.session.execute(
        select(Action.title, Action.due_text, Action.version).where(Action.id == plan["first"].id)
    )
    assert stored.one() == ("Review the strategy", "Mar 21", 2)
    assert len(audit_events("action.edited")) == 1

    # Having seen their change, saving again is deliberate and works.
    response = client.post(path, data=MultiDict(form_fields(page)))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, plan["first"].id).title == "My better wording"


def test_moving_an_action_reorders_the_priority_page(client, login_as, plan):
    login_as("admin")
    response = post(client, f"/admin/actions/{plan['second'].id}/move-up")
    assert response.headers["Location"] == f"/admin/priorities/{plan['one'].id}/structure"
    page = page_of(client.get(response.headers["Location"]))
    assert "Action 1.1.2 moved up." in banner_of(page)
    assert [row.split(" ")[0] for row in table_rows(page, "actions")] == ["1.1.2", "1.1.1"]
    priority_page = page_of(client.get(f"/priorities/{plan['one'].id}"))
    refs = [normalise_spaces(row.select_one("td")) for row in priority_page.select("table tbody tr")]
    assert refs[:2] == ["1.1.2", "1.1.1"]
    assert audit_events("action.moved")[0].summary == "Action 1.1.2 moved up to place 1 of 2"


def test_retiring_an_action_takes_it_off_the_priority_page_and_it_can_be_reinstated(client, login_as, plan):
    login_as("admin")
    action = plan["second"]
    confirm = page_of(client.get(f"/admin/actions/{action.id}/retire"))
    assert normalise_spaces(confirm.select_one("h1")) == "Are you sure you want to retire action 1.1.2?"
    response = post(client, f"/admin/actions/{action.id}/retire")
    page = page_of(client.get(response.headers["Location"]))
    assert "Action 1.1.2 retired. It can be reinstated." in banner_of(page)
    assert "This action was retired on" in normalise_spaces(page.select_one(".govuk-warning-text"))
    assert "Reinstate action" in normalise_spaces(page.select_one("#action-admin"))
    assert "Publish the strategy" not in normalise_spaces(page_of(client.get(f"/priorities/{plan['one'].id}")))
    structure_rows = table_rows(page_of(client.get(f"/admin/priorities/{plan['one'].id}/structure")), "actions")
    assert "Retired" in structure_rows[1]
    assert "Reinstate action 1.1.2" in structure_rows[1]

    post(client, f"/admin/actions/{action.id}/reinstate")
    assert "Publish the strategy" in normalise_spaces(page_of(client.get(f"/priorities/{plan['one'].id}")))
    assert [e.event for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        "action.retired",
        "action.reinstated",
    ]
    assert count(Action) == 2


def test_an_action_with_history_keeps_it_through_edits(client, login_as, plan):
    create_update(action=plan["first"], rag="amber", narrative="Draft out for consultation")
    db.session.commit()
    login_as("admin")
    response = submit(client, f"/admin/actions/{plan['first'].id}/edit", ref="1.1.9")
    page = page_of(client.get(response.headers["Location"]))
    assert "Draft out for consultation" in normalise_spaces(page)
    assert "Amber" in normalise_spaces(page.select_one(".govuk-summary-card"))


# ----- key roles ----------------------------------------------------------------------------------------------------


def test_an_admin_adds_a_key_role_and_it_appears_in_the_glossary(client, login_as, plan):
    login_as("admin")
    response = submit(
        client,
        "/admin/key-roles/new",
        code="SALT SM",
        title="SALT service manager",
        organisation="Community trust",
        person="Sam Jones",
    )
    assert response.headers["Location"] == "/key-roles"
    page = page_of(client.get("/key-roles"))
    assert "Key role SALT SM added." in banner_of(page)
    rows = [normalise_spaces(row) for row in page.select("table tbody tr")]
    assert "SALT SM SALT service manager Community trust Sam Jones Move up SALT SM Change SALT SM" in rows
    assert audit_events("role.created")[0].after["person"] == "Sam Jones"


def test_a_hand_over_is_shown_in_the_roles_history(client, login_as, plan):
    login_as("admin")
    role = db.session.scalars(select(Role).where(Role.code == "DoP")).one()
    path = f"/admin/key-roles/{role.id}/edit"
    response = submit(client, path, person="Jo Bloggs")
    assert "Key role DoP saved." in banner_of(page_of(client.get(response.headers["Location"])))
    history = table_rows(page_of(client.get(path)), "holders")
    assert [row.split(" ")[:2] for row in history] == [["Claire", "Parker"], ["Jo", "Bloggs"]]
    assert history[0].startswith("Claire Parker Not recorded")
    assert history[1].endswith("Now")
    assert count(RoleHolder) == 2
    (edited,) = audit_events("role.edited")
    assert (edited.before, edited.after) == ({"person": "Claire Parker"}, {"person": "Jo Bloggs"})
    action_page = page_of(client.get(f"/actions/{plan['first'].id}"))
    assert "DoP (Jo Bloggs)" in normalise_spaces(action_page)


def test_a_duplicate_role_code_is_explained_and_nothing_is_saved(client, login_as, plan):
    login_as("admin")
    page = page_of(submit(client, "/admin/key-roles/new", code="dop", title="Another director"))
    assert page.title.text.startswith("Error: Add a key role")
    assert errors_of(page) == ["There is already a key role with the code DoP"]
    assert page.select_one("#title")["value"] == "Another director"
    assert count(Role) == 2
    assert count(AuditEvent) == 0


def glossary_codes(page) -> list[str]:
    return [normalise_spaces(row.select_one("td")) for row in page.select("#key-roles tbody tr")]


def role_id(code: str) -> int:
    return db.session.scalar(select(Role.id).where(Role.code == code))


def test_moving_a_key_role_reorders_the_glossary_and_is_audited(client, login_as, plan):
    create_role(code="CC", title="Chair of the parent carer forum")
    db.session.commit()
    login_as("admin")
    assert glossary_codes(page_of(client.get("/key-roles"))) == ["CC", "DoP", "NO"]

    response = post(client, f"/admin/key-roles/{role_id('NO')}/move-up")
    assert response.headers["Location"] == "/key-roles"
    page = page_of(client.get("/key-roles"))
    assert "Key role NO moved up." in banner_of(page)
    assert glossary_codes(page) == ["CC", "NO", "DoP"]
    post(client, f"/admin/key-roles/{role_id('CC')}/move-down")
    assert glossary_codes(page_of(client.get("/key-roles"))) == ["NO", "CC", "DoP"]
    # Everyone reads the glossary in the new order, not only the admin who moved it.
    assert glossary_codes(page_of(client.get("/key-roles"))) == ["NO", "CC", "DoP"]

    assert [(e.summary, e.before, e.after) for e in audit_events("role.moved")] == [
        ("Key role NO moved up to place 2 of 3", {"place": 3}, {"place": 2}),
        ("Key role CC moved down to place 2 of 3", {"place": 1}, {"place": 2}),
    ]
    assert {e.entity_id for e in audit_events("role.moved")} == {role_id("NO"), role_id("CC")}


def test_the_first_key_role_cannot_go_up_nor_the_last_down_and_the_admin_is_told(client, login_as, plan):
    login_as("admin")
    response = post(client, f"/admin/key-roles/{role_id('DoP')}/move-up")
    assert "Key role DoP is already first." in banner_of(page_of(client.get(response.headers["Location"])))
    response = post(client, f"/admin/key-roles/{role_id('NO')}/move-down")
    assert "Key role NO is already last." in banner_of(page_of(client.get(response.headers["Location"])))
    assert glossary_codes(page_of(client.get("/key-roles"))) == ["DoP", "NO"]
    assert audit_events("role.moved") == []


def test_admins_get_move_buttons_on_the_glossary_that_name_the_role(client, login_as, plan):
    login_as("admin")
    page = page_of(client.get("/key-roles"))
    forms = page.select("#key-roles form[method=post]")
    assert [(form["action"], normalise_spaces(form.select_one("button"))) for form in forms] == [
        (f"/admin/key-roles/{role_id('DoP')}/move-down", "Move down DoP"),
        (f"/admin/key-roles/{role_id('NO')}/move-up", "Move up NO"),
    ]
    hidden = [normalise_spaces(span) for span in page.select("#key-roles button .govuk-visually-hidden")]
    assert hidden == ["DoP", "NO"]


@pytest.mark.parametrize("level", ["editor", "lead", "viewer"])
def test_only_admins_may_move_a_key_role(client, login_as, plan, level):
    login_as(level, roles=["DoP"] if level == "lead" else [])
    assert not page_of(client.get("/key-roles")).select("form[action*='/move-']")
    for direction in ("up", "down"):
        assert post(client, f"/admin/key-roles/{role_id('NO')}/move-{direction}").status_code == 403
    assert audit_events("role.moved") == []
    assert glossary_codes(page_of(client.get("/key-roles"))) == ["DoP", "NO"]


# ----- who sees and may use what ------------------------------------------------------------------------------------


def admin_urls(app, plan) -> list[tuple[str, str]]:
    """(method, url) for every admin route, with real ids."""
    samples = {
        "plan_id": plan["plan"].id,
        "priority_id": plan["one"].id,
        "outcome_id": plan["outcome"].id,
        "action_id": plan["first"].id,
        "role_id": db.session.scalar(select(Role.id).where(Role.code == "DoP")),
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            _, url = rule.build({name: samples[name] for name in rule.arguments if name in samples})
            urls += [(method, url) for method in ("GET", "POST") if method in rule.methods]
    assert len(urls) >= 30
    return urls


@pytest.mark.parametrize("level", ["viewer", "lead"])
def test_viewers_and_leads_are_refused_every_admin_page_and_crafted_post(app, client, login_as, plan, level):
    login_as(level, roles=["DoP"] if level == "lead" else [])
    token = csrf_token_from(client.get("/key-roles").get_data(as_text=True))
    refused = {
        f"{method} {url}": client.open(
            url, method=method, data={"csrf_token": token, "title": "Forged", "ref": "9"}
        ).status_code
        for method, url in admin_urls(app, plan)
    }
    assert set(refused.values()) == {403}, refused
    assert count(AuditEvent) == 0
    assert db.session.scalar(select(Action.title).where(Action.id == plan["first"].id)) == "Review the strategy"


def test_an_editor_may_edit_an_action_but_not_the_structure(app, client, login_as, plan):
    login_as("editor")
    token = csrf_token_from(client.get("/key-roles").get_data(as_text=True))
    outcomes = {
        f"{method} {url}": client.open(url, method=method, data={"csrf_token": token}).status_code
        for method, url in admin_urls(app, plan)
    }
    allowed = {key for key, status in outcomes.items() if status != 403}
    assert allowed == {f"GET /admin/actions/{plan['first'].id}/edit", f"POST /admin/actions/{plan['first'].id}/edit"}
    assert db.session.scalar(select(Action.retired_at).where(Action.id == plan["first"].id)) is None


def test_signed_out_people_are_sent_to_sign_in(client, plan):
    response = client.get(f"/admin/plans/{plan['plan'].id}/structure")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/plans/987654/edit",
        "/admin/plans/987654/structure",
        "/admin/plans/987654/priorities/new",
        "/admin/priorities/987654/edit",
        "/admin/priorities/987654/structure",
        "/admin/priorities/987654/delete",
        "/admin/priorities/987654/outcomes/new",
        "/admin/priorities/987654/actions/new",
        "/admin/outcomes/987654/edit",
        "/admin/outcomes/987654/delete",
        "/admin/actions/987654/edit",
        "/admin/actions/987654/retire",
        "/admin/key-roles/987654/edit",
    ],
)
def test_unknown_ids_are_a_not_found_page(client, login_as, database, path):
    login_as("admin")
    page = page_of(client.get(path), status=404)
    assert "Page not found" in page.title.text
    if not path.endswith("/structure"):
        page_of(post(client, path), status=404)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/priorities/987654/move-up",
        "/admin/outcomes/987654/move-down",
        "/admin/actions/987654/move-up",
        "/admin/actions/987654/reinstate",
        "/admin/key-roles/987654/move-up",
        "/admin/key-roles/987654/move-down",
    ],
)
def test_unknown_ids_on_buttons_are_a_not_found_page(client, login_as, database, path):
    login_as("admin")
    page_of(post(client, path), status=404)


def test_admins_see_the_edit_links_on_the_plan_pages(client, login_as, plan):
    login_as("admin")
    overview = page_of(client.get(f"/plans/{plan['plan'].id}"))
    assert normalise_spaces(overview.select_one("#structure-links")) == (
        "Edit priorities and the plan's structure Change plan details"
    )
    priority = page_of(client.get(f"/priorities/{plan['one'].id}"))
    assert normalise_spaces(priority.select_one("#structure-links")) == "Edit outcomes and actions Add an action"
    action = page_of(client.get(f"/actions/{plan['first'].id}"))
    assert normalise_spaces(action.select_one("#action-admin")) == "Change action Retire action"
    roles = page_of(client.get("/key-roles"))
    assert roles.select_one("a[href='/admin/key-roles/new']")
    assert [normalise_spaces(a) for a in roles.select("table a")] == ["Change DoP", "Change NO"]


def test_editors_see_only_the_change_action_button(client, login_as, plan):
    login_as("editor")
    assert page_of(client.get(f"/plans/{plan['plan'].id}")).select_one("#structure-links") is None
    assert page_of(client.get(f"/priorities/{plan['one'].id}")).select_one("#structure-links") is None
    action = page_of(client.get(f"/actions/{plan['first'].id}"))
    assert normalise_spaces(action.select_one("#action-admin")) == "Change action"
    assert not page_of(client.get("/key-roles")).select("a[href^='/admin/']")


@pytest.mark.parametrize("level", ["viewer", "lead"])
def test_viewers_and_leads_see_no_edit_links(client, login_as, plan, level):
    login_as(level, roles=["DoP"] if level == "lead" else [])
    for path in (
        f"/plans/{plan['plan'].id}",
        f"/priorities/{plan['one'].id}",
        f"/actions/{plan['first'].id}",
        "/key-roles",
    ):
        page = page_of(client.get(path))
        assert not page.select("a[href^='/admin/']"), path
        assert not page.select("form[action^='/admin/']"), path
