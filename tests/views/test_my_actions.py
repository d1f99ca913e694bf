"""My actions: a lead's landing page, with what is still to update this period first."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import (
    create_action,
    create_period,
    create_plan,
    create_priority,
    create_role,
    create_update,
    create_user,
)
from wsoa.extensions import db
from wsoa.models import Action, ReviewPeriod
from wsoa.models.types import utcnow


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("wsoa.views.updates.today", lambda: date(2021, 3, 15))


@pytest.fixture
def plan(plan):
    """The shared Testshire plan (tests/conftest.py), with this file's roles, periods and actions."""
    create_role(code="DoP", title="Director of Partnerships", person="Claire Parker")
    create_role(code="DCS", person="Karen Bradshaw")
    create_role(code="NO", person="Julia Dean")
    nov = create_period(plan=plan, label="Nov 20", current=False)
    mar = create_period(plan=plan, label="Mar 21")
    priority = create_priority(plan=plan, number=1)
    updated = create_action(priority=priority, ref="1.1.1", title="Recruit therapists", due_text="Jun 21", lead="DoP")
    create_update(action=updated, period=nov, rag="amber")
    create_update(action=updated, period=mar, rag="green", narrative="Posts filled", source="demo")
    overdue = create_action(
        priority=priority, ref="1.1.2", title="Clear the backlog", due_text="Jan 21", lead="DoP/DCS"
    )
    create_update(action=overdue, period=nov, rag="red")
    soon = create_action(priority=priority, ref="1.1.3", title="Publish the strategy", due_text="Mar 21", lead="DoP")
    done = create_action(priority=priority, ref="1.1.4", title="Set up the board", due_text="Nov 20", lead="DoP")
    create_update(action=done, period=nov, rag="blue", evidence="Minutes")
    retired = create_action(priority=priority, ref="1.1.5", title="Old idea", lead="DoP")
    retired.retired_at = utcnow()
    create_action(priority=priority, ref="1.2.1", title="Not mine", lead="NO")
    db.session.commit()
    return {"plan": plan, "mar": mar, "updated": updated, "overdue": overdue, "soon": soon, "done": done}


def rows_of(page) -> list[str]:
    return [row["data-action-ref"] for row in page.select("main tbody tr")]


