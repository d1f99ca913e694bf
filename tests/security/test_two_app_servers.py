"""Two app servers on one database behave as one: sign-in throttling and an import's steps do not live in a process.

Two app instances (two create_app() on the test database, as two gunicorn servers behind one proxy), each with an
instance folder of its own, as on two machines: they share the database and nothing else. Sessions across servers
are tested in test_session_revocation.py; the outbox's claims in tests/services/test_notices.py.
"""

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from config import IMPORTS_DIR, Test
from tests.conftest import IsolatedClient, csrf_token_from, normalise_spaces, page_of
from tests.factories import create_user
from wsoa import create_app
from wsoa.extensions import db
from wsoa.models import Action, ImportBatch, PendingUpload, SignInFailure

PASSWORD = "correct horse battery staple"
THROTTLED = "Too many attempts. Wait 15 minutes and try again."
SAMPLE = (IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx").read_bytes()


def build(app: Flask, instance: Path) -> Flask:
    config = Test()
    config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    built = create_app(config)
    built.instance_path = str(instance)  # a machine of its own: nothing on one server's disk is seen by the other
    built.test_client_class = IsolatedClient
    return built


@pytest.fixture
def servers(app: Flask, database, tmp_path: Path) -> Iterator[tuple[Flask, Flask]]:
    first, second = build(app, tmp_path / "first"), build(app, tmp_path / "second")
    yield first, second
    for built in (first, second):
        with built.app_context():
            db.engine.dispose()


class OneBrowser:
    """One person's browser behind a load balancer: each request goes to the server named, with the same cookie."""

    def __init__(self, *servers: Flask):
        self.clients = [server.test_client() for server in servers]
        self.cookie: str | None = None

    def to(self, server: int, method: str, path: str, **kwargs):
        client = self.clients[server]
        if self.cookie:
            client.set_cookie("session", self.cookie)
        response = client.open(path, method=method, **kwargs)
        if cookie := client.get_cookie("session"):
            self.cookie = cookie.value
        return response


def sign_in(browser, email: str, password: str):
    token = csrf_token_from(browser.get("/sign-in").get_data(as_text=True))
    return browser.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def problem(response) -> str:
    return normalise_spaces(page_of(response).select_one(".govuk-error-summary") or "")


def test_failed_sign_ins_on_either_server_count_together(servers):
    first, second = servers
    person = create_user(level="viewer", email="sam.jones@example.org", password=PASSWORD)
    db.session.commit()
    browsers = [first.test_client(), second.test_client()]
    for attempt in range(5):  # alternately, as a load balancer would send them
        response = sign_in(browsers[attempt % 2], person.email, "a wrong guess")
        assert "Enter a correct email address and password" in problem(response)
    assert db.session.scalar(select(func.count(SignInFailure.id))) == 5

    for browser in browsers:  # held back on both, even with the right password
        assert THROTTLED in problem(sign_in(browser, person.email, PASSWORD))


def test_an_import_previewed_on_one_server_is_confirmed_on_the_other(servers):
    first, second = servers
    admin = create_user(level="admin", email="admin@example.org", password=PASSWORD)
    db.session.commit()
    browser = OneBrowser(first, second)
    token = csrf_token_from(browser.to(0, "GET", "/sign-in").get_data(as_text=True))
    signed_in = browser.to(
        1, "POST", "/sign-in", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302

    token = csrf_token_from(browser.to(1, "GET", "/plans/import").get_data(as_text=True))
    preview = browser.to(
        0,
        "POST",
        "/plans/import",
        data={"workbook": (BytesIO(SAMPLE), "shropshire.xlsx"), "target": "new", "csrf_token": token},
        content_type="multipart/form-data",
    )
    page = page_of(preview)
    assert page.select_one("h1").text.startswith("Check the import of shropshire.xlsx")
    assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 1, "kept where both servers look"
    assert not any(Path(first.instance_path).rglob("*.xlsx")), "nothing kept on the first server's disk"

    # The officer changes nothing but asks for the preview again with the columns as read: on the second server.
    remap = page.select_one("form[action$='/columns']")
    fields = {i["name"]: i.get("value", "") for i in remap.select("input[name]")}
    fields |= {s["name"]: s.select_one("option[selected]")["value"] for s in remap.select("select[name]")}
    again = page_of(browser.to(1, "POST", remap["action"], data=fields))
    assert again.select_one("h1").text.startswith("Check the import of shropshire.xlsx")

    form = again.select_one("form[action*='/plans/import/']:not([action$='/columns'])")
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    response = browser.to(0, "POST", form["action"], data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert "Imported shropshire.xlsx: 66 actions added" in normalise_spaces(
        page_of(browser.to(1, "GET", response.location))
    )
    assert db.session.scalar(select(func.count(Action.id))) == 66
    assert db.session.scalar(select(func.count(ImportBatch.id))) == 1
    assert db.session.scalar(select(func.count()).select_from(PendingUpload)) == 0, "imported: no longer kept"

    # Confirming the same preview again, on the other server, imports nothing twice.
    again_response = browser.to(1, "POST", form["action"], data=data)
    assert again_response.status_code == 302
    assert "That upload has expired or was already imported" in normalise_spaces(
        page_of(browser.to(0, "GET", again_response.location))
    )
    assert db.session.scalar(select(func.count(Action.id))) == 66
