"""What a page tells whom: the date problem only to those who can fix it, the account links in a landmark, and an
imported update said to be for its period and imported on a day, never written that day."""

import pytest

from tests.conftest import normalise_spaces, page_of
from tests.factories import create_action, create_period, create_priority, create_role, create_update
from wsoa.extensions import db


@pytest.fixture
def plan(plan):
    """The shared Testshire plan, with an action whose completion date is an inverted range."""
    create_role(code="DoP", person="Claire Parker")
    nov = create_period(plan=plan, label="Nov 20", current=False)
    create_period(plan=plan, label="Mar 21")
    priority = create_priority(plan=plan, number=1)
    action = create_action(priority=priority, ref="1.1.1", title="Recruit therapists", due_text="Jan 21 to Dec 20")
    action.lead = "DoP"
    create_update(action=action, period=nov, rag="red", narrative="Advert out", source="import")
    db.session.commit()
    return {"plan": plan, "action": action}


INVERTED = "Check date: 'Jan 21 to Dec 20' is an inverted range"


@pytest.mark.parametrize(("level", "shown"), [("admin", True), ("editor", True), ("lead", False), ("viewer", False)])
def test_the_inverted_range_warning_is_shown_only_to_those_who_can_change_the_date(
    client, login_as, plan, level, shown
):
    login_as(level, roles=["DoP"] if level == "lead" else ())
    for path in (f"/actions/{plan['action'].id}", f"/plans/{plan['plan'].id}/actions"):
        text = normalise_spaces(page_of(client.get(path)).select_one("main"))
        assert (INVERTED in text) is shown, (level, path)
        assert "Jan 21 to Dec 20" in text, "everyone still sees the date as written"


def test_the_signed_in_strip_is_inside_a_navigation_landmark(client, login_as, plan):
    login_as("viewer")
    page = page_of(client.get(f"/plans/{plan['plan'].id}"))
    strip = page.select_one("nav[aria-label='Your account']")
    assert strip is not None
    assert "Signed in as Test User (viewer)" in normalise_spaces(strip)
    assert strip.select_one("a[href='/account/change-password']").text == "Change password"
    assert strip.select_one("button").text.strip() == "Sign out"


def test_imported_progress_says_its_period_and_the_day_it_was_imported_not_recorded(client, login_as, plan):
    login_as("viewer")
    page = page_of(client.get(f"/actions/{plan['action'].id}"))
    card = page.select_one(".govuk-summary-card")
    assert normalise_spaces(card.select_one("h3")).startswith("Nov 20 · Red")
    row = normalise_spaces(card.select_one("[data-recorded]"))
    assert row.startswith("Imported Progress for Nov 20 from the plan's workbook, imported on ")
    assert "Recorded" not in normalise_spaces(card)
