"""Signing in and out, throttling, session expiry, changing a password and setting one from a link."""

import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import create_user
from wsoa.extensions import db
from wsoa.models import AuditEvent, SignInFailure, User
from wsoa.models.types import utcnow
from wsoa.services import accounts
from wsoa.views.auth import safe_next

PASSWORD = "correct horse battery staple"
FAILED = "Enter a correct email address and password"
THROTTLED = "Too many attempts. Wait 15 minutes and try again."
REPEATED = "Password must not be one character or group of characters repeated, as that is easy to guess"
COMMON = "Password is too common: it is one of the first that would be guessed. Choose a different one"
PERSONAL = "Password must not contain your name or email address, as that is easy to guess"


@pytest.fixture
def person(database):
    user = create_user(level="viewer", email="sam.jones@example.org", name="Sam Jones", password=PASSWORD)
    db.session.commit()
    return user


def sign_in(browser, email, password, *, next_url=None, address="127.0.0.1"):
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    token = csrf_token_from(browser.get(url).get_data(as_text=True))
    return browser.post(
        url,
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def error_summary(response) -> str:
    page = page_of(response)
    assert page.title.text.startswith("Error: ")
    return normalise_spaces(page.select_one(".govuk-error-summary"))


def failures_for(email: str) -> int:
    return db.session.scalar(select(func.count()).select_from(SignInFailure).where(SignInFailure.email == email))


# --- signing in ---------------------------------------------------------------------------------------------------


def test_signing_in_starts_a_permanent_session_and_records_the_time(client, person):
    response = sign_in(client, "Sam.Jones@example.org ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get_cookie("session").expires is not None, "the session cookie expires, not lasting for ever"
    db.session.expire_all()
    assert db.session.get(User, person.id).last_signed_in_at is not None
    page = page_of(client.get("/"))
    assert "Signed in as Sam Jones" in normalise_spaces(page)
    assert page.find("a", string="Change password")["href"] == "/account/change-password"


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("sam.jones@example.org", "not the password"),
        ("nobody@example.org", PASSWORD),
        ("nobody@example.org", "not the password"),
    ],
)
def test_a_failed_sign_in_never_says_whether_the_email_or_the_password_was_wrong(client, person, email, password):
    summary = error_summary(sign_in(client, email, password))
    assert summary == f"There is a problem {FAILED}"
    assert failures_for(email) == 1


def test_a_deactivated_user_cannot_sign_in_and_is_told_nothing_more(client, person):
    person.active = False
    db.session.commit()
    assert error_summary(sign_in(client, person.email, PASSWORD)) == f"There is a problem {FAILED}"
    assert client.get("/").status_code == 302


def test_a_user_without_a_password_yet_cannot_sign_in(client, database):
    create_user(email="new@example.org")
    db.session.commit()
    assert error_summary(sign_in(client, "new@example.org", "")) == "There is a problem Enter your password"
    assert FAILED in error_summary(sign_in(client, "new@example.org", "anything at all"))


def test_an_empty_sign_in_asks_for_the_email_and_password(client, database):
    summary = error_summary(sign_in(client, "", ""))
    assert summary == "There is a problem Enter your email address Enter your password"


def test_leads_land_on_their_actions(client, database):
    create_user(level="lead", email="lead@example.org", password=PASSWORD)
    db.session.commit()
    assert sign_in(client, "lead@example.org", PASSWORD).headers["Location"] == "/my-actions"


# --- throttling ---------------------------------------------------------------------------------------------------


def test_five_failures_from_one_address_hold_that_address_back_for_fifteen_minutes(client, person):
    for _ in range(5):
        assert FAILED in error_summary(sign_in(client, person.email, "wrong password"))
    assert error_summary(sign_in(client, person.email, PASSWORD)) == f"There is a problem {THROTTLED}"
    assert failures_for(person.email) == 5, "refused attempts are not counted, so the wait does not grow"

    # Fifteen minutes later the owner gets in, and the count for this address starts again.
    db.session.execute(SignInFailure.__table__.update().values(at=utcnow() - timedelta(minutes=15, seconds=1)))
    db.session.commit()
    assert sign_in(client, person.email, PASSWORD).status_code == 302
    assert failures_for(person.email) == 0


