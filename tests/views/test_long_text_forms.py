"""A form never refuses to save what the database already holds: long imported text, and numbers an import gave, can
be edited and saved."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.conftest import form_fields
from tests.factories import create_action, create_outcome, create_period, create_plan, create_priority, create_role
from wsoa.extensions import db
from wsoa.models import Action, Outcome, Plan, Priority, ReviewPeriod, Role
from wsoa.models.types import KEY_TEXT_LIMIT

LONG = ("Improve the local offer and tell families about it " * 40).strip()  # 2,039 characters, as a cell may hold
LONG_REF = "1" + ".1" * ((KEY_TEXT_LIMIT - 1) // 2)  # as long as a ref may be


def save_unchanged(client, path: str, **changes):
    fields = [(name, value) for name, value in form_fields(client.get(path)) if name not in changes]
    response = client.post(path, data=MultiDict(fields + list(changes.items())))
    assert response.status_code == 302, BeautifulSoup(response.get_data(as_text=True), "html5lib").select_one(
        ".govuk-error-summary"
    )
    db.session.expire_all()
    return response


@pytest.fixture
def imported(database):
    """A plan as an import may leave it: long text everywhere a workbook fills one."""
    plan = create_plan(title="Testshire WSoA " + LONG, area="Testshire")
    priority = create_priority(plan=plan, number=1, title=LONG, lead_role="DCS " + LONG)
    priority.accountable_role = "DoP " + LONG
    outcome = create_outcome(priority=priority, ref="1." + "1" * (KEY_TEXT_LIMIT - 2), text=LONG)
    action = create_action(
        priority=priority, ref=LONG_REF, title=LONG, due_text="Dec 20 " + LONG, lead="DCS " + LONG, section=LONG
    )
    role = create_role(code="R" * KEY_TEXT_LIMIT, title=LONG, organisation=LONG, person=LONG)
    period = create_period(plan=plan, label="Q4 " + "x" * 300, start=date(2021, 1, 1), end=date(2021, 3, 31))
    db.session.commit()
    return {"plan": plan, "priority": priority, "outcome": outcome, "action": action, "role": role, "period": period}


def test_a_plan_with_a_long_title_saves(client, login_as, imported):
    login_as("admin")
    save_unchanged(client, f"/admin/plans/{imported['plan'].id}/edit")
    assert db.session.scalar(select(Plan.title)) == "Testshire WSoA " + LONG


def test_a_priority_with_long_roles_saves(client, login_as, imported):
    login_as("admin")
    save_unchanged(client, f"/admin/priorities/{imported['priority'].id}/edit")
    priority = db.session.scalar(select(Priority))
    assert (priority.lead_role, priority.accountable_role) == ("DCS " + LONG, "DoP " + LONG)


@pytest.mark.parametrize("number", [0, 1000])
def test_a_priority_an_import_numbered_outside_1_to_999_saves_with_its_number(client, login_as, imported, number):
    imported["priority"].number = number
    db.session.commit()
    login_as("admin")
    save_unchanged(client, f"/admin/priorities/{imported['priority'].id}/edit", title="Leadership")
    assert db.session.execute(select(Priority.number, Priority.title)).one() == (number, "Leadership")


def test_an_outcome_with_a_ref_as_long_as_a_ref_may_be_saves(client, login_as, imported):
    login_as("admin")
    save_unchanged(client, f"/admin/outcomes/{imported['outcome'].id}/edit")
    assert db.session.scalar(select(Outcome.ref)) == "1." + "1" * (KEY_TEXT_LIMIT - 2)


def test_an_action_with_long_text_saves_and_a_change_is_kept_whole(client, login_as, imported):
    login_as("admin")
    save_unchanged(client, f"/admin/actions/{imported['action'].id}/edit", partners=LONG)
    action = db.session.scalar(select(Action))
    assert (action.ref, action.section, action.due_text, action.lead) == (
        LONG_REF,
        LONG,
        "Dec 20 " + LONG,
        "DCS " + LONG,
    )
    assert action.partners == LONG


def test_a_key_role_with_a_long_code_and_names_saves(client, login_as, imported):
    login_as("admin")
    save_unchanged(client, f"/admin/key-roles/{imported['role'].id}/edit")
    role = db.session.get(Role, imported["role"].id)
    assert (role.code, role.title, role.organisation, role.person) == ("R" * KEY_TEXT_LIMIT, LONG, LONG, LONG)


def test_a_review_period_with_a_long_name_saves(client, login_as, imported):
    login_as("admin")
    save_unchanged(client, f"/review-periods/{imported['period'].id}/edit")
    assert db.session.scalar(select(ReviewPeriod.label)) == "Q4 " + "x" * 300


def test_a_ref_longer_than_a_ref_may_be_is_explained_not_saved(client, login_as, imported):
    login_as("admin")
    path = f"/admin/actions/{imported['action'].id}/edit"
    fields = [(name, value) for name, value in form_fields(client.get(path)) if name != "ref"]
    response = client.post(path, data=MultiDict([*fields, ("ref", "1" + ".1" * KEY_TEXT_LIMIT)]))
    page = BeautifulSoup(response.get_data(as_text=True), "html5lib")
    assert response.status_code == 200
    assert "Reference must be 500 characters or fewer" in page.select_one(".govuk-error-summary").text
    db.session.expire_all()
    assert db.session.scalar(select(Action.ref)) == LONG_REF


def test_line_breaks_in_an_imported_lead_date_and_section_survive_an_edit_of_something_else(client, login_as, imported):
    action = imported["action"]
    action.section, action.due_text, action.lead = "Co-production\nwith PACC", "Dec 20\n(review Mar 21)", "DCS\nDoP"
    db.session.commit()
    login_as("admin")
    save_unchanged(client, f"/admin/actions/{action.id}/edit", title="Review the strategy with families")
    saved = db.session.scalar(select(Action))
    assert (saved.title, saved.section, saved.due_text, saved.lead) == (
        "Review the strategy with families",
        "Co-production\nwith PACC",
        "Dec 20\n(review Mar 21)",
        "DCS\nDoP",
    )
