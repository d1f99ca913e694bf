"""A review meeting in a browser: the officer records it, a statement and an agreed action, adds the action to the
plan, and reads the review pack; every page axe clean."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_user
from wsoa.extensions import db

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture
def meeting_plan(database):
    plan = create_plan(title="Testshire WSoA")
    create_role(code="DCS", title="Director of Children's Services")
    create_period(plan=plan, label="Q3 2021/22")
    priority = create_priority(plan=plan, number=1, title="Long waits for therapy", lead_role="DCS")
    create_action(priority=priority, ref="1.1.1", title="Recruit therapists", lead="DCS", due_text="Mar 22")
    create_user(level="editor", email="officer@example.org", password=PASSWORD, name="Pat Officer")
    db.session.commit()
    return plan


def test_an_officer_records_a_review_and_turns_what_it_agreed_into_a_plan_action(
    open_page, server_url, meeting_plan, assert_accessible
):
    page = open_page("officer")
    sign_in(page, server_url, "officer@example.org", PASSWORD)
    page.goto(f"{server_url}/plans/{meeting_plan.id}/meetings")
    page.get_by_role("button", name="Record a meeting").click()
    page.get_by_label("DfE and NHS England review").check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2022")
    page.get_by_label("DCS – Director of Children's Services").check()
    page.get_by_label("Other attendees").fill("DfE SEND adviser")
    assert_accessible(page)
    page.get_by_role("button", name="Save meeting").click()
    expect(page.locator("h1")).to_have_text("DfE and NHS England review, 1 Mar 2022")

    page.get_by_role("link", name="Record a statement for priority 1").click()
    page.get_by_label("Partly").check()
    page.get_by_label("Reasons").fill("Recruitment under way; waits still long")
    page.get_by_label("Agreed by").fill("DCS, DfE SEND adviser")
    assert_accessible(page)
    page.get_by_role("button", name="Record statement").click()
    expect(page.locator("#statements")).to_be_visible()

    page.get_by_role("link", name="Add an agreed action").click()
    page.get_by_label("Action agreed").fill("Publish a waits recovery plan")
    page.get_by_label("Area of weakness").select_option(label="Priority 1: Long waits for therapy")
    page.get_by_role("button", name="Add agreed action").click()
    expect(page.locator("#agreed-actions")).to_contain_text("Not yet actioned")
    assert_accessible(page)

    page.locator("#agreed-actions").get_by_role("link", name="Add to the plan").click()
    page.get_by_label("Reference").fill("1.1.2")
    page.get_by_label("Completion date").fill("Jun 22")
    assert_accessible(page)
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#agreed-actions")).to_contain_text("Action 1.1.2")

    page.get_by_role("link", name="Review pack", exact=True).click()
    expect(page.locator("#statement-1")).to_contain_text("Partly")
    expect(page.locator("#agreed-this-meeting")).to_contain_text("1.1.2 Publish a waits recovery plan")
    assert_accessible(page)
