"""Browser tests: the app served on loopback, driven by Debian's headless Chromium through Playwright."""

import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
# Without these Chromium tries to reach Google's services at start-up; this machine has no such network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
# The pages a test opened besides `page`, by name, for the screenshot-on-failure hook.
EXTRA_PAGES = pytest.StashKey[dict[str, Page]]()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free loopback port, in a thread, sharing the test database."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def server_url(live_server, database):
    """The live server's address, with the database emptied after the test."""
    return live_server


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core (WCAG 2.2 AA rules) on the page and fail with the violations listed."""

    def check(page):
        results = axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}},
        )
        violations = results.response["violations"]
        assert violations == [], results.generate_report()

    return check


@pytest.fixture
def open_page(new_context, request) -> Callable[[str], Page]:
    """Another person's browser: `open_page("officer")` gives a page in a context of its own (its own cookies, so its
    own sign-in). Screenshotted as `<test>-<name>.png` when the test fails, and closed when the test ends."""
    pages = request.node.stash.setdefault(EXTRA_PAGES, {})

    def open_(name: str) -> Page:
        assert re.fullmatch(r"[\w-]+", name), f"page names become file names: {name!r}"
        assert name not in pages, f"a page named {name!r} is already open"
        pages[name] = new_context().new_page()  # pytest-playwright's new_context closes it after the test
        return pages[name]

    return open_


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot of every page the test opened (`page` and those from `open_page`) when a browser test fails."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    pages = {}
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if page is not None:
        pages[item.name] = page
    pages.update({f"{item.name}-{name}": extra for name, extra in item.stash.get(EXTRA_PAGES, {}).items()})
    for file_name, each in pages.items():
        SCREENSHOTS.mkdir(exist_ok=True)
        try:
            each.screenshot(path=str(SCREENSHOTS / f"{file_name}.png"), full_page=True, timeout=10_000)
        except Exception:  # noqa: S112  (a failed screenshot must not hide the real failure, nor stop the others)
            continue


def sign_in(page, server_url: str, email: str, password: str) -> None:
    page.goto(f"{server_url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
