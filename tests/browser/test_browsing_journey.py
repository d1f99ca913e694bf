"""A board member signs in and browses the plan in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
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

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture
def plan_with_progress(database):
    plan = create_plan(title="Testshire WSoA")
    create_role(code="DCS", title="Director of Children's Services", person="Karen Bradshaw")
    period = create_period(plan=plan, label="Nov 20")
    priority = create_priority(plan=plan, number=1, title="Weak strategic leadership", lead_role="DCS")
    action = create_action(priority=priority, ref="1.1.1", title="Review the SEND strategy", lead="DCS")
    create_update(action=action, period=period, rag="amber", narrative="Draft out for consultation")
    create_user(level="viewer", email="board@example.org", password=PASSWORD)
    db.session.commit()
    return plan


def test_signed_out_visitor_is_asked_to_sign_in(page, server_url, assert_accessible):
    page.goto(f"{server_url}/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_accessible(page)


def test_wrong_password_shows_the_error_summary_with_focus(page, server_url, plan_with_progress, assert_accessible):
    sign_in(page, server_url, "board@example.org", "not the password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_board_member_browses_from_plan_to_action(page, server_url, plan_with_progress, assert_accessible):
    sign_in(page, server_url, "board@example.org", PASSWORD)
    expect(page.get_by_role("heading", name="Plans")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Testshire WSoA").click()
    expect(page.locator("main tbody tr").first).to_contain_text("Weak strategic leadership")
    assert_accessible(page)
    page.get_by_role("link", name="Weak strategic leadership").click()
    expect(page.locator("main tbody tr").first).to_contain_text("Amber")
    assert_accessible(page)
    page.get_by_role("link", name="1.1.1").click()
    expect(page.get_by_role("heading", name="Action 1.1.1")).to_be_visible()
    expect(page.locator(".govuk-summary-card").first).to_contain_text("Draft out for consultation")
    assert_accessible(page)
    page.locator(".govuk-breadcrumbs").get_by_role("link", name="Testshire WSoA").click()
    page.get_by_role("link", name="All actions").click()
    page.get_by_label("RAG rating").select_option("amber")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"rag=amber"))
    expect(page.locator("#result-count")).to_have_text("1 action matches these filters")
    assert_accessible(page)
