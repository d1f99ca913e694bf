"""Admins manage users: levels, glossary roles held, deactivation and set-password links, all audited."""

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import create_role, create_user
from wsoa.extensions import db
from wsoa.models import AuditEvent, User

PASSWORD = "correct horse battery staple"


@pytest.fixture
def glossary(database):
    roles = [
        create_role(code="CC", title="Commissioning Manager", organisation="CCG", person="Chris Cole"),
        create_role(code="DoP", title="Director of Partnerships", organisation="CCG"),
        create_role(code="SALT SM", title="Speech and language therapy service manager"),
    ]
    db.session.commit()
    return roles


def submit(browser, url, data, *, form_page=None):
    """Post as a browser would: with the CSRF token from the page holding the form (by default, `url` itself)."""
    token = csrf_token_from(browser.get(form_page or url).get_data(as_text=True))
    return browser.post(url, data={**data, "csrf_token": token})


def events(name=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if name:
        query = query.where(AuditEvent.event == name)
    return db.session.scalars(query).all()


def link_on(page) -> str:
    return page.select_one("#set-password-link code").text.strip()


def test_the_users_page_lists_level_roles_status_and_last_sign_in(client, login_as, glossary):
    admin = login_as("admin", name="Ada Admin", email="ada@example.org")
    create_user(level="lead", name="Lee Lead", email="lee@example.org", roles=["DoP", "CC"])
    gone = create_user(level="viewer", name="Vic Viewer", email="vic@example.org")
    gone.active = False
    db.session.commit()

    page = page_of(client.get("/users"))
    assert page.select_one("h1").text == "Users"
    rows = [normalise_spaces(row) for row in page.select("#users tbody tr")]
    assert rows[0].startswith("Ada Admin ada@example.org Admin — Active")
    assert rows[1] == "Lee Lead lee@example.org Lead CC, DoP Active No password set yet Never"
    assert rows[2] == "Vic Viewer vic@example.org Viewer — Deactivated No password set yet Never"
    db.session.refresh(admin)
    assert admin.last_signed_in_at is not None
    assert "Never" not in rows[0]
    nav = [normalise_spaces(link) for link in page.select(".govuk-service-navigation__link")]
    assert "Users" in nav
    assert "Audit trail" in nav


@pytest.mark.parametrize("level", ["editor", "lead", "viewer"])
def test_only_admins_manage_users(client, login_as, level):
    login_as(level)
    assert client.get("/users").status_code == 403
    assert client.get("/users/new").status_code == 403
    nav = normalise_spaces(page_of(client.get("/")).select_one(".govuk-service-navigation"))
    assert "Users" not in nav
    assert "Audit trail" not in nav


def test_an_admin_adds_a_lead_who_sets_a_password_from_the_link(app, client, other_client, login_as, glossary):
    admin = login_as("admin")
    form = page_of(client.get("/users/new"))
    labels = [normalise_spaces(label) for label in form.select("#main-content .govuk-checkboxes__label")]
    assert labels == [
        "CC – Commissioning Manager, CCG (currently Chris Cole)",
        "DoP – Director of Partnerships, CCG",
        "SALT SM – Speech and language therapy service manager",
    ]
    response = submit(
        client,
        "/users/new",
        {
            "name": "  Claire Parker ",
            "email": "Claire.Parker@example.org",
            "level": "lead",
            "roles": ["DoP", "SALT SM"],
        },
    )
    user = db.session.scalars(select(User).where(User.email == "claire.parker@example.org")).one()
    assert response.headers["Location"] == f"/users/{user.id}"
    assert (user.name, user.level, [r.code for r in user.roles], user.password_hash) == (
        "Claire Parker",
        "lead",
        ["DoP", "SALT SM"],
        None,
    )

    page = page_of(client.get(f"/users/{user.id}"))
    assert "Claire Parker has been added." in normalise_spaces(page)
    link = link_on(page)
    assert re.fullmatch(r"http://localhost/set-password/[\w.-]+", link)
    assert "works once and expires in 72 hours" in normalise_spaces(page)
    assert page_of(client.get(f"/users/{user.id}")).select_one("#set-password-link") is None, "shown only once"

    (event,) = events("user.created")
    assert (event.user_id, event.entity_type, event.entity_id) == (admin.id, "user", user.id)
    assert event.after == {
        "name": "Claire Parker",
        "email": "claire.parker@example.org",
        "level": "lead",
        "active": True,
        "roles": ["DoP", "SALT SM"],
    }
    token = link.rsplit("/", 1)[1]
    assert token not in str(event.after)
    assert token not in event.summary

    path = link.removeprefix("http://localhost")
    page = other_client.get(path)
    post = {"new_password": "her own long password", "confirm_password": "her own long password"}
    other_client.post(path, data={**post, "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    token = csrf_token_from(other_client.get("/sign-in").get_data(as_text=True))
    response = other_client.post(
        "/sign-in",
        data={"email": "claire.parker@example.org", "password": "her own long password", "csrf_token": token},
    )
    assert response.headers["Location"] == "/my-actions"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, ["Enter the person’s full name", "Enter an email address", "Select a permission level"]),
        (
            {"name": "X", "email": "not an email", "level": "boss"},
            ["Enter an email address in the correct format, like name@example.com", "Select a permission level"],
        ),
        (
            {"name": "X", "email": "x@example.org", "level": "lead", "roles": ["NOPE"]},
            ["Select key roles from the list"],
        ),
        (
            {"name": "X", "email": "TAKEN@example.org", "level": "viewer"},
            ["A user with the email address taken@example.org already exists"],
        ),
    ],
)
def test_adding_a_user_with_problems_says_what_to_fix_and_saves_nothing(client, login_as, glossary, data, errors):
    login_as("admin", email="taken@example.org")
    page = page_of(submit(client, "/users/new", data))
    assert page.title.text.startswith("Error: ")
    assert [normalise_spaces(item) for item in page.select(".govuk-error-summary__list li")] == errors
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert events() == []


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what would have been sent."""

    sent: list = []
    fail = False

    def __init__(self, host, port, timeout):
        if FakeSMTP.fail:
            raise ConnectionRefusedError("no mail server here")
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context):
        self.tls = True

    def login(self, username, password):
        self.username = username

    def send_message(self, message):
        FakeSMTP.sent.append((self.host, self.port, getattr(self, "tls", False), message))


@pytest.fixture
def fake_smtp(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "MAIL_PORT", 587)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    monkeypatch.setitem(app.config, "MAIL_SENDER", "wsoa@example.org")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "sent", [])
    monkeypatch.setattr(FakeSMTP, "fail", False)
    return FakeSMTP


def test_with_smtp_configured_the_link_is_also_emailed(client, login_as, glossary, fake_smtp):
    login_as("admin")
    assert "The link is also emailed to them." in normalise_spaces(page_of(client.get("/users/new")))
    response = submit(client, "/users/new", {"name": "Nia New", "email": "nia@example.org", "level": "viewer"})
    page = page_of(client.get(response.headers["Location"]))
    link = link_on(page)
    assert "It has also been emailed to nia@example.org." in normalise_spaces(page)
    ((host, port, tls, message),) = fake_smtp.sent
    assert (host, port, tls) == ("smtp.example.org", 587, True)
    assert (message["To"], message["From"]) == ("nia@example.org", "wsoa@example.org")
    assert link in message.get_content()
    assert "works once and expires in 72 hours" in message.get_content()


def test_when_the_email_cannot_be_sent_the_admin_is_told_and_still_gets_the_link(client, login_as, glossary, fake_smtp):
    login_as("admin")
    fake_smtp.fail = True
    response = submit(client, "/users/new", {"name": "Nia New", "email": "nia@example.org", "level": "viewer"})
    page = page_of(client.get(response.headers["Location"]))
    assert link_on(page).startswith("http://localhost/set-password/")
    assert "The email to nia@example.org could not be sent. Give them the link yourself." in normalise_spaces(page)
    assert fake_smtp.sent == []


def test_an_admin_changes_level_and_roles_and_it_is_audited(client, login_as, glossary):
    admin = login_as("admin")
    user = create_user(level="viewer", name="Lee Lead", email="lee@example.org", roles=["CC"])
    db.session.commit()
    page = page_of(client.get(f"/users/{user.id}"))
    assert page.select_one("input[name=level][checked]")["value"] == "viewer"
    assert [box["value"] for box in page.select("input[name=roles][checked]")] == ["CC"]
    assert page.select_one("input[name=active][checked]")["value"] == "yes"

    response = submit(
        client,
        f"/users/{user.id}",
        {"name": "Lee Lead", "email": "lee@example.org", "level": "lead", "roles": ["DoP", "SALT SM"], "active": "yes"},
    )
    assert response.headers["Location"] == "/users"
    assert "Lee Lead: changes saved." in normalise_spaces(page_of(client.get("/users")))
    db.session.expire_all()
    assert [role.code for role in db.session.get(User, user.id).roles] == ["DoP", "SALT SM"]
    (event,) = events("user.edited")
    assert (event.user_id, event.entity_id) == (admin.id, user.id)
    assert event.before == {"level": "viewer", "roles": ["CC"]}
    assert event.after == {"level": "lead", "roles": ["DoP", "SALT SM"]}


def test_saving_without_changes_records_nothing(client, login_as, glossary):
    login_as("admin")
    user = create_user(level="lead", name="Lee Lead", email="lee@example.org", roles=["CC"])
    db.session.commit()
    data = {"name": "Lee Lead", "email": "lee@example.org", "level": "lead", "roles": ["CC"], "active": "yes"}
    submit(client, f"/users/{user.id}", data)
    assert "Lee Lead: nothing changed." in normalise_spaces(page_of(client.get("/users")))
    assert events() == []


def test_a_deactivated_user_is_signed_out_and_cannot_sign_in_but_is_never_deleted(
    client, other_client, login_as, glossary
):
    login_as("admin")
    leaver = login_as("lead", browser=other_client, name="Lou Leaver", email="lou@example.org", roles=["CC"])
    assert other_client.get("/").status_code == 200
    submit(
        client,
        f"/users/{leaver.id}",
        {"name": "Lou Leaver", "email": "lou@example.org", "level": "lead", "roles": ["CC"], "active": "no"},
    )
    assert other_client.get("/").status_code == 302
    token = csrf_token_from(other_client.get("/sign-in").get_data(as_text=True))
    response = other_client.post(
        "/sign-in", data={"email": "lou@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert "Enter a correct email address and password" in normalise_spaces(page_of(response))
    db.session.expire_all()
    assert db.session.get(User, leaver.id).active is False
    (event,) = events("user.edited")
    assert (event.before, event.after) == ({"active": True}, {"active": False})
    row = normalise_spaces(page_of(client.get("/users")).select("#users tbody tr")[1])
    assert row.startswith("Lou Leaver")
    assert "Deactivated" in row


@pytest.mark.parametrize(
    ("change", "field_error"),
    [
        ({"level": "editor", "active": "yes"}, "level"),
        ({"level": "admin", "active": "no"}, "active"),
    ],
)
def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(client, login_as, change, field_error):
    admin = login_as("admin", name="Ada Admin", email="ada@example.org")
    response = submit(client, f"/users/{admin.id}", {"name": "Ada Admin", "email": "ada@example.org", **change})
    page = page_of(response)
    message = "You cannot do this because you are the only active admin. Make someone else an admin first"
    assert normalise_spaces(page.select_one(".govuk-error-summary__list")) == message
    assert page.select_one(".govuk-error-summary__list a")["href"] == f"#{field_error}"
    db.session.expire_all()
    assert (db.session.get(User, admin.id).level, db.session.get(User, admin.id).active) == ("admin", True)
    assert events() == []


def test_an_admin_can_step_down_when_another_active_admin_remains(client, login_as):
    admin = login_as("admin", name="Ada Admin", email="ada@example.org")
    create_user(level="admin", email="other-admin@example.org")
    inactive = create_user(level="admin", email="former-admin@example.org")
    inactive.active = False
    db.session.commit()
    data = {"name": "Ada Admin", "email": "ada@example.org", "level": "viewer", "active": "yes"}
    assert submit(client, f"/users/{admin.id}", data).status_code == 302
    assert client.get("/users").status_code == 403, "their session carries on, as a viewer"


def test_an_email_address_cannot_be_changed_to_one_already_in_use(client, login_as):
    login_as("admin", email="ada@example.org")
    user = create_user(email="lee@example.org", name="Lee")
    db.session.commit()
    page = page_of(
        submit(
            client, f"/users/{user.id}", {"name": "Lee", "email": "ADA@example.org", "level": "viewer", "active": "yes"}
        )
    )
    assert "A user with the email address ada@example.org already exists" in normalise_spaces(
        page.select_one(".govuk-error-summary")
    )


def test_a_new_set_password_link_is_audited_and_replaces_nothing_until_used(client, other_client, login_as):
    admin = login_as("admin")
    user = create_user(name="Lee", email="lee@example.org")
    db.session.commit()
    first = submit(client, f"/users/{user.id}/set-password-link", {}, form_page=f"/users/{user.id}")
    assert first.headers["Location"] == f"/users/{user.id}"
    first_link = link_on(page_of(client.get(f"/users/{user.id}")))
    submit(client, f"/users/{user.id}/set-password-link", {}, form_page=f"/users/{user.id}")
    second_link = link_on(page_of(client.get(f"/users/{user.id}")))
    assert [(e.event, e.user_id, e.before, e.after) for e in events()] == [
        ("user.set_password_link_issued", admin.id, None, None)
    ] * 2

    path = second_link.removeprefix("http://localhost")
    token = csrf_token_from(other_client.get(path).get_data(as_text=True))
    other_client.post(
        path, data={"new_password": "a long password!", "confirm_password": "a long password!", "csrf_token": token}
    )
    assert other_client.get(first_link.removeprefix("http://localhost")).status_code == 400, "setting one uses all"


def test_a_deactivated_user_gets_no_new_link(client, login_as):
    login_as("admin")
    user = create_user(name="Lou", email="lou@example.org")
    user.active = False
    db.session.commit()
    page = page_of(client.get(f"/users/{user.id}"))
    assert page.select_one(f"form[action='/users/{user.id}/set-password-link']") is None
    response = submit(client, f"/users/{user.id}/set-password-link", {}, form_page=f"/users/{user.id}")
    page = page_of(client.get(response.headers["Location"]))
    assert "Lou is deactivated." in normalise_spaces(page.select_one(".govuk-error-summary"))
    assert page.select_one("#set-password-link") is None
    assert events() == []


def test_an_unknown_user_is_not_found(client, login_as):
    login_as("admin")
    assert client.get("/users/999999").status_code == 404
    assert client.get("/users/99999999999999999999").status_code == 404, "not a database error on PostgreSQL"
    assert submit(client, "/users/999999/set-password-link", {}, form_page="/users").status_code == 404


def test_the_users_page_runs_the_same_number_of_queries_however_many_users(client, login_as, glossary, count_queries):
    login_as("admin")
    create_user(email="one@example.org", roles=["CC"])
    db.session.commit()
    with count_queries() as few:
        page_of(client.get("/users"))
    for n in range(30):
        create_user(email=f"person{n}@example.org", roles=["CC", "DoP"] if n % 2 else ["SALT SM"])
    db.session.commit()
    with count_queries() as many:
        page = page_of(client.get("/users"))
    assert len(page.select("#users tbody tr")) == 32
    assert many() == few()


def test_an_admin_can_sign_any_active_user_out_everywhere_themselves_included(client, other_client, login_as):
    admin = login_as("admin", name="Ada Admin", email="ada@example.org")
    someone = login_as("viewer", browser=other_client, name="Vic Viewer", email="vic@example.org")
    page = page_of(client.get(f"/users/{someone.id}"))
    button = page.find("button", string=lambda text: text and "Sign this user out everywhere" in text)
    assert button.find_parent("form")["action"] == f"/users/{someone.id}/sign-out-everywhere"
    response = submit(client, f"/users/{someone.id}/sign-out-everywhere", {}, form_page=f"/users/{someone.id}")
    shown = normalise_spaces(page_of(client.get(response.headers["Location"])))
    assert "Vic Viewer has been signed out everywhere (1 session ended)." in shown
    assert other_client.get("/").status_code == 302
    assert [event.entity_id for event in events("user.signed_out_everywhere")] == [someone.id]

    # Their own: this session is one of them, so they are signed out too, and told why.
    response = submit(client, f"/users/{admin.id}/sign-out-everywhere", {}, form_page=f"/users/{admin.id}")
    response = client.get(response.headers["Location"])
    assert response.headers["Location"].startswith("/sign-in")
    assert "You were signed out by an admin" in normalise_spaces(page_of(client.get(response.headers["Location"])))


def test_a_deactivated_user_has_no_sessions_to_end(client, login_as):
    login_as("admin")
    gone = create_user(level="viewer", name="Vic Viewer", email="vic@example.org")
    gone.active = False
    db.session.commit()
    page = page_of(client.get(f"/users/{gone.id}"))
    assert "Sign this user out everywhere" not in normalise_spaces(page)
