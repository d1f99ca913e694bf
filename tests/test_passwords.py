"""Passwords: Argon2id at OWASP's minimum settings; older Werkzeug hashes still sign in and are upgraded."""

from werkzeug.security import generate_password_hash

from tests.factories import create_user
from wsoa.extensions import db
from wsoa.models import User
from wsoa.passwords import hash_password, needs_rehash, password_matches
from wsoa.services.users import authenticate

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