def test_an_attacker_cannot_lock_the_owner_out_from_another_address(client, other_client, person):
    for _ in range(6):
        sign_in(client, person.email, "a guess", address="198.51.100.7")
    assert THROTTLED in error_summary(sign_in(client, person.email, PASSWORD, address="198.51.100.7"))
    # The owner, at their own desk, with the right password.
    assert sign_in(other_client, person.email, PASSWORD, address="203.0.113.5").status_code == 302
    # ... and the attacker is still held back: the owner signing in elsewhere does not clear the attacker's count.
    assert THROTTLED in error_summary(sign_in(client, person.email, "another guess", address="198.51.100.7"))


def test_a_colleague_behind_the_same_address_signs_in_while_an_attacker_there_is_throttled(
    client, other_client, person
):
    """A council office shares one address: one person's (or an attacker's) failures do not lock the others out."""
    create_user(email="colleague@example.org", name="Cat Colleague", password=PASSWORD)
    db.session.commit()
    office = "192.0.2.50"
    for _ in range(5):
        sign_in(client, person.email, "a guess", address=office)
    # Twenty more failures from the same address, against other accounts.
    now = utcnow()
    db.session.add_all(
        SignInFailure(email=f"guess{n}@example.org", address=office, at=now - timedelta(minutes=1)) for n in range(20)
    )
    db.session.commit()
    assert THROTTLED in error_summary(sign_in(client, person.email, PASSWORD, address=office))
    assert THROTTLED in error_summary(sign_in(client, "guess3@example.org", "guess", address=office))

    assert sign_in(other_client, "colleague@example.org", PASSWORD, address=office).status_code == 302


def test_a_colleague_who_mistyped_once_is_held_back_when_their_address_has_had_too_many_failures(client, database):
    create_user(email="colleague@example.org", password=PASSWORD)
    now = utcnow()
    db.session.add_all(
        SignInFailure(email=f"guess{n}@example.org", address="192.0.2.50", at=now - timedelta(minutes=1))
        for n in range(19)
    )
    db.session.commit()
    sign_in(client, "colleague@example.org", "typo", address="192.0.2.50")  # the address's twentieth failure
    assert THROTTLED in error_summary(sign_in(client, "colleague@example.org", PASSWORD, address="192.0.2.50"))
    # From an address that has not failed for them, they get in.
    assert sign_in(client, "colleague@example.org", PASSWORD, address="192.0.2.99").status_code == 302


def test_guessing_from_many_addresses_gets_one_try_from_each_once_the_account_has_had_ten_failures(
    client, other_client, person
):
    for n in range(10):
        assert FAILED in error_summary(sign_in(client, person.email, "a guess", address=f"198.51.100.{n}"))
    # Each of those addresses now waits, even with the right password...
    assert THROTTLED in error_summary(sign_in(client, person.email, PASSWORD, address="198.51.100.3"))
    # ... a new one gets its one try, then waits too...
    assert FAILED in error_summary(sign_in(client, person.email, "a guess", address="198.51.100.77"))
    assert THROTTLED in error_summary(sign_in(client, person.email, "a guess", address="198.51.100.77"))
    # ... and the owner, from an address with no failures, still signs in.
    assert sign_in(other_client, person.email, PASSWORD, address="203.0.113.5").status_code == 302


def test_the_throttled_message_is_the_same_for_an_account_that_does_not_exist(client, database):
    for _ in range(5):
        sign_in(client, "nobody@example.org", "guess")
    assert error_summary(sign_in(client, "nobody@example.org", "guess")) == f"There is a problem {THROTTLED}"


def test_old_failures_are_forgotten(client, person):
    db.session.add(SignInFailure(email="old@example.org", address="192.0.2.1", at=utcnow() - timedelta(days=2)))
    db.session.commit()
    sign_in(client, person.email, "wrong password")
    assert failures_for("old@example.org") == 0
    assert failures_for(person.email) == 1


# --- where sign-in leads ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/plans/3?tab=actions", "/plans/3?tab=actions"),
        ("/my-actions", "/my-actions"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/sign-in", "/"),
        ("http:/evil.example", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("/%0a/evil.example", "/%0a/evil.example"),  # still a path on this site: harmless
        ("javascript:alert(1)", "/"),
        ("plans/3", "/"),
    ],
)
def test_safe_next_only_follows_paths_on_this_site(app, target, expected):
    with app.test_request_context("/sign-in"):
        assert safe_next(target) == expected


def test_signing_in_follows_next_on_this_site_but_never_off_it(client, other_client, person):
    assert sign_in(client, person.email, PASSWORD, next_url="/key-roles").headers["Location"] == "/key-roles"
    assert sign_in(other_client, person.email, PASSWORD, next_url="//evil.example").headers["Location"] == "/"


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back_again(client, person):
    response = client.get("/key-roles")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2Fkey-roles"
    assert sign_in(client, person.email, PASSWORD, next_url="%2Fkey-roles").headers["Location"] == "/key-roles"


