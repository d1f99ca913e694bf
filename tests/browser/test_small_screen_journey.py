"""On a 375 px phone the pages a lead and an admin use most fit the screen, and every page an admin reaches from
the navigation passes axe. Run on the demo plan (66 actions, long titles, demo ratings), as people first see it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}
DEMO_PASSWORD = "demo-password-not-for-real-use"  # printed by `wsoa load-demo`


@pytest.fixture
def demo(app, database):
    result = app.test_cli_runner().invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def phone(new_context):
    return new_context(viewport=PHONE).new_page()


def follow_navigation(page, name: str) -> None:
    """On a phone the service navigation folds behind its Menu button."""
    page.wait_for_load_state()  # GOV.UK Frontend's script has made the Menu button work
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
    page.locator(".govuk-service-navigation").get_by_role("link", name=name).click()


def label_of(cell) -> str:
    """The column's name a stacked cell shows before its value (CSS generated content, which get_by_text misses)."""
    return cell.evaluate("cell => getComputedStyle(cell, '::before').content")


def within_the_screen(locator) -> bool:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_a_lead_on_a_phone_sees_my_actions_an_action_and_the_update_form_without_sideways_scroll(
    phone, server_url, demo, assert_accessible
):
    sign_in(phone, server_url, "dop@demo.example", DEMO_PASSWORD)
    follow_navigation(phone, "My actions")
    expect(phone.get_by_role("heading", name="My actions")).to_be_visible()
    assert not scrolls_sideways(phone), "My actions"
    first = phone.locator("main tbody tr").first
    assert within_the_screen(first.locator("[data-label=RAG]"))
    assert label_of(first.locator("[data-label=RAG]")) == '"RAG: "'
    assert within_the_screen(first.get_by_role("link", name="Update"))
    expect(phone.locator("#demo-data")).to_contain_text("demo data")
    assert phone.locator("main tbody .govuk-tag--yellow", has_text="Demo data").count() == 0
    assert_accessible(phone)

    first.get_by_role("link").first.click()
    expect(phone.get_by_role("heading", name="Update history")).to_be_visible()
    assert not scrolls_sideways(phone), "the action page"
    assert_accessible(phone)

    phone.get_by_role("button", name="Update progress").click()
    expect(phone.locator("form button", has_text="Save")).to_be_visible()
    assert not scrolls_sideways(phone), "the update form"
    assert_accessible(phone)


def test_an_admin_on_a_phone_reaches_every_navigation_page_accessibly_and_the_overview_fits(
    phone, server_url, demo, assert_accessible
):
    sign_in(phone, server_url, "admin@demo.example", DEMO_PASSWORD)
    phone.goto(f"{server_url}/")
    menu = phone.locator(".govuk-service-navigation")
    names = [name.strip() for name in menu.locator(".govuk-service-navigation__item").all_inner_texts()]
    assert names == ["My actions", "Plans", "Key roles", "Users", "Audit trail"]
    for name in names:
        follow_navigation(phone, name)
        expect(phone.locator("h1")).to_be_visible()
        assert_accessible(phone)

    phone.goto(f"{server_url}/")
    phone.get_by_role("link", name="Shropshire Local Area Written Statement of Action").click()
    expect(phone.get_by_role("heading", name="Priorities")).to_be_visible()
    assert not scrolls_sideways(phone), "the plan overview"
    first = phone.locator("main tbody tr").first
    for label in ("Red", "Amber", "Green", "Blue", "Not rated", "Actions"):
        cell = first.locator(f"[data-label='{label}']")
        assert within_the_screen(cell), label
        assert label_of(cell) == f'"{label}: "'
    assert_accessible(phone)

    first.get_by_role("link").first.click()  # the priority's page, then all the plan's actions
    expect(phone.get_by_role("heading", name="Outcomes", exact=True)).to_be_visible()
    assert not scrolls_sideways(phone), "a priority's page"
    phone.get_by_role("link", name="All actions").first.click()
    expect(phone.locator("#result-count")).to_contain_text("66 actions")
    assert not scrolls_sideways(phone), "the plan's actions"
