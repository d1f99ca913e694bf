"""Impact measures in the browser: a lead records a value for a KPI their role owns, a viewer only reads; every KPI page
passes axe."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import create_plan, create_priority, create_role, create_user
from wsoa.extensions import db
from wsoa.models import Kpi, KpiMilestone, KpiValue

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture
def kpi_plan(database):
    plan = create_plan(title="Testshire WSoA")
    salt = create_role(code="SALT SM", title="SALT service manager", person="Sam Jones")
    priority = create_priority(plan=plan, number=4, title="Waits for speech and language therapy")
    today = date.today()
    kpi = Kpi(
        priority_id=priority.id,
        name="Seen within 18 weeks",
        text="92% of children seen within 18 weeks of referral",
        unit="%",
        direction="higher",
        baseline_value=Decimal(14),
        baseline_date=today - timedelta(days=400),
        target_value=Decimal(92),
        target_date=today + timedelta(days=300),
        frequency="monthly",
        owner_role_id=salt.id,
    )
    db.session.add(kpi)
    db.session.flush()
    db.session.add(KpiMilestone(kpi_id=kpi.id, on=today - timedelta(days=30), value=Decimal(50)))
    db.session.add(
        KpiValue(kpi_id=kpi.id, on=today - timedelta(days=120), value=Decimal(30), note="From the SALT return")
    )
    create_user(level="lead", email="salt@example.org", password=PASSWORD, roles=["SALT SM"], name="Sam Jones")
    create_user(level="viewer", email="board@example.org", password=PASSWORD, name="Board Member")
    create_user(level="editor", email="officer@example.org", password=PASSWORD, name="Project Officer")
    db.session.commit()
    return {"plan": plan, "priority": priority, "kpi": kpi}


def test_a_lead_records_a_value_and_the_status_and_chart_follow(page, server_url, kpi_plan, assert_accessible):
    sign_in(page, server_url, "salt@example.org", PASSWORD)
    page.goto(f"{server_url}/priorities/{kpi_plan['priority'].id}")
    expect(page.locator("main")).to_contain_text("Seen within 18 weeks")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Seen within 18 weeks")).first.click()
    expect(page.locator("h1")).to_contain_text("Seen within 18 weeks")
    chart = page.locator("main svg").first
    expect(chart.locator("title").first).to_contain_text(re.compile("Seen within 18 weeks", re.I))
    rows_before = page.locator("main table tbody tr").count()
    assert_accessible(page)

    page.get_by_role("link", name="Record a value").click()
    assert_accessible(page)
    today = date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Value").fill("abc")
    page.get_by_label("Note (optional)").fill("Agency therapists cleared the backlog")
    page.get_by_role("button", name="Save value").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Value")
    expect(page.get_by_label("Note (optional)")).to_have_value("Agency therapists cleared the backlog")
    assert_accessible(page)  # the error state too

    page.get_by_label("Value").fill("95")
    page.get_by_role("button", name="Save value").click()

    expect(page.locator("h1")).to_contain_text("Seen within 18 weeks")
    expect(page.locator("main")).to_contain_text("Target met")
    expect(page.locator("main")).to_contain_text("Agency therapists cleared the backlog")
    assert page.locator("main table tbody tr").count() > rows_before
    assert_accessible(page)

    # A correction is a new entry: the value stands corrected, the full history keeps both.
    page.locator("#values tbody tr").filter(has_text="Agency therapists cleared the backlog").get_by_role(
        "link", name=re.compile(r"^Correct the value for")
    ).click()
    expect(page.locator("h1")).to_have_text("Correct a value")
    page.get_by_label("Value").fill("93")
    page.get_by_role("button", name="Save value").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("corrected")
    expect(page.locator("#values")).to_contain_text(re.compile(r"Corrected on .* \(was 95%\)"))
    history = page.locator("#history")
    history.locator("summary").click()
    expect(history).to_contain_text("Corrected 95% for")
    expect(history).to_contain_text("Replaced on")
    assert_accessible(page)  # the KPI page with a correction in its history, the history open


def test_a_viewer_reads_kpis_but_is_offered_no_way_to_change_them(page, server_url, kpi_plan, assert_accessible):
    sign_in(page, server_url, "board@example.org", PASSWORD)
    page.goto(f"{server_url}/kpis/{kpi_plan['kpi'].id}")
    expect(page.locator("h1")).to_contain_text("Seen within 18 weeks")
    expect(page.get_by_role("link", name="Record a value")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit KPI")).to_have_count(0)
    assert_accessible(page)
    response = page.goto(f"{server_url}/kpis/{kpi_plan['kpi'].id}/values/new")
    assert response.status == 403
    assert_accessible(page)


def test_the_officers_kpi_forms_pass_the_accessibility_check(page, server_url, kpi_plan, assert_accessible):
    sign_in(page, server_url, "officer@example.org", PASSWORD)
    page.goto(f"{server_url}/kpis/{kpi_plan['kpi'].id}/edit")
    expect(page.get_by_role("button", name="Save KPI")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Target value").fill("lots")
    page.get_by_role("button", name="Save KPI").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{server_url}/priorities/{kpi_plan['priority'].id}/kpis/new")
    assert_accessible(page)
    page.goto(f"{server_url}/plans/{kpi_plan['plan'].id}/kpi-values/upload")
    expect(page.get_by_role("button", name="Upload values")).to_be_visible()
    assert_accessible(page)
