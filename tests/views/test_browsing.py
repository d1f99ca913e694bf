from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import normalise_spaces, page_of
from tests.factories import (
    create_action,
    create_outcome,
    create_period,
    create_plan,
    create_priority,
    create_role,
    create_update,
)
from wsoa.extensions import db
from wsoa.models import Action, ReviewPeriod


@pytest.fixture
def fixed_today(monkeypatch):
    for module in ("wsoa.views.plans", "wsoa.views.actions"):
        monkeypatch.setattr(f"{module}.today", lambda: date(2021, 3, 15))


@pytest.fixture
def small_plan(database):
    plan = create_plan(title="Testshire WSoA")
    create_role(code="DCS", title="Director of Children's Services", organisation="SC", person="Karen Bradshaw")
    create_role(code="DoP", title="Director of Partnerships", organisation="CCG", person="Claire Parker")
    nov, feb = create_period(plan=plan, label="Nov 20", current=False), create_period(plan=plan, label="Feb 21")
    one = create_priority(plan=plan, number=1, title="Weak strategic leadership", lead_role="DCS")
    two = create_priority(plan=plan, number=2, title="Long waits for speech and language therapy", lead_role="DoP")
    outcome = create_outcome(priority=one, ref="1.1", text="Leaders plan together")
    governance = create_action(
        priority=one,
        outcome=outcome,
        ref="1.1.1",
        section="Governance structure",
        title="Review the SEND strategy",
        due_text="Dec 20",
        lead="DoP/DCS",
    )
    create_update(action=governance, period=nov, rag="amber", narrative="Draft strategy out for consultation")
    create_update(action=governance, period=feb, rag="green", narrative="Strategy refreshed after engagement")
    create_action(
        priority=one,
        outcome=outcome,
        ref="1.1.2",
        section="Co-production",
        title="Publish the strategy",
        due_text="Jun 21",
        lead="DCS",
    )
    done = create_action(priority=two, ref="2.1.1", title="Recruit therapists", due_text="Oct 20 to Feb 21", lead="DoP")
    create_update(action=done, period=feb, rag="blue", narrative="All posts filled")
    late = create_action(priority=two, ref="2.1.2", title="Clear the waiting list", due_text="Jan 21", lead="DoP")
    create_update(action=late, period=feb, rag="red", narrative="Backlog still growing")
    db.session.commit()
    return {"plan": plan, "one": one, "two": two, "governance": governance, "late": late, "done": done}


