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


def test_officer_corrects_a_columns_meaning_and_the_next_version_needs_no_choices(
    page, server_url, people, assert_accessible, tmp_path
):
    from sqlalchemy import select

    from tests.importing.corpus.build_corpus import unknown_headings
    from wsoa.models import Action, Plan

    workbook, _ = unknown_headings()
    first = tmp_path / "send-plan.xlsx"
    workbook.save(first)
    sign_in(page, server_url, "admin@example.org", PASSWORD)
    page.goto(f"{server_url}/plans/import")
    page.get_by_label("Excel workbook (.xlsx)").set_input_files(str(first))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name=re.compile("Check the import"))).to_be_visible()
    meaning = page.get_by_label("Meaning of column F on Priority 1")
    expect(meaning).to_have_value("progress")  # inferred: long text naming review periods
    assert_accessible(page)

    meaning.select_option(label="Success criteria")
    page.get_by_role("button", name="Preview again with these meanings").click()
    expect(page.locator("main")).to_contain_text("read with the meanings you chose")
    expect(page.get_by_label("Meaning of column F on Priority 1")).to_have_value("success_criteria")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("5 actions added")

    db.session.expire_all()
    plan = db.session.scalar(select(Plan))
    assert db.session.scalar(select(Action.success_criteria).where(Action.ref == "1.1.1")).startswith("In March 2020")

    workbook, _ = unknown_headings()
    workbook["Priority 1"].append(
        ["1.2.2", "Hold a launch event for the strategy", "HoSEND", "Jun 20", "Green", "Launch held in June 2020"]
    )
    second = tmp_path / "send-plan-v2.xlsx"
    workbook.save(second)
    page.goto(f"{server_url}/plans/import")
    page.get_by_label("Excel workbook (.xlsx)").set_input_files(str(second))
    page.get_by_label("Import into").select_option(label=plan.title)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("main")).to_contain_text("mapping confirmed when this plan was last imported")
    expect(page.get_by_label("Meaning of column F on Priority 1")).to_have_value("success_criteria")
    page.get_by_role("button", name="Confirm and import").click()  # no choice made this time
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 actions added")

    db.session.expire_all()
    assert db.session.scalar(select(Action.success_criteria).where(Action.ref == "1.2.2")) == "Launch held in June 2020"
