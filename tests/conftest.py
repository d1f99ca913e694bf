"""Fixtures: one app and database per test session (migrated for real), rows deleted after each test."""

import contextvars
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from config import Test
from wsoa import create_app
from wsoa.extensions import db


def pytest_collection_modifyitems(items) -> None:
    """A browser test is a slow one: `pytest -m "not slow"` leaves every browser test out without each file saying so."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own session, `g` and signed-in user.

    The tests hold an app context of their own for factories and assertions; without this, Flask would reuse it for
    requests and two clients would share one `g` (and so one signed-in user and CSRF token).
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    config = Test()
    database_url = os.environ.get("WSOA_TEST_DATABASE_URL")
    if not database_url:
        # A file, not :memory:, so the browser tests' server thread sees the same database.
        import tempfile

        handle, path = tempfile.mkstemp(prefix="wsoa-test-", suffix=".sqlite")
        os.close(handle)
        database_url = f"sqlite:///{path}"
    config.SQLALCHEMY_DATABASE_URI = database_url
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _drop_everything()
        upgrade()
        yield app
        db.session.remove()
        _drop_everything()
        db.engine.dispose()


def _drop_everything() -> None:
    db.session.remove()
    db.metadata.drop_all(db.engine)
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def database(app: Flask) -> Iterator[None]:
    """Real commits during the test; every row deleted afterwards (children first).

    The test starts with one local area, "Testshire", which everything goes into unless a test says otherwise."""
    from tests.factories import create_area

    create_area()
    db.session.commit()
    yield
    db.session.rollback()
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def client(app: Flask, database):
    return app.test_client()


@pytest.fixture
def other_client(app: Flask, database):
    """A second browser: another person using the service at the same time."""
    return app.test_client()


@pytest.fixture
def count_queries(app: Flask):
    """`with count_queries() as counted: ...` then `counted()` is the number of statements run."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counter


@pytest.fixture
def login_as(client, database):
    """Sign the test client in as a new user of the given level; returns the user."""
    from tests.factories import create_user

    def sign_in(level: str = "viewer", *, browser=None, **kwargs):
        browser = browser or client
        user = create_user(level=level, password="correct horse battery staple", **kwargs)
        db.session.commit()
        response = browser.get("/sign-in")
        token = csrf_token_from(response.get_data(as_text=True))
        response = browser.post(
            "/sign-in", data={"email": user.email, "password": "correct horse battery staple", "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return sign_in


@pytest.fixture
def plan(database):
    """The Testshire plan, empty and committed. A test file that needs priorities, actions or periods in it extends
    this with a fixture of the same name taking `plan`, so the plan itself is written once."""
    from tests.factories import create_plan

    plan = create_plan(title="Testshire WSoA")
    db.session.commit()
    return plan


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def form_fields(response_or_page) -> list[tuple[str, str]]:
    """What the browser sends back if nothing is changed: every field of the page's main form, as it is filled in."""
    soup = response_or_page
    if not isinstance(soup, BeautifulSoup):
        soup = BeautifulSoup(response_or_page.get_data(as_text=True), "html5lib")
    fields_wanted = "input[name]:not([name=csrf_token]), textarea[name], select[name]"
    form = next((f for f in soup.select("main form[method=post]") if f.select(fields_wanted)), None)
    assert form is not None, "the page has a form"
    fields = []
    for element in form.select("input[name], textarea[name], select[name]"):
        kind = element.get("type", "")
        if element.name == "textarea":
            fields.append((element["name"], element.text))
        elif element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            fields.append((element["name"], chosen.get("value", "") if chosen else ""))
        elif kind in ("radio", "checkbox"):
            if element.has_attr("checked"):
                fields.append((element["name"], element.get("value", "y")))
        elif kind != "submit":
            fields.append((element["name"], element.get("value", "")))
    return fields


def page_of(response, status: int = 200) -> BeautifulSoup:
    """Parse a response as a user's browser would, after the checks every page must pass."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    soup = BeautifulSoup(response.get_data(as_text=True), "html5lib")
    assert soup.title, "every page has a title"
    assert soup.title.text.strip(), "every page has a title"
    ids = [tag["id"] for tag in soup.select("[id]")]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    for form in soup.select("form[method=post]"):
        assert form.select_one("input[name=csrf_token]"), "every POST form carries a CSRF token"
    return soup


def normalise_spaces(value) -> str:
    """Text as a reader sees it: line breaks and runs of spaces become one space. Accepts a tag or a string."""
    if hasattr(value, "get_text"):
        value = value.get_text(" ")
    return " ".join(value.split())


def pdf_to_text(data: bytes, *options: str) -> str:
    """The PDF's text as poppler's `pdftotext` reads it (`options` such as "-layout" or "-raw").

    The PDF tests need poppler (Debian's poppler-utils, which `make system-deps` installs): without it they fail
    saying so, not with a bare FileNotFoundError, and never pass by skipping."""
    if shutil.which("pdftotext") is None:
        pytest.fail(
            "reading the PDF needs pdftotext from poppler-utils: run `make system-deps` (or apt-get install it)"
        )
    result = subprocess.run(
        ["pdftotext", *options, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")