def test_signed_out_visitors_are_sent_to_sign_in(client, small_plan):
    response = client.get(f"/plans/{small_plan['plan'].id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_overview_shows_each_priority_with_rag_counts_overdue_and_totals(client, login_as, small_plan, fixed_today):
    login_as("viewer")
    page = page_of(client.get(f"/plans/{small_plan['plan'].id}"))
    rows = [normalise_spaces(row) for row in page.select("main tbody tr")]
    # columns: no, priority, lead, red, amber, green, blue, not rated, overdue, actions
    assert rows[0] == "1 Weak strategic leadership DCS (Karen Bradshaw) 0 0 1 0 1 1 2"
    assert rows[1] == "2 Long waits for speech and language therapy DoP (Claire Parker) 1 0 0 1 0 1 2"
    assert rows[2] == "Total 1 0 1 1 1 2 4"
    assert "Current review period: Feb 21" in normalise_spaces(page)
    # Overdue today, which a board paper (overdue at its period's end) may count differently: it says so.
    assert normalise_spaces(page.select_one("#plan-figures")) == "4 actions · 2 overdue as at 15 Mar 2021 (today)"


def test_priority_page_groups_actions_by_outcome_and_section(client, login_as, small_plan, fixed_today):
    login_as("viewer")
    page = page_of(client.get(f"/priorities/{small_plan['one'].id}"))
    headings = [normalise_spaces(h) for h in page.select("main h3")]
    assert headings == ["1.1 Governance structure", "1.1 Co-production"]
    first = normalise_spaces(page.select("main tbody tr")[0])
    assert first.startswith("1.1.1 Review the SEND strategy Dec 20 (by 31 Dec 2020) Overdue")
    assert "DoP (Claire Parker), DCS (Karen Bradshaw) Green Strategy refreshed after engagement (Feb 21)" in first
    assert "Leaders plan together" in page.text


def test_action_page_shows_every_field_and_history_newest_first(client, login_as, small_plan, fixed_today):
    login_as("viewer")
    page = page_of(client.get(f"/actions/{small_plan['governance'].id}"))
    cards = [normalise_spaces(card.select_one("h3")) for card in page.select(".govuk-summary-card")]
    assert cards == ["Feb 21 · Green", "Nov 20 · Amber"]
    assert "Governance structure" in page.select_one(".govuk-caption-l").text


def test_rag_is_always_shown_with_its_word(client, login_as, small_plan, fixed_today):
    login_as("viewer")
    page = page_of(client.get(f"/priorities/{small_plan['two'].id}"))
    tags = [tag.text.strip() for tag in page.select("td strong.govuk-tag")]
    assert "Blue" in tags
    assert "Red" in tags


@pytest.mark.parametrize(
    ("query", "refs"),
    [
        ("", ["1.1.1", "1.1.2", "2.1.1", "2.1.2"]),
        ("?priority=2", ["2.1.1", "2.1.2"]),
        ("?lead=DCS", ["1.1.1", "1.1.2"]),
        ("?rag=none", ["1.1.2"]),
        ("?rag=red", ["2.1.2"]),
        ("?overdue=y", ["1.1.1", "2.1.2"]),
        ("?due_before=1/2/2021", ["1.1.1", "2.1.2"]),
        ("?due_before=1/1/2021", ["1.1.1"]),
        ("?lead=DoP&rag=blue", ["2.1.1"]),
    ],
)
def test_action_list_filters_from_the_url(client, login_as, small_plan, fixed_today, query, refs):
    login_as("viewer")
    page = page_of(client.get(f"/plans/{small_plan['plan'].id}/actions{query}"))
    assert [row.select_one("td").text.strip() for row in page.select("main tbody tr")] == refs


def test_a_bad_filter_value_is_explained_not_an_error_page(client, login_as, small_plan, fixed_today):
    login_as("viewer")
    page = page_of(client.get(f"/plans/{small_plan['plan'].id}/actions?due_before=whenever"))
    assert "Enter the due-before date as a real date" in page.select_one(".govuk-error-summary").text
    assert page.title.text.startswith("Error: ")


@pytest.mark.parametrize(
    "path",
    ["/plans/999999", "/priorities/999999", "/actions/999999", "/plans/999999/actions", "/plans/99999999999999999999"],
)
def test_unknown_ids_get_the_services_404_page(client, login_as, path):
    login_as("viewer")
    page = page_of(client.get(path), status=404)
    assert page.select_one("h1").text == "Page not found"


def test_key_roles_glossary_lists_codes_and_people(client, login_as, small_plan):
    login_as("viewer")
    page = page_of(client.get("/key-roles"))
    rows = [normalise_spaces(row) for row in page.select("main tbody tr")]
    assert "DCS Director of Children's Services SC Karen Bradshaw" in rows


# ----- demo data is labelled wherever a rating from it is shown ----------------------------------------------------


def rag_cells(page) -> dict[str, str]:
    """The action list as {ref: what its RAG cell says}."""
    return {
        normalise_spaces(row.select("td")[0]): normalise_spaces(row.select("td")[-1])
        for row in page.select("main tbody tr")
    }


@pytest.fixture
def demo_rated(small_plan):
    """Demo updates loaded over the plan: 1.1.2 and 2.1.2 are rated by one; 2.1.1's was superseded by a real one."""
    feb = db.session.scalars(select(ReviewPeriod).where(ReviewPeriod.label == "Feb 21")).one()
    publish = db.session.scalars(select(Action).where(Action.ref == "1.1.2")).one()
    create_update(action=publish, period=feb, rag="amber", narrative="Illustrative", source="demo")
    create_update(action=small_plan["late"], period=feb, rag="green", narrative="Illustrative", source="demo")
    create_update(action=small_plan["done"], period=feb, rag="red", narrative="Illustrative", source="demo")
    create_update(action=small_plan["done"], period=feb, rag="blue", narrative="All posts filled, checked")
    db.session.commit()
    return small_plan


def test_the_overview_says_when_some_ratings_are_demo_data(client, login_as, demo_rated, fixed_today):
    login_as("viewer")
    page = page_of(client.get(f"/plans/{demo_rated['plan'].id}"))
    notice = normalise_spaces(page.select_one("#demo-data"))
    assert notice.startswith("Demo data Some ratings on this page are demo data: 2 of 4 actions are rated by updates")
    assert "not reported by their leads" in notice
    assert page.select_one("#demo-data strong.govuk-tag").text == "Demo data"
    # The counts it warns about include the demo ratings.
    assert normalise_spaces(page.select("main tbody tr")[-1]) == "Total 0 1 2 1 0 2 4"


def test_the_action_list_tags_each_action_rated_by_demo_data(client, login_as, demo_rated, fixed_today):
    login_as("viewer")
    page = page_of(client.get(f"/plans/{demo_rated['plan'].id}/actions"))
    assert rag_cells(page) == {
        "1.1.1": "Green",
        "1.1.2": "Amber Demo data",
        "2.1.1": "Blue",
        "2.1.2": "Green Demo data",
    }
    assert [tag.text for tag in page.select("main tbody strong.govuk-tag--yellow")] == ["Demo data", "Demo data"]


def test_a_plan_without_demo_data_shows_no_demo_labels(client, login_as, small_plan, fixed_today):
    login_as("viewer")
    overview = page_of(client.get(f"/plans/{small_plan['plan'].id}"))
    assert overview.select_one("#demo-data") is None
    assert "demo data" not in normalise_spaces(overview.select_one("main")).lower()
    actions = page_of(client.get(f"/plans/{small_plan['plan'].id}/actions"))
    assert "Demo data" not in normalise_spaces(actions.select_one("main"))
    assert set(rag_cells(actions).values()) == {"Green", "Not rated", "Blue", "Red"}


def test_the_overview_reads_a_fixed_number_of_queries_with_or_without_demo_data(
    client, login_as, small_plan, fixed_today, count_queries
):
    login_as("viewer")
    path = f"/plans/{small_plan['plan'].id}"
    with count_queries() as counted:
        client.get(path)
    without_demo = counted()
    feb = db.session.scalars(select(ReviewPeriod).where(ReviewPeriod.label == "Feb 21")).one()
    for number in range(5):
        action = create_action(priority=small_plan["two"], ref=f"2.2.{number}", lead="DoP")
        create_update(action=action, period=feb, rag="amber", source="demo")
    db.session.commit()
    with count_queries() as counted:
        page = page_of(client.get(path))
    assert page.select_one("#demo-data")
    assert counted() == without_demo


# ----- the action page: confidence in its own words, evidence as safe links ----------------------------------------


def history_rows(page) -> list[dict[str, str]]:
    return [
        {
            normalise_spaces(row.select_one("dt")): normalise_spaces(row.select_one("dd"))
            for row in card.select(".govuk-summary-list__row")
        }
        for card in page.select(".govuk-summary-card")
    ]


def test_confidence_of_impact_is_shown_as_high_medium_or_low(client, login_as, small_plan, fixed_today):
    action = small_plan["late"]
    for confidence in ("red", "amber", "green"):
        create_update(action=action, rag="amber", narrative=f"Confidence {confidence}", confidence=confidence)
    db.session.commit()
    login_as("viewer")
    page = page_of(client.get(f"/actions/{action.id}"))
    shown = [row.get("Confidence of impact") for row in history_rows(page)]
    assert shown == ["High", "Medium", "Low", None]
    assert not {"Green", "Amber", "Red"} & {s for s in shown if s}


def test_evidence_addresses_are_links_and_nothing_else_is(client, login_as, small_plan, fixed_today):
    action = small_plan["late"]
    create_update(
        action=action,
        rag="blue",
        narrative="Done",
        evidence=(
            "Board minutes: https://example.org/minutes?item=5&v=2.\n"
            "javascript:alert(1) <script>alert('x')</script> <b>not bold</b>"
        ),
    )
    db.session.commit()
    login_as("viewer")
    response = client.get(f"/actions/{action.id}")
    page = page_of(response)
    evidence = next(
        row.select_one("dd")
        for row in page.select(".govuk-summary-list__row")
        if row.select_one("dt").text == "Evidence"
    )
    links = evidence.select("a")
    assert [(a["href"], a.text, a["class"]) for a in links] == [
        ("https://example.org/minutes?item=5&v=2", "https://example.org/minutes?item=5&v=2", ["govuk-link"])
    ]
    assert evidence.text == (
        "Board minutes: https://example.org/minutes?item=5&v=2.\n"
        "javascript:alert(1) <script>alert('x')</script> <b>not bold</b>"
    )
    assert not evidence.select("script, b")
    html = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(" in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    "path",
    [
        "/admin/plans/999999/edit",
        "/admin/plans/999999/structure",
        "/admin/plans/999999/delete",
        "/admin/priorities/999999/structure",
        "/admin/outcomes/999999/edit",
        "/admin/actions/999999/edit",
        "/admin/key-roles/999999/edit",
        "/kpis/999999",
        "/kpis/999999/values/new",
        "/priorities/999999/kpis/new",
        "/plans/999999/kpi-values/upload",
        "/plans/999999/chase-list",
        "/plans/999999/reminder-settings",
        "/plans/999999/reports",
        "/plans/999999/export.xlsx",
        "/plans/999999/review-periods",
        "/review-periods/999999/edit",
        "/users/999999",
    ],
)
def test_every_kind_of_missing_thing_gets_the_same_404_page(client, login_as, path):
    login_as("admin")
    page = page_of(client.get(path), status=404)
    assert page.select_one("h1").text == "Page not found"
