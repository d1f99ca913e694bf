"""Signing out really signs out: a copy of the session cookie taken before is refused, on every app server.

Two app instances (two create_app() on the test database, as two gunicorn servers behind one proxy) share nothing
but the database. The cookie is copied from a browser on one to a browser on the other, as a thief would."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import event, select

from config import Test
from tests.conftest import IsolatedClient, csrf_token_from, normalise_spaces, page_of
from tests.factories import create_user
from wsoa import create_app
from wsoa.extensions import db
from wsoa.models import AuditEvent, UserSession
from wsoa.models.types import utcnow

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new long password"


def build(app: Flask) -> Flask:
    config = Test()
    config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    built = create_app(config)
    built.test_client_class = IsolatedClient
    return built


@pytest.fixture
def servers(app: Flask, database) -> Iterator[tuple[Flask, Flask]]:
    first, second = build(app), build(app)
    yield first, second
    for built in (first, second):
        with built.app_context():
            db.engine.dispose()


@pytest.fixture
def person(database):
    user = create_user(level="viewer", email="sam.jones@example.org", name="Sam Jones", password=PASSWORD)
    admin = create_user(level="admin", email="admin@example.org", name="Ada Admin", password=PASSWORD)
    db.session.commit()
    return user, admin


def sign_in(browser, email: str, password: str = PASSWORD) -> None:
    token = csrf_token_from(browser.get("/sign-in").get_data(as_text=True))
    response = browser.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def copy_of_cookie(browser, server: Flask):
    """Another browser, on the other server, holding a copy of this browser's session cookie."""
    thief = server.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def post_form(browser, page_path: str, action: str, data: dict | None = None):
    token = csrf_token_from(browser.get(page_path).get_data(as_text=True))
    return browser.post(action, data={**(data or {}), "csrf_token": token})


def gets_the_sign_in_page(browser, message: str | None = None) -> None:
    response = browser.get("/key-roles")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    page = page_of(browser.get(response.headers["Location"]))
    assert page.select_one("h1").text.strip() == "Sign in"
    if message:
        assert message in normalise_spaces(page)


def test_a_copied_cookie_works_on_either_server_until_its_owner_signs_out_then_on_neither(servers, person):
    first, second = servers
    user, _ = person
    browser = first.test_client()
    sign_in(browser, user.email)
    copy = copy_of_cookie(browser, second)
    assert copy.get("/key-roles").status_code == 200, "the copy works while the session does (it is the session)"

    assert post_form(browser, "/", "/sign-out").headers["Location"] == "/sign-in"
    gets_the_sign_in_page(copy, "You have been signed out. Sign in again.")
    gets_the_sign_in_page(copy_of_cookie(copy, first))
    assert db.session.scalars(select(UserSession)).all() == [], "nothing is left to sign in with"


def test_a_copy_taken_before_signing_out_cannot_come_back_by_being_used_on_the_first_server(servers, person):
    first, _ = servers
    user, _ = person
    browser = first.test_client()
    sign_in(browser, user.email)
    copy = copy_of_cookie(browser, first)
    post_form(browser, "/", "/sign-out")
    gets_the_sign_in_page(copy)
    gets_the_sign_in_page(browser)


def test_a_password_change_on_one_server_ends_every_other_session_on_both(servers, person):
    first, second = servers
    user, _ = person
    browser, elsewhere = first.test_client(), second.test_client()
    sign_in(browser, user.email)
    sign_in(elsewhere, user.email)
    copy = copy_of_cookie(browser, second)

    response = post_form(
        browser,
        "/account/change-password",
        "/account/change-password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.headers["Location"] == "/"
    assert browser.get("/key-roles").status_code == 200, "the session that changed it stays signed in"
    changed = "You were signed out because your password was changed"
    gets_the_sign_in_page(elsewhere, changed)
    # The copy of the changing browser's cookie is that same session: it stays, as the browser does.
    assert copy.get("/key-roles").status_code == 200
    sign_in(elsewhere, user.email, NEW_PASSWORD)
    assert elsewhere.get("/key-roles").status_code == 200


def test_an_admin_signs_a_user_out_everywhere_on_every_server(servers, person):
    first, second = servers
    user, admin = person
    phone, laptop = first.test_client(), second.test_client()
    sign_in(phone, user.email)
    sign_in(laptop, user.email)
    copy = copy_of_cookie(phone, second)
    admins_browser = second.test_client()
    sign_in(admins_browser, admin.email)

    page = page_of(admins_browser.get(f"/users/{user.id}"))
    form = page.find("button", string=lambda text: text and "Sign this user out everywhere" in text).find_parent("form")
    response = admins_browser.post(
        form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]}
    )
    assert response.headers["Location"] == f"/users/{user.id}"
    shown = normalise_spaces(page_of(admins_browser.get(response.headers["Location"])))
    assert "Sam Jones has been signed out everywhere (2 sessions ended)." in shown

    for browser in (phone, laptop, copy):
        gets_the_sign_in_page(browser, "You were signed out by an admin. Sign in again.")
    assert admins_browser.get("/users").status_code == 200, "the admin's own session is untouched"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "user.signed_out_everywhere")).one()
    assert (event.entity_id, event.user_id) == (user.id, admin.id)
    assert "2 sessions ended" in event.summary

    sign_in(phone, user.email)  # they can sign in again with their password
    assert phone.get("/key-roles").status_code == 200


def test_deactivating_a_user_signs_them_out_on_every_server(servers, person):
    first, second = servers
    user, admin = person
    browser = first.test_client()
    sign_in(browser, user.email)
    copy = copy_of_cookie(browser, second)
    admins_browser = second.test_client()
    sign_in(admins_browser, admin.email)
    data = {"name": user.name, "email": user.email, "level": "viewer", "active": "no"}
    response = post_form(admins_browser, f"/users/{user.id}", f"/users/{user.id}", data)
    assert response.status_code == 302
    gets_the_sign_in_page(browser)
    gets_the_sign_in_page(copy)
    assert db.session.scalars(select(UserSession.ended_reason).where(UserSession.user_id == user.id)).all() == [
        "deactivated"
    ]


def test_checking_the_session_is_part_of_loading_the_user_and_does_not_grow_with_sessions(client, login_as):
    """One statement reads the user and their session row by primary key, however many sessions there are."""
    user = login_as("viewer")

    def statements() -> list[str]:
        seen: list[str] = []

        def record(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get("/key-roles").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return seen

    few = statements()
    others = [create_user(email=f"other{n}@example.org") for n in range(30)]
    db.session.add_all(
        UserSession(digest=f"{n:064x}", user_id=(user if n % 2 else others[n % 30]).id) for n in range(1, 400)
    )
    db.session.commit()
    many = statements()
    assert len(many) == len(few)
    reading_sessions = [statement for statement in many if "user_session" in statement]
    assert len(reading_sessions) == 1, reading_sessions
    assert "app_user" in reading_sessions[0], "read with the user, in the query that loads them"


def test_sessions_older_than_the_lifetime_are_forgotten_at_the_next_sign_in(client, login_as):
    old = create_user(email="old@example.org")
    db.session.add_all(
        [
            UserSession(digest="a" * 64, user_id=old.id, created_at=utcnow() - timedelta(hours=8, minutes=1)),
            UserSession(digest="b" * 64, user_id=old.id, created_at=utcnow() - timedelta(hours=7), ended_reason="x"),
        ]
    )
    db.session.commit()
    user = login_as("viewer")
    kept = db.session.scalars(select(UserSession.user_id).order_by(UserSession.created_at)).all()
    assert kept == [old.id, user.id], "only the one past the 8-hour lifetime goes"
