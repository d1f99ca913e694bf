"""A lead signs in, sees their actions, records progress, and the plan overview reflects it."""

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
    create_user,
)
from wsoa.extensions import db

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture
def lead_plan(database):
    plan = create_plan(title="Testshire WSoA")
    create_role(code="DoP", title="Director of Partnerships", person="Claire Parker")
    create_role(code="DCS", title="Director of Children's Services", person="Karen Bradshaw")
    create_period(plan=plan, label="Q3 2021/22")
    priority = create_priority(plan=plan, number=1, title="Long waits for therapy", lead_role="DoP")
    for n, title in enumerate(("Recruit therapists", "Clear the waiting list", "Open a new clinic"), start=1):
        create_action(priority=priority, ref=f"1.1.{n}", title=title, lead="DoP", due_text="Mar 22")
    create_action(priority=priority, ref="1.1.9", title="Someone else's action", lead="DCS")
    create_user(level="lead", email="lead@example.org", password=PASSWORD, roles=["DoP"], name="Claire Parker")
    create_user(level="editor", email="officer@example.org", password=PASSWORD, name="Project Officer")
    db.session.commit()
    return plan


def save_update(page, rag_label: str, narrative: str):
    page.get_by_label(rag_label).check()
    page.get_by_label("Progress this period").fill(narrative)
    page.get_by_role("button", name="Save update").click()


def test_lead_updates_three_actions_and_the_overview_reflects_it(page, server_url, lead_plan, assert_accessible):
    sign_in(page, server_url, "lead@example.org", PASSWORD)
    expect(page).to_have_url(re.compile(r"/my-actions"))
    expect(page.locator("main")).to_contain_text("3 of 3 actions still to update")
    expect(page.locator("main")).not_to_contain_text("Someone else's action")
    assert_accessible(page)
    for ref, title, rag in (
        ("1.1.1", "Recruit therapists", "Green – on track"),
        ("1.1.2", "Clear the waiting list", "Red – off track"),
        ("1.1.3", "Open a new clinic", "Amber – at risk"),
    ):
        page.get_by_role("link", name=f"Update action {ref}").click()
        assert_accessible(page)
        if rag.startswith("Red"):
            page.get_by_label("Next steps").fill("Agency staff from next month")
            page.get_by_label(re.compile("Risks or barriers")).fill("Recruitment market; mitigated by agency cover")
        save_update(page, rag, f"Progress on {title.lower()}")
        page.goto(f"{server_url}/my-actions")
    expect(page.locator("main")).to_contain_text("0 of 3 actions still to update")
    page.goto(f"{server_url}/plans/{lead_plan.id}")
    row = page.locator("main tbody tr").first
    expect(row).to_contain_text("Long waits for therapy")
    # columns: red, amber, green, blue, not rated
    expect(row).to_contain_text(re.compile(r"1\s+1\s+1\s+0\s+1"))
    assert_accessible(page)


def test_the_update_form_can_be_completed_with_the_keyboard_alone(page, server_url, lead_plan):
    sign_in(page, server_url, "lead@example.org", PASSWORD)
    page.get_by_role("link", name="Update action 1.1.1").click()
    page.get_by_label("Green – on track").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    for _ in range(12):  # move on to the narrative box by keyboard only
        if page.evaluate("document.activeElement.id") == "narrative":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "narrative"
    page.keyboard.type("Two therapists appointed")
    page.get_by_role("button", name="Save update").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner, .govuk-summary-card").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Two therapists appointed")


def test_a_lead_cannot_open_another_leads_update_form(page, server_url, lead_plan):
    sign_in(page, server_url, "lead@example.org", PASSWORD)
    other = db.session.execute(db.text("select id from action where ref = '1.1.9'")).scalar()
    response = page.goto(f"{server_url}/actions/{other}/update")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have permission to do this")).to_be_visible()


def test_a_concurrent_edit_is_refused_with_the_explanation(open_page, server_url, lead_plan, assert_accessible):
    first = open_page("lead")
    second = open_page("officer")
    sign_in(first, server_url, "lead@example.org", PASSWORD)
    sign_in(second, server_url, "officer@example.org", PASSWORD)
    action_id = db.session.execute(db.text("select id from action where ref = '1.1.1'")).scalar()
    first.goto(f"{server_url}/actions/{action_id}/update")
    second.goto(f"{server_url}/actions/{action_id}/update")
    save_update(first, "Green – on track", "Lead's update")
    save_update(second, "Amber – at risk", "Officer's update")
    expect(second.locator(".govuk-error-summary")).to_contain_text("someone else changed this action")
    conflict = second.locator("#conflict")
    expect(conflict).to_contain_text("Saved by someone else while you were editing")
    expect(conflict).to_contain_text("Claire Parker")
    expect(conflict).to_contain_text("Lead's update")
    expect(second.get_by_label("Progress this period")).to_have_value("Officer's update")
    assert_accessible(second)  # the refused save: error summary, the other update and the form kept
