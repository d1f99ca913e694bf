"""The public progress page in a browser: the officer writes and approves a family summary, chooses a KPI and
publishes; a family reads it signed out, on a desktop and on a 375 px phone (axe clean, no sideways scroll); the
officer withdraws it and its address then finds nothing."""

from datetime import UTC, date, datetime
from decimal import Decimal

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
from wsoa.models import Kpi, KpiValue

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"
PHONE = {"width": 375, "height": 812}
SUMMARY = "Children now wait less for speech and language therapy, and families can ask for help by phone."


@pytest.fixture
def public_plan(database):
    plan = create_plan(title="Testshire Written Statement of Action with a long title to wrap on a phone")
    create_role(code="DCS", title="Director of Children's Services", person="Jo Bloggs")
    period = create_period(plan=plan, label="Q3 2021/22", start=date(2021, 10, 1), end=date(2026, 12, 31))
    priority = create_priority(plan=plan, number=1, title="Long waits for speech and language therapy", lead_role="DCS")
    for n, rag in enumerate(["blue", "green", "amber"], start=1):
        action = create_action(priority=priority, ref=f"1.1.{n}", title=f"Action {n}", lead="DCS")
        create_update(action=action, period=period, rag=rag, narrative="Internal narrative")
    kpi = Kpi(priority_id=priority.id, text="Children seen within 18 weeks", unit="%", target_value=Decimal(92))
    db.session.add(kpi)
    db.session.flush()
    for month, value in ((9, 61), (10, 66), (11, 72)):
        db.session.add(
            KpiValue(
                kpi_id=kpi.id,
                on=date(2021, month, 30),
                value=Decimal(value),
                created_at=datetime(2021, month, 30, tzinfo=UTC),
            )
        )
    create_user(level="editor", email="officer@example.org", password=PASSWORD, name="Pat Officer")
    db.session.commit()
    return plan


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_an_officer_publishes_a_family_summary_a_family_reads_it_signed_out_and_it_is_withdrawn(
    open_page, new_context, server_url, public_plan, assert_accessible
):
    officer = open_page("officer")
    sign_in(officer, server_url, "officer@example.org", PASSWORD)
    officer.goto(f"{server_url}/plans/{public_plan.id}")
    officer.get_by_role("link", name="Public page").click()
    expect(officer.locator("h1")).to_have_text("Public progress page")
    officer.get_by_role("link", name="Write the summary for families of priority 1").click()
    officer.get_by_label("Summary for families").fill(SUMMARY)
    assert_accessible(officer)
    officer.get_by_role("button", name="Save draft").click()
    expect(officer.locator(".app-public-text .govuk-tag")).to_have_text("Draft")
    assert_accessible(officer)
    officer.get_by_role("button", name="Approve for publishing").click()
    expect(officer.locator(".app-public-text .govuk-tag")).to_have_text("Approved")
    officer.get_by_label("Priority 1: Children seen within 18 weeks").check()
    officer.get_by_role("button", name="Save KPIs to publish").click()
    officer.get_by_role("link", name="Publish the public page").click()
    assert_accessible(officer)
    officer.get_by_role("button", name="Publish the public page").click()
    expect(officer.locator("#page-state")).to_contain_text("Published")
    address = officer.locator("#public-address").get_attribute("href")

    family = open_page("family")  # never signed in
    family.goto(f"{server_url}{address}")
    expect(family.locator("h1")).to_contain_text("Progress on Testshire")
    expect(family.locator("#summary-1")).to_have_text(SUMMARY)
    expect(family.locator("#shares-1")).to_contain_text("33%")
    expect(family.locator(".app-chart svg")).to_be_visible()
    expect(family.locator("table")).to_contain_text("72%")
    assert "Jo Bloggs" not in family.content()
    assert "Internal narrative" not in family.content()
    assert_accessible(family)

    phone = new_context(viewport=PHONE).new_page()
    phone.goto(f"{server_url}{address}")
    expect(phone.locator("#summary-1")).to_have_text(SUMMARY)
    assert not scrolls_sideways(phone), "the public page on a phone"
    assert_accessible(phone)
    phone.get_by_role("link", name="Printable version").click()
    expect(phone.locator("#summary-1")).to_have_text(SUMMARY)
    assert not scrolls_sideways(phone), "the printable version on a phone"
    assert_accessible(phone)

    officer.get_by_role("link", name="Withdraw the public page").click()
    assert_accessible(officer)
    officer.get_by_role("button", name="Withdraw the public page").click()
    expect(officer.locator("#page-state")).to_contain_text("Not published")
    response = family.goto(f"{server_url}{address}")
    assert response is not None
    assert response.status == 404