def test_a_lead_sees_the_actions_their_roles_lead_still_to_update_first(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    page = page_of(client.get("/my-actions"))
    assert rows_of(page) == ["1.1.2", "1.1.3", "1.1.1", "1.1.4"]
    assert normalise_spaces(page.select_one(".app-to-update-count")) == "2 of 4 actions still to update for Mar 21"
    assert "Actions led by DoP (Director of Partnerships)." in normalise_spaces(page.select_one("#roles-shown"))


def test_each_row_shows_due_dates_rag_flags_and_this_periods_status(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    page = page_of(client.get("/my-actions"))
    rows = {row["data-action-ref"]: normalise_spaces(row) for row in page.select("main tbody tr")}
    assert "Jan 21 (by 31 Jan 2021) Overdue" in rows["1.1.2"]
    assert "Red (Nov 20) To update" in rows["1.1.2"]
    assert "Rated Red (off track) but no next steps or mitigation recorded" in rows["1.1.2"]
    assert "Mar 21 (by 31 Mar 2021) Due soon" in rows["1.1.3"]
    assert "Not rated" in rows["1.1.3"]
    assert "Green (Mar 21) Updated" in rows["1.1.1"]
    # One notice for the page, not a tag under each demo rating.
    assert "Demo data" not in normalise_spaces(page.select_one("main table"))
    notice = normalise_spaces(page.select_one("#demo-data"))
    assert notice.startswith(f"Demo data 1 of these {len(rows)} ratings is demo data, loaded with the demo plan")
    assert "Blue (Nov 20) Complete" in rows["1.1.4"]
    update_links = [a["href"] for a in page.select("main tbody a") if a.text.startswith("Update")]
    assert update_links[0] == f"/actions/{plan['overdue'].id}/update"


def test_a_lead_with_no_roles_is_told_why_the_list_is_empty(client, login_as, plan):
    login_as("lead")
    page = page_of(client.get("/my-actions"))
    assert "You do not hold any lead roles yet" in normalise_spaces(page)
    assert page.select("main tbody tr") == []


def test_a_lead_cannot_use_the_role_filter_to_see_other_roles(client, login_as, plan):
    login_as("lead", roles=["NO"])
    page = page_of(client.get("/my-actions?role=DoP"))
    assert rows_of(page) == ["1.2.1"]
    assert page.select_one("select[name=role]") is None


@pytest.mark.parametrize("level", ["editor", "admin"])
def test_editors_and_admins_choose_a_role_and_can_reach_all_actions(client, login_as, plan, level):
    login_as(level)
    page = page_of(client.get("/my-actions"))
    assert [o["value"] for o in page.select("select[name=role] option")] == ["", "DCS", "DoP", "NO"]
    chosen = page_of(client.get("/my-actions?role=DCS"))
    assert rows_of(chosen) == ["1.1.2"]
    assert chosen.select_one(f"a[href='/plans/{plan['plan'].id}/actions']") is not None
    assert chosen.select_one("select[name=role] option[selected]")["value"] == "DCS"


def test_viewers_have_no_my_actions_page_or_link(client, other_client, login_as, plan):
    login_as("viewer")
    assert client.get("/my-actions").status_code == 403
    nav = [normalise_spaces(a) for a in page_of(client.get("/key-roles")).select(".govuk-service-navigation a")]
    assert "My actions" not in nav
    login_as("lead", browser=other_client, roles=["DoP"])
    nav = [normalise_spaces(a) for a in page_of(other_client.get("/key-roles")).select(".govuk-service-navigation a")]
    assert nav[0] == "My actions"


def test_without_a_current_period_there_is_nothing_to_update(client, login_as, plan):
    db.session.get(ReviewPeriod, plan["mar"].id).is_current = False
    db.session.commit()
    login_as("lead", roles=["DoP"])
    page = page_of(client.get("/my-actions"))
    assert "No review period is open for this plan" in normalise_spaces(page.select_one(".app-to-update-count"))
    assert not [a for a in page.select("main tbody a") if a.text.startswith("Update")]


def test_the_page_runs_a_fixed_number_of_queries(client, login_as, count_queries, database):
    def build(title: str, actions: int, code: str):
        plan = create_plan(title=title)
        create_role(code=code)
        period = create_period(plan=plan, label="Mar 21")
        priority = create_priority(plan=plan)
        for n in range(actions):
            action = create_action(priority=priority, lead=code)
            if n % 2:
                create_update(action=action, period=period, rag="green")
        db.session.commit()

    build("Small", 2, "S")
    build("Large", 80, "L")
    counts = []
    for code in ("S", "L"):
        login_as("lead", roles=[code])
        with count_queries() as counted:
            page_of(client.get("/my-actions"))
        counts.append(counted())
    assert counts[0] == counts[1]
    assert db.session.scalar(select(func.count()).select_from(Action)) == 82


@pytest.mark.parametrize(("level", "landing"), [("lead", "/my-actions"), ("editor", "/"), ("viewer", "/")])
def test_leads_land_on_my_actions_after_signing_in(client, database, level, landing):
    user = create_user(level=level, password="correct horse battery staple")
    db.session.commit()
    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in", data={"email": user.email, "password": "correct horse battery staple", "csrf_token": token}
    )
    assert response.headers["Location"] == landing


def test_a_next_page_still_wins_over_the_leads_landing_page(client, database):
    user = create_user(level="lead", password="correct horse battery staple")
    db.session.commit()
    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in?next=/key-roles",
        data={"email": user.email, "password": "correct horse battery staple", "csrf_token": token},
    )
    assert response.headers["Location"] == "/key-roles"
