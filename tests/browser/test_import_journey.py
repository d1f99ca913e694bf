"""The project officer imports the sample plan through upload, preview and confirm; a viewer can only read."""

import re

import pytest
from playwright.sync_api import expect

from config import IMPORTS_DIR
from tests.browser.conftest import sign_in
from tests.factories import create_user
from wsoa.extensions import db

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"
SAMPLE = IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx"


@pytest.fixture
def people(database):
    create_user(level="admin", email="admin@example.org", password=PASSWORD)
    create_user(level="viewer", email="board@example.org", password=PASSWORD)
    db.session.commit()


def test_admin_imports_the_sample_plan_with_a_preview_first(page, server_url, people, assert_accessible):
    sign_in(page, server_url, "admin@example.org", PASSWORD)
    page.get_by_role("button", name="Import a plan from Excel").click()
    assert_accessible(page)
    page.get_by_label("Excel workbook (.xlsx)").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name=re.compile("Check the import"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Nothing has been saved yet")
    expect(page.locator("main")).to_contain_text("Duplicate action ref 2.4.1")
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("66 actions added")
    expect(page.locator("main tbody tr")).to_have_count(7)  # six priorities and the total
    assert_accessible(page)


def test_a_viewer_browses_but_sees_no_way_to_change_anything(page, server_url, people, assert_accessible):
    from wsoa.importing.workbook import read_workbook
    from wsoa.services.imports import file_hash, import_parsed_plan

    content = SAMPLE.read_bytes()
    plan = import_parsed_plan(read_workbook(content), file_name="plan.xlsx", content_hash=file_hash(content)).plan
    db.session.commit()
    sign_in(page, server_url, "board@example.org", PASSWORD)
    page.goto(f"{server_url}/plans/{plan.id}")
    expect(page.get_by_role("button", name="Import a plan from Excel")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Inconsistent strategic leadership")).click()
    page.get_by_role("link", name="1.1.1").click()
    expect(page.get_by_role("link", name=re.compile("Update progress"))).to_have_count(0)
    assert_accessible(page)
    response = page.goto(f"{server_url}/plans/import")
    assert response.status == 403
