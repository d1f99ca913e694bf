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
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"Progress on action {ref} saved")
        if rag.startswith("Red"):
            assert_accessible(page)  # the action page with its success banner and a full update in its history
        page.goto(f"{server_url}/my-actions")
    expect(page.locator("main")).to_contain_text("0 of 3 actions still to update")
    page.goto(f"{server_url}/plans/{lead_plan.id}")
    row = page.locator("main tbody tr").first
    expect(row).to_contain_text("Long waits for therapy")
    # columns: red, amber, green, blue, not rated
    expect(row).to_contain_text(re.compile(r"1\s+1\s+1\s+0\s+1"))
    assert_accessible(page)


# GOV.UK Frontend's focus colour: its focus styles draw it as an outline, box-shadow or background.
FOCUS_YELLOW = "rgb(255, 221, 0)"

DESCRIBE_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "the page body";
    const label = el.labels && el.labels.length ? el.labels[0].innerText : el.innerText || el.value || "";
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${label.trim().slice(0, 40)}"`;
}"""


def focused_matches(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, what: str, *, backwards: bool = False, max_presses: int = 40) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches the selector, as a keyboard user would."""
    key = "Shift+Tab" if backwards else "Tab"
    passed = []
    for _ in range(max_presses):
        page.keyboard.press(key)
        if focused_matches(page, selector):
            return
        passed.append(page.evaluate(DESCRIBE_FOCUS))
    pytest.fail(f"{what} ({selector}) could not be reached with {max_presses} presses of {key}; focus went to {passed}")


def arrow_to(page, group: str, label: str) -> None:
    """With focus in a radio group, press the down arrow (which moves and selects) until the named radio is focused."""
    for _ in range(page.locator(f"input[type=radio][name={group}]").count()):
        if page.evaluate("() => document.activeElement.labels[0].innerText.trim()") == label:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"no radio labelled {label!r} in the {group!r} group could be reached with the arrow keys")


def focus_style(page) -> str:
    """What makes the focused control look focused: a radio's focus ring is drawn on its label's ::before."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const [target, pseudo] = el.type === "radio" ? [el.labels[0], "::before"] : [el, null];
            const style = getComputedStyle(target, pseudo);
            return [style.outlineStyle, style.outlineColor, style.boxShadow, style.backgroundColor].join(" | ");
        }"""
    )


def test_the_update_form_can_be_completed_with_the_keyboard_alone(page, server_url, lead_plan):
    sign_in(page, server_url, "lead@example.org", PASSWORD)
    action_id = db.session.execute(db.text("select id from action where ref = '1.1.1'")).scalar()
    page.goto(f"{server_url}/actions/{action_id}/update")
    expect(page.get_by_role("heading", name="Update progress")).to_be_visible()
    assert page.evaluate("document.activeElement === document.body")

    # From here on, only the keyboard.
    page.keyboard.press("Tab")
    assert focused_matches(page, ".govuk-skip-link"), f"the first Tab went to {page.evaluate(DESCRIBE_FOCUS)}"
    page.keyboard.press("Enter")  # skip the header, navigation and breadcrumbs

    tab_to(page, "input[type=radio][name=rag]", "the delivery RAG radios")
    arrow_to(page, "rag", "Green – on track")
    page.keyboard.press("Space")
    assert FOCUS_YELLOW in focus_style(page), f"the focused radio shows no GOV.UK focus style: {focus_style(page)}"

    tab_to(page, "input[type=radio][name=confidence]", "the confidence radios")
    arrow_to(page, "confidence", "Medium")
    tab_to(page, "textarea#narrative", "the progress narrative")
    assert FOCUS_YELLOW in focus_style(page), f"the narrative box shows no GOV.UK focus style: {focus_style(page)}"
    page.keyboard.type("Two therapists appointed")

    # Back up to change the confidence rating: Shift+Tab lands on the chosen radio, the arrows move on from it.
    tab_to(page, "input[type=radio][name=confidence]", "the confidence radios, going back", backwards=True)
    assert page.evaluate("document.activeElement.checked"), "Shift+Tab should land on the chosen confidence radio"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.labels[0].innerText.trim()") == "High"

    tab_to(page, "main form button[type=submit]", "the Save update button")
    assert page.evaluate("document.activeElement.innerText.trim()") == "Save update"
    assert FOCUS_YELLOW in focus_style(page), f"the focused button shows no GOV.UK focus style: {focus_style(page)}"
    page.keyboard.press("Space")

    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Progress on action 1.1.1 saved for Q3 2021/22: Green.")
    expect(page.get_by_role("heading", name="Action 1.1.1")).to_be_visible()
    history = page.locator(".govuk-summary-card").first
    expect(history).to_contain_text("Q3 2021/22")
    expect(history.locator(".govuk-tag")).to_have_text("Green")
    expect(history).to_contain_text(re.compile(r"Progress\s*Two therapists appointed"))
    expect(history).to_contain_text(re.compile(r"Confidence of impact\s*High"))
    expect(history).to_contain_text("by Claire Parker")


def test_after_the_skip_link_a_refused_save_still_puts_focus_on_the_error_summary(page, server_url, lead_plan):
    sign_in(page, server_url, "lead@example.org", PASSWORD)
    action_id = db.session.execute(db.text("select id from action where ref = '1.1.1'")).scalar()
    page.goto(f"{server_url}/actions/{action_id}/update")
    page.keyboard.press("Tab")
    assert focused_matches(page, ".govuk-skip-link"), f"the first Tab went to {page.evaluate(DESCRIBE_FOCUS)}"
    page.keyboard.press("Enter")
    tab_to(page, "main form button[type=submit]", "the Save update button")
    page.keyboard.press("Space")  # nothing chosen or typed: refused
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select a RAG rating")
    expect(summary).to_be_focused(timeout=2_000)


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
