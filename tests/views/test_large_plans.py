"""Browsing pages on a large plan read a page of rows and a fixed number of queries, whatever the plan's size."""

from datetime import date

import pytest

from tests.conftest import normalise_spaces, page_of
from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_update
from wsoa.extensions import db
from wsoa.services import plans as plan_service


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr("wsoa.views.plans.today", lambda: date(2021, 3, 15))


def build_plan(actions: int, title: str) -> dict:
    """A plan whose actions are spread over two priorities, rated in turn, half of them updated this period."""
    plan = create_plan(title=title)
    create_role(code=f"R{actions}", person="A Lead")
    old = create_period(plan=plan, label="Nov 20", current=False)
    now = create_period(plan=plan, label="Feb 21")
    one = create_priority(plan=plan, number=1)
    create_priority(plan=plan, number=2)
    for n in range(actions):
        action = create_action(priority=one, ref=f"1.1.{n + 1}", due_text="Dec 20", lead=f"R{actions}")
        create_update(action=action, period=old, rag="amber")
        create_update(action=action, period=now if n % 2 else old, rag=("red", "green", "blue", None)[n % 4])
    db.session.commit()
    return {"plan": plan, "one": one}


@pytest.mark.parametrize(
    "path",
    [
        "/plans/{plan}",
        "/priorities/{one}",
        "/priorities/{one}?page=2",
        "/plans/{plan}/actions",
        "/plans/{plan}/actions?rag=red&overdue=y",
        "/plans/{plan}/actions?page=2",
    ],
)
def test_each_page_reads_the_same_number_of_queries_for_a_small_and_a_larger_plan(
    client, login_as, fixed_today, count_queries, monkeypatch, path
):
    monkeypatch.setattr(plan_service, "PRIORITY_PAGE_SIZE", 3)
    small, large = build_plan(8, "Small"), build_plan(40, "Large")
    login_as("viewer")
    counts = []
    for built in (small, large):
        url = path.format(plan=built["plan"].id, one=built["one"].id)
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        counts.append(counted())
    assert counts[0] == counts[1]


def test_a_long_priority_shows_one_page_of_actions_and_counts_them_all(client, login_as, fixed_today, monkeypatch):
    monkeypatch.setattr(plan_service, "PRIORITY_PAGE_SIZE", 3)
    built = build_plan(8, "Testshire WSoA")
    login_as("viewer")
    first = page_of(client.get(f"/priorities/{built['one'].id}"))
    assert [normalise_spaces(row.select_one("td")) for row in first.select("main table tbody tr")] == [
        "1.1.1",
        "1.1.2",
        "1.1.3",
    ]
    assert normalise_spaces(first.select_one("#actions-shown")) == "Actions 1 to 3 of 8"
    # The distribution and this period's progress count all eight actions, not only the page's three.
    assert "Red 2 · Amber 0 · Green 2 · Blue 2 · Not rated 2" in normalise_spaces(first)
    assert normalise_spaces(first.select_one("#period-progress-count")).startswith("4 of 6 actions updated for Feb 21")
    assert first.select_one(".govuk-pagination__next a")["href"].endswith("?page=2#actions")

    last = page_of(client.get(f"/priorities/{built['one'].id}?page=3"))
    assert [normalise_spaces(row.select_one("td")) for row in last.select("main table tbody tr")] == ["1.1.7", "1.1.8"]
    assert normalise_spaces(last.select_one("#actions-shown")) == "Actions 7 to 8 of 8"
    assert last.select_one(".govuk-pagination__next") is None
    # Each row's checks are its own: 1.1.7 is Blue with no evidence; 1.1.8, updated and not rated, raises none.
    flags = [[li["data-flag"] for li in row.select("[data-flag]")] for row in last.select("main table tbody tr")]
    assert flags == [["blue_without_evidence"], []]


def test_a_page_number_past_the_end_shows_the_last_page(client, login_as, fixed_today, monkeypatch):
    monkeypatch.setattr(plan_service, "PRIORITY_PAGE_SIZE", 3)
    built = build_plan(4, "Testshire WSoA")
    login_as("viewer")
    page = page_of(client.get(f"/priorities/{built['one'].id}?page=99"))
    assert [normalise_spaces(row.select_one("td")) for row in page.select("main table tbody tr")] == ["1.1.4"]


def test_a_short_priority_has_no_pagination(client, login_as, fixed_today):
    built = build_plan(4, "Testshire WSoA")
    login_as("viewer")
    page = page_of(client.get(f"/priorities/{built['one'].id}"))
    assert len(page.select("main table tbody tr")) == 4
    assert page.select_one(".govuk-pagination") is None
    assert page.select_one("#actions-shown") is None


@pytest.mark.parametrize("page", ["999999999999999999999", "-3", "x"])
def test_any_page_number_in_the_address_gets_a_page_not_an_error(client, login_as, fixed_today, page):
    built = build_plan(4, "Testshire WSoA")
    login_as("viewer")
    assert client.get(f"/priorities/{built['one'].id}?page={page}").status_code == 200
    listing = client.get(f"/plans/{built['plan'].id}/actions?page={page}")
    assert listing.status_code == 200
