"""The overview, priority and action pages show the current period's progress and the honesty flags."""

from datetime import date

import pytest

from tests.conftest import normalise_spaces, page_of
from tests.factories import create_action, create_period, create_priority, create_role, create_update
from wsoa.extensions import db


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    for module in ("wsoa.views.plans", "wsoa.views.actions"):
        monkeypatch.setattr(f"{module}.today", lambda: date(2021, 3, 15))


@pytest.fixture
def plan(plan):
    """The shared Testshire plan (tests/conftest.py), with this file's roles, periods and actions."""
    create_role(code="DoP", person="Claire Parker")
    create_role(code="NO", person="Julia Dean")
    nov = create_period(plan=plan, label="Nov 20", current=False)
    mar = create_period(plan=plan, label="Mar 21")
    one = create_priority(plan=plan, number=1, title="Leadership")
    two = create_priority(plan=plan, number=2, title="Therapy waits")
    past_green = create_action(priority=one, ref="1.1.1", due_text="Dec 20", lead="DoP")
    create_update(action=past_green, period=mar, rag="green", source="demo")
    blue_bare = create_action(priority=one, ref="1.1.2", due_text="Dec 20", lead="DoP")
    create_update(action=blue_bare, period=mar, rag="blue")
    red_bare = create_action(priority=two, ref="2.1.1", due_text="Jun 21", lead="NO")
    create_update(action=red_bare, period=nov, rag="red")
    create_action(priority=two, ref="2.1.2", due_text="Jun 21", lead="NO/DoP")
    db.session.commit()
    return {
        "plan": plan,
        "one": one,
        "two": two,
        "past_green": past_green,
        "blue_bare": blue_bare,
        "red_bare": red_bare,
    }


def test_the_overview_counts_updates_names_outstanding_leads_and_totals_the_flags(client, login_as, plan):
    login_as("viewer")
    page = page_of(client.get(f"/plans/{plan['plan'].id}"))
    assert normalise_spaces(page.select_one("#period-progress-count")) == "2 of 4 actions updated for Mar 21."
    leads = [normalise_spaces(li) for li in page.select("#outstanding-leads li")]
    assert leads == ["NO (Julia Dean): 2 actions (2.1.1, 2.1.2)", "DoP (Claire Parker): 1 action (2.1.2)"]
    flags = {
        normalise_spaces(row.select_one("dt")): normalise_spaces(row.select_one("dd"))
        for row in page.select("#honesty-summary .govuk-summary-list__row")
    }
    assert flags == {
        "Green or Amber but past the completion date": "1",
        "Blue (complete) without evidence": "1",
        "Red without next steps or mitigation": "1",
        "Not updated this review period": "2",
    }


def test_the_priority_page_flags_each_action_and_labels_demo_data(client, login_as, plan):
    login_as("viewer")
    page = page_of(client.get(f"/priorities/{plan['one'].id}"))
    rows = {normalise_spaces(row.select_one("td")): row for row in page.select("main table tbody tr")}
    assert [li["data-flag"] for li in rows["1.1.1"].select("[data-flag]")] == ["past_due_but_on_track"]
    assert "Demo data" in normalise_spaces(rows["1.1.1"])
    assert "Check Rated Blue (complete) but no evidence is recorded" in normalise_spaces(rows["1.1.2"])
    assert normalise_spaces(page.select_one("#period-progress-count")) == "2 of 2 actions updated for Mar 21."


def test_the_action_page_shows_its_flags(client, login_as, plan):
    login_as("viewer")
    page = page_of(client.get(f"/actions/{plan['red_bare'].id}"))
    assert [li["data-flag"] for li in page.select("#honesty-flags [data-flag]")] == [
        "red_without_recovery",
        "not_updated",
    ]


def test_the_priority_page_names_only_its_own_leads_with_updates_outstanding(client, login_as, plan):
    create_action(priority=plan["one"], ref="1.1.3", due_text="Jun 21", lead="DCS")  # not in the glossary
    db.session.commit()
    login_as("viewer")

    two = page_of(client.get(f"/priorities/{plan['two'].id}"))
    assert normalise_spaces(two.select_one("#period-progress-count")) == "0 of 2 actions updated for Mar 21."
    assert [normalise_spaces(li) for li in two.select("#outstanding-leads li")] == [
        "NO (Julia Dean): 2 actions (2.1.1, 2.1.2)",
        "DoP (Claire Parker): 1 action (2.1.2)",
    ]

    one = page_of(client.get(f"/priorities/{plan['one'].id}"))
    assert normalise_spaces(one.select_one("#period-progress-count")) == "2 of 3 actions updated for Mar 21."
    assert [normalise_spaces(li.get_text()) for li in one.select("#outstanding-leads li")] == ["DCS: 1 action (1.1.3)"]

    # The plan's overview names every priority's leads together.
    overview = page_of(client.get(f"/plans/{plan['plan'].id}"))
    assert [normalise_spaces(li.get_text()) for li in overview.select("#outstanding-leads li")] == [
        "NO (Julia Dean): 2 actions (2.1.1, 2.1.2)",
        "DCS: 1 action (1.1.3)",
        "DoP (Claire Parker): 1 action (2.1.2)",
    ]


def test_a_priority_with_every_update_in_says_so_and_names_no_leads(client, login_as, plan):
    login_as("viewer")
    page = page_of(client.get(f"/priorities/{plan['one'].id}"))
    assert page.select_one("#outstanding-leads") is None
    assert "Every action due an update has one for Mar 21." in normalise_spaces(page.select_one("main"))