# --- signing out and session expiry -------------------------------------------------------------------------------


def test_signing_out_ends_the_session(client, person):
    sign_in(client, person.email, PASSWORD)
    page = page_of(client.get("/"))
    token = page.select_one("form[action='/sign-out'] input[name=csrf_token]")["value"]
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.headers["Location"] == "/sign-in"
    assert "You have signed out." in normalise_spaces(page_of(client.get("/sign-in")))
    assert client.get("/").status_code == 302


def test_signing_out_needs_a_post(client, person):
    sign_in(client, person.email, PASSWORD)
    assert client.get("/sign-out").status_code == 405
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("key", "hours_ago", "message"),
    [
        ("last_active", 2.1, "You were signed out because you had not used the service for a while"),
        ("signed_in_at", 8.1, "You were signed out because you signed in more than 8 hours ago"),
    ],
    ids=["idle for over two hours", "signed in over eight hours ago"],
)
def test_an_idle_or_old_session_is_signed_out(client, person, key, hours_ago, message):
    sign_in(client, person.email, PASSWORD)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session[key] = time.time() - hours_ago * 3600
    response = client.get("/key-roles")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=%2Fkey-roles"
    assert message in normalise_spaces(page_of(client.get(response.headers["Location"])))


def test_an_active_session_stays_signed_in(client, person):
    sign_in(client, person.email, PASSWORD)
    with client.session_transaction() as session:
        session["last_active"] = time.time() - 110 * 60
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert session["last_active"] > time.time() - 60, "using the service keeps the session alive"


def test_a_session_without_the_sign_in_times_is_not_trusted(client, person):
    sign_in(client, person.email, PASSWORD)
    with client.session_transaction() as session:
        del session["signed_in_at"]
    assert client.get("/").status_code == 302


# --- changing your password ---------------------------------------------------------------------------------------


def change_password(browser, current, new, confirm):
    token = csrf_token_from(browser.get("/account/change-password").get_data(as_text=True))
    return browser.post(
        "/account/change-password",
        data={"current_password": current, "new_password": new, "confirm_password": confirm, "csrf_token": token},
    )


@pytest.mark.parametrize(
    ("current", "new", "confirm", "errors"),
    [
        ("", "", "", ["Enter your current password", "Enter a new password", "Confirm your new password"]),
        (PASSWORD, "too short", "too short", ["Password must be 12 characters or more"]),
        (PASSWORD, "a long new password", "a different one!", ["Enter the same password in both boxes"]),
        ("not my password", "a long new password", "a long new password", ["Your current password is not correct"]),
        (PASSWORD, PASSWORD, PASSWORD, ["Your new password must be different from your current password"]),
        (PASSWORD, "aaaaaaaaaaaa", "aaaaaaaaaaaa", [REPEATED]),
        (PASSWORD, "Password1234", "Password1234", [COMMON]),
        (PASSWORD, "Jones family holiday", "Jones family holiday", [PERSONAL]),  # Sam Jones's own name
        (PASSWORD, "my sam.jones account", "my sam.jones account", [PERSONAL]),  # and email address
    ],
)
def test_a_password_change_with_problems_says_what_to_fix_and_changes_nothing(
    client, person, current, new, confirm, errors
):
    sign_in(client, person.email, PASSWORD)
    response = change_password(client, current, new, confirm)
    assert error_summary(response) == "There is a problem " + " ".join(errors)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert client.get("/").status_code == 200, "still signed in"


def test_changing_your_password_keeps_this_session_ends_others_and_is_audited(client, other_client, person):
    sign_in(client, person.email, PASSWORD)
    sign_in(other_client, person.email, PASSWORD)
    old_hash = person.password_hash
    response = change_password(client, PASSWORD, "a brand new long password", "a brand new long password")
    assert response.headers["Location"] == "/"
    assert "Your password has been changed." in normalise_spaces(page_of(client.get("/")))

    elsewhere = other_client.get("/")
    assert elsewhere.status_code == 302
    assert "your password was changed" in normalise_spaces(page_of(other_client.get(elsewhere.headers["Location"])))

    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.event, event.entity_id, event.user_id) == ("user.password_changed", person.id, person.id)
    assert old_hash not in str((event.before, event.after, event.summary))
    db.session.expire_all()
    assert db.session.get(User, person.id).password_hash not in str((event.before, event.after, event.summary))

    assert FAILED in error_summary(sign_in(other_client, person.email, PASSWORD))
    assert sign_in(other_client, person.email, "a brand new long password").status_code == 302


