"""The project officer opens the chase list, sends one lead a reminder now, and sees it recorded."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests import update_round
from tests.browser.conftest import sign_in
from tests.factories import create_user
from wsoa.extensions import db

pytestmark = pytest.mark.browser
round_, mail = update_round.round_, update_round.mail


def test_officer_sends_a_reminder_now_and_sees_it_delivered(
    page, server_url, round_, mail, monkeypatch, assert_accessible
):
    monkeypatch.setattr("wsoa.views.notices.today", lambda: date(2021, 4, 12))
    create_user(level="editor", email="po@council.example", password=update_round.PASSWORD, name="Pat Officer")
    db.session.commit()
    sign_in(page, server_url, "po@council.example", update_round.PASSWORD)
    page.goto(f"{server_url}/plans/{round_['plan'].id}")
    page.get_by_role("link", name="Chase list: who still owes an update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chase list for Mar 21")
    ann = page.locator(f"#lead-{round_['ann'].id}")
    expect(ann).to_contain_text("1.1.1")
    expect(ann).to_contain_text("No update yet this review period")
    expect(page.locator(f"#lead-{round_['ann'].id}-notices")).to_have_text("None yet.")
    assert_accessible(page)

    ann.get_by_role("button", name="Send a reminder now to Ann Lead").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Reminder sent to ann@council.example.")
    notices = page.locator(f"#lead-{round_['ann'].id}-notices")
    expect(notices).to_contain_text("Reminder sent now")
    expect(notices).to_contain_text("Delivered")
    expect(ann.get_by_role("button", name="Send a reminder now to Ann Lead")).to_have_count(0)
    assert [r.to for r in mail.received] == [["ann@council.example"]]
    assert_accessible(page)
