"""Assurance before the board, in a browser: evidence, return, resubmit, sign-off, a challenge answered; axe clean."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_user
from wsoa.extensions import db

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def signed_plan(database):
    plan = create_plan(title="Testshire WSoA")
    plan.signoff_required = True
    create_role(code="DoP", title="Director of Partnerships")
    create_role(code="SRO", title="Senior responsible officer")
    create_period(plan=plan, label="Q3 2021/22")
    priority = create_priority(plan=plan, number=1, title="Long waits for therapy", lead_role="SRO")
    action = create_action(priority=priority, ref="1.1.1", title="Recruit therapists", lead="DoP", due_text="Mar 22")
    create_user(level="lead", email="lead@example.org", password=PASSWORD, roles=["DoP"], name="Claire Parker")
    create_user(level="lead", email="sro@example.org", password=PASSWORD, roles=["SRO"], name="Sam Officer")
    create_user(level="viewer", email="board@example.org", password=PASSWORD, name="Board Member")
    db.session.commit()
    return {"plan": plan, "action": action}


def test_evidence_return_resubmit_sign_off_and_a_challenge_answered(
    open_page, server_url, signed_plan, assert_accessible
):
    action_url = f"{server_url}/actions/{signed_plan['action'].id}"
    lead = open_page("lead")
    sign_in(lead, server_url, "lead@example.org", PASSWORD)
    lead.get_by_role("link", name="Update action 1.1.1").click()
    lead.get_by_label("Blue – complete").check()
    lead.get_by_label("Progress this period").fill("All four therapists in post")
    lead.get_by_label("Evidence", exact=True).fill("Recruitment panel minutes")
    lead.get_by_label("Evidence files").set_input_files(
        files=[{"name": "Panel minutes.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    assert_accessible(lead)
    lead.get_by_role("button", name="Save update").click()
    expect(lead.locator(".govuk-notification-banner--success")).to_contain_text("with 1 evidence file")
    expect(lead.locator("#evidence-files")).to_contain_text("Panel minutes.pdf")
    assert_accessible(lead)

    sro = open_page("sro")
    sign_in(sro, server_url, "sro@example.org", PASSWORD)
    sro.goto(action_url)
    sro.get_by_role("link", name=re.compile("Sign off or return")).click()
    assert_accessible(sro)
    sro.get_by_label("Return it to the lead").check()
    sro.get_by_label("Why is it being returned?").fill("Attach the signed contracts as well")
    sro.get_by_role("button", name="Save decision").click()
    expect(sro.locator(".govuk-notification-banner--success")).to_contain_text("returned to the lead")

    lead.goto(f"{server_url}/my-actions")
    expect(lead.locator(".app-returned")).to_contain_text("Attach the signed contracts as well")
    assert_accessible(lead)
    lead.get_by_role("link", name="Update action 1.1.1").click()
    lead.get_by_label("Blue – complete").check()
    lead.get_by_label("Progress this period").fill("All four in post; contracts attached")
    lead.get_by_label("Evidence", exact=True).fill("Contracts")
    lead.get_by_label("Evidence files").set_input_files(
        files=[{"name": "Contracts.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    lead.get_by_role("button", name="Save update").click()
    expect(lead.locator("main")).to_contain_text("Returned")  # the returned update stays in the history

    sro.goto(action_url)
    sro.get_by_role("link", name=re.compile("Sign off or return")).click()
    sro.get_by_label("Sign off: it can go to the board").check()
    sro.get_by_role("button", name="Save decision").click()
    expect(sro.locator(".app-sign-off").first).to_contain_text("Signed off")

    board = open_page("board")
    sign_in(board, server_url, "board@example.org", PASSWORD)
    board.goto(action_url)
    expect(board.get_by_role("link", name=re.compile("Sign off or return"))).to_have_count(0)
    board.get_by_role("link", name="Add a comment or board challenge").click()
    assert_accessible(board)
    board.get_by_label("Comment").fill("Are families seeing shorter waits yet?")
    board.get_by_label(re.compile("This is a board challenge")).check()
    board.get_by_role("button", name="Add comment").click()
    expect(board.locator(".app-comment")).to_contain_text("Open")
    assert_accessible(board)

    lead.goto(f"{server_url}/my-actions")
    expect(lead.locator(".app-open-challenges")).to_contain_text("1 open board challenge")
    lead.locator(".app-open-challenges a").click()
    lead.get_by_role("link", name=re.compile("Answer")).click()
    assert_accessible(lead)
    lead.get_by_label("Answer").fill("Waits fell from 30 to 18 weeks this quarter")
    lead.get_by_role("button", name="Answer challenge").click()
    expect(lead.locator(".app-comment")).to_contain_text("Answered")
    expect(lead.locator(".app-answer")).to_contain_text("18 weeks")
    assert_accessible(lead)

    board.goto(f"{server_url}/plans/{signed_plan['plan'].id}/reports")
    expect(board.locator("#evidence-list")).to_contain_text("Panel minutes.pdf; Contracts.pdf")
    expect(board.locator("#sign-off-note")).to_contain_text("1 of 1 update recorded for this period signed off")
    assert_accessible(board)