def test_signed_out_visitors_cannot_change_a_password(client, person):
    assert client.get("/account/change-password").headers["Location"].startswith("/sign-in")


# --- setting a password from a link -------------------------------------------------------------------------------


def token_for(app, user) -> str:
    with app.test_request_context():
        return accounts.set_password_token(db.session.get(User, user.id))


def set_password(browser, token, new, confirm):
    page = browser.get(f"/set-password/{token}")
    return browser.post(
        f"/set-password/{token}",
        data={
            "new_password": new,
            "confirm_password": confirm,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )


@pytest.fixture
def newcomer(database):
    user = create_user(level="lead", email="newcomer@example.org", name="Nia Newcomer")
    db.session.commit()
    return user


def test_a_new_user_sets_their_password_from_the_link_and_signs_in(app, client, newcomer):
    token = token_for(app, newcomer)
    page = page_of(client.get(f"/set-password/{token}"))
    assert page.select_one("h1").text == "Set your password"
    assert "You will sign in as newcomer@example.org" in normalise_spaces(page)

    response = set_password(client, token, "my own long password", "my own long password")
    assert response.headers["Location"] == "/sign-in"
    assert "Your password is set." in normalise_spaces(page_of(client.get("/sign-in")))
    assert sign_in(client, newcomer.email, "my own long password").status_code == 302
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.event, event.user_id, event.before, event.after) == ("user.password_set", newcomer.id, None, None)


def test_a_set_password_link_works_once(app, client, other_client, newcomer):
    token = token_for(app, newcomer)
    assert set_password(client, token, "my own long password", "my own long password").status_code == 302
    page = page_of(other_client.get(f"/set-password/{token}"), status=400)
    assert page.select_one("h1").text == "This link has expired or has already been used"
    assert other_client.post(f"/set-password/{token}", data={"csrf_token": "x"}).status_code == 400


def test_a_set_password_link_expires_after_three_days(app, client, newcomer, monkeypatch):
    issued_at = int(time.time()) - 72 * 3600 - 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued_at)
    token = token_for(app, newcomer)
    monkeypatch.undo()
    page_of(client.get(f"/set-password/{token}"), status=400)
    issued_at = int(time.time()) - 71 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued_at)
    fresher = token_for(app, newcomer)
    monkeypatch.undo()
    page_of(client.get(f"/set-password/{fresher}"))


@pytest.mark.parametrize("mangle", ["tamper", "other secret", "deactivated"])
def test_a_tampered_link_or_one_for_a_deactivated_user_does_nothing(app, client, newcomer, mangle):
    token = token_for(app, newcomer)
    if mangle == "tamper":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif mangle == "other secret":
        from itsdangerous import URLSafeTimedSerializer

        token = URLSafeTimedSerializer("guessed-secret", salt="set-password").dumps({"user": newcomer.id})
    else:
        newcomer.active = False
        db.session.commit()
    page_of(client.get(f"/set-password/{token}"), status=400)
    db.session.expire_all()
    assert db.session.get(User, newcomer.id).password_hash is None


def test_setting_a_password_from_a_link_checks_it_like_any_other(app, client, newcomer):
    token = token_for(app, newcomer)
    page = page_of(client.get(f"/set-password/{token}"))
    hint = normalise_spaces(page.select_one("#new_password-hint"))
    assert "not a common password, a character repeated or your name or email address" in hint, "told before"
    response = set_password(client, token, "short", "short")
    assert error_summary(response) == "There is a problem Password must be 12 characters or more"
    for refused, reason in [
        ("zzzzzzzzzzzzzzzz", REPEATED),
        ("qwertyuiop123", COMMON),
        ("Nia Newcomer 2021", PERSONAL),
        ("newcomer forever!", PERSONAL),
    ]:
        assert error_summary(set_password(client, token, refused, refused)) == f"There is a problem {reason}"
    response = set_password(client, token, "", "")
    assert error_summary(response) == "There is a problem Enter a new password Confirm your new password"
    db.session.expire_all()
    assert db.session.get(User, newcomer.id).password_hash is None
    page_of(client.get(f"/set-password/{token}"))  # a bad submission does not use up the link


def test_a_password_reset_from_a_link_ends_sessions_that_were_signed_in(app, client, other_client, person):
    sign_in(other_client, person.email, PASSWORD)
    set_password(client, token_for(app, person), "a new long password", "a new long password")
    assert other_client.get("/").status_code == 302
