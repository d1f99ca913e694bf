"""Before a board meeting: the admin opens the next review period, the project officer (editor) chooses a period and
generates the board report as a page and in each download format, and a board member downloads it too."""

import re

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import pdf_to_text
from tests.factories import create_user
from tests.reports.plan_builder import build_report_plan
from wsoa.extensions import db
from wsoa.models import ReviewPeriod

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture
def report_plan(database):
    built = build_report_plan()
    create_user(level="admin", email="admin@example.org", password=PASSWORD, name="Plan Admin")
    create_user(level="editor", email="officer@example.org", password=PASSWORD, name="Project Officer")
    create_user(level="viewer", email="board@example.org", password=PASSWORD, name="Board Member")
    db.session.commit()
    return built


def fill_date(page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def download(page, link_name: str, tmp_path):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_the_admin_opens_the_next_review_period(page, server_url, report_plan, assert_accessible):
    sign_in(page, server_url, "admin@example.org", PASSWORD)
    page.goto(f"{server_url}/plans/{report_plan.plan.id}/review-periods")
    assert_accessible(page)
    page.get_by_role("button", name="Open a review period").click()
    page.get_by_label("Name").fill("Q4 2021/22")
    fill_date(page, "Start date", 1, 1, 2022)
    fill_date(page, "End date", 31, 12, 2021)  # before the start: refused, with what was typed kept
    page.get_by_role("button", name="Open review period").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("End date must be the same as or after the start date")
    expect(page.get_by_label("Name")).to_have_value("Q4 2021/22")
    assert_accessible(page)
    fill_date(page, "End date", 31, 3, 2022)
    page.get_by_role("button", name="Open review period").click()
    expect(page.locator("main")).to_contain_text("Q4 2021/22")
    assert_accessible(page)
    db.session.expire_all()
    current = db.session.query(ReviewPeriod).filter_by(plan_id=report_plan.plan.id, is_current=True).one()
    assert current.label == "Q4 2021/22"


def test_the_officer_generates_the_board_report_in_every_format(
    page, server_url, report_plan, assert_accessible, tmp_path
):
    sign_in(page, server_url, "officer@example.org", PASSWORD)
    page.goto(f"{server_url}/plans/{report_plan.plan.id}")
    page.get_by_role("link", name="Board report").first.click()
    main = page.locator("main")
    expect(main).to_contain_text("Q2 2021/22")  # the current period is shown first
    assert_accessible(page)

    page.get_by_text("Choose the period, comparison, priorities and format").click()
    page.get_by_label("Review period").select_option(label="Q2 2021/22")
    page.get_by_label("Compare with").select_option(label="Q1 2021/22")
    page.get_by_role("button", name="Show report").click()
    expect(page.locator("#report-summary-line")).to_contain_text("Q2 2021/22 compared with Q1 2021/22")
    expect(main).to_contain_text("Exceptions")
    for ref in ("1.1.1", "1.1.2", "2.1.3"):  # the red and amber actions as at Q2
        expect(main).to_contain_text(ref)
    assert_accessible(page)

    pdf = download(page, "Download the report as PDF", tmp_path)
    assert pdf.name.endswith("q2-2021-22.pdf")
    text = pdf_to_text(pdf.read_bytes(), "-layout")
    assert "Q2 2021/22" in text
    assert "Testshire Written Statement of Action" in text

    word = download(page, "Download the report as Word", tmp_path)
    document = Document(str(word))
    assert any("Q2 2021/22" in paragraph.text for paragraph in document.paragraphs)
    assert len(document.tables) > 3

    excel = download(page, "Download the report as Excel", tmp_path)
    workbook = load_workbook(excel, read_only=True)
    assert len(workbook.sheetnames) > 3

    # The same report for a past period, chosen through the form's format buttons
    page.get_by_text("Choose the period, comparison, priorities and format").click()
    page.get_by_label("Review period").select_option(label="Q1 2021/22")
    page.get_by_label("Compare with").select_option(label="The period before")
    page.get_by_label("Word").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Show report").click()
    assert re.search(r"q1-2021-22\.docx$", info.value.suggested_filename)


def test_a_board_member_downloads_the_report_but_cannot_open_a_period(page, server_url, report_plan, tmp_path):
    sign_in(page, server_url, "board@example.org", PASSWORD)
    page.goto(f"{server_url}/plans/{report_plan.plan.id}/reports")
    expect(page.locator("#report-summary-line")).to_contain_text("Q2 2021/22")
    pdf = download(page, "Download the report as PDF", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    response = page.goto(f"{server_url}/plans/{report_plan.plan.id}/review-periods/new")
    assert response.status == 403
