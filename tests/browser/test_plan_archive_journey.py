"""An admin archives a plan, restores it, and deletes a wrong import, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import create_action, create_period, create_plan, create_priority, create_update, create_user
from wsoa.extensions import db
from wsoa.models import ImportBatch

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture
def plans(database):
    """A plan in use, and a wrong import nobody has touched."""
    for title, source in (("Testshire WSoA", "app"), ("Wrong workbook", "import")):
        plan = create_plan(title=title)
        priority = create_priority(plan=plan, number=1, title="Weak strategic leadership")
        action = create_action(priority=priority, ref="1.1.1", title="Review the SEND strategy")
        period = create_period(plan=plan, label="Nov 20")
        db.session.add(ImportBatch(plan_id=plan.id, file_name=f"{title}.xlsx", file_hash="c" * 64))
        create_update(action=action, period=period, rag="amber", source=source)
    create_user(level="admin", email="admin@example.org", password=PASSWORD)
    db.session.commit()


def open_structure(page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("link", name="Edit priorities and the plan's structure").click()


def test_admin_archives_and_restores_a_plan_then_deletes_a_wrong_import(page, server_url, plans, assert_accessible):
    sign_in(page, server_url, "admin@example.org", PASSWORD)
    open_structure(page, "Testshire WSoA")
    page.get_by_role("link", name="Archive this plan").click()
    expect(page.get_by_role("heading", name="Are you sure you want to archive this plan?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Archive this plan").click()

    expect(page).to_have_url(re.compile(r"/admin/plans/archived$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Plan Testshire WSoA archived.")
    expect(page.locator("#archived-plans tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name="Plans", exact=True).first.click()
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect(page.locator("main tbody")).not_to_contain_text("Testshire WSoA")

    page.get_by_role("link", name="Archived plans").click()
    page.get_by_role("button", name="Restore plan Testshire WSoA").click()
    expect(page.locator("#archived-plan")).to_have_count(0)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Plan Testshire WSoA restored.")

    # The plan in use cannot be deleted; the wrong import can.
    page.get_by_role("link", name="Edit priorities and the plan's structure").click()
    page.get_by_role("link", name="Delete this plan").click()
    expect(page.get_by_role("heading", name="You cannot delete this plan")).to_be_visible()
    expect(page.locator("#refusal")).to_contain_text("1 progress update has been recorded in the app")
    assert_accessible(page)

    page.get_by_role("link", name="Plans", exact=True).first.click()
    open_structure(page, "Wrong workbook")
    page.get_by_role("link", name="Delete this plan").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("Deleting removes the plan Wrong workbook")
    assert_accessible(page)
    page.get_by_role("button", name="Delete this plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Plan Wrong workbook deleted.")
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect(page.locator("main tbody")).to_contain_text("Testshire WSoA")
