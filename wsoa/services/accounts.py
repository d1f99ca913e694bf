"""Signing in safely: password hashing, finding and authenticating a user, throttling failed attempts,
set-password links and password changes.

Passwords are hashed with Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

Sign-in is the costliest request the app serves; with 50 leads arriving before a board meeting the hash cost decides
how long the queue is. Argon2id at these settings costs a third of the CPU of Werkzeug's default scrypt (N=2^15),
which itself sits below OWASP's scrypt minimum. Hashes made before (Werkzeug's "scrypt:..." form) still verify and
are replaced with Argon2id at the next successful sign-in.
"""

import hashlib
import hmac
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import and_, case, delete, func, or_, select
from werkzeug.security import check_password_hash

from wsoa.domain.password_rules import password_problem
from wsoa.domain.throttling import THROTTLED_MESSAGE, WINDOW, RecentFailures, sign_in_allowed
from wsoa.extensions import db
from wsoa.models import SignInFailure, User
from wsoa.models.types import utcnow
from wsoa.services import audit, sessions

# Never says which of the two was wrong, and is the same for an unknown, deactivated or password-less account.
SIGN_IN_FAILED_MESSAGE = "Enter a correct email address and password"
DEFAULT_LINK_LIFETIME = timedelta(hours=72)
FORGET_FAILURES_AFTER = timedelta(days=1)


# --- passwords and finding a user ------------------------------------------------------------------------------

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    if stored_hash.startswith("$argon2"):
        try:
            return _hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored_hash, password)  # an older Werkzeug hash


def needs_rehash(stored_hash: str) -> bool:
    """True for an older Werkzeug hash or an Argon2 hash with other settings."""
    if not stored_hash.startswith("$argon2"):
        return True
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


class UserProblem(ValueError):
    """A problem the person can fix, tied to a form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def check_new_password(
    password: str, *, email: str | None, name: str | None, field: str = "password", whose: str = "your"
) -> None:
    """The NCSC's advice (wsoa.domain.password_rules): long enough, not repeated, common or the person's own name."""
    problem = password_problem(password, email=email, name=name, whose=whose)
    if problem:
        raise UserProblem(field, problem)


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)


# Checked against a real hash when the account does not exist, so timing does not reveal which emails are known.
_DUMMY_HASH = hash_password("not-a-real-password")


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.active or not user.password_hash:
        password_matches(_DUMMY_HASH, password)
        return None
    if not password_matches(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = utcnow()
    return user


class SignInRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- sign-in and throttling -----------------------------------------------------------------------------------


def recent_failures(email_key: str, address_key: str, *, now: datetime) -> RecentFailures:
    """Failures within the window for this pair, this account and this address: one query, three counts."""
    pair = and_(SignInFailure.email == email_key, SignInFailure.address == address_key)

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        select(count(pair), count(SignInFailure.email == email_key), count(SignInFailure.address == address_key)).where(
            SignInFailure.at > now - WINDOW,
            or_(SignInFailure.email == email_key, SignInFailure.address == address_key),
        )
    ).one()
    return RecentFailures(pair=int(row[0]), account=int(row[1]), address=int(row[2]))


def sign_in(email: str, password: str, *, address: str | None, now: datetime | None = None) -> User:
    """The user for these credentials, or SignInRefused; failures are recorded (the caller commits either way)."""
    now = now or utcnow()
    email_key = normalise_email(email)[:254]
    address_key = (address or "unknown")[:64]
    if not sign_in_allowed(recent_failures(email_key, address_key, now=now)):
        # Refused before the password is checked, and not recorded: the wait ends 15 minutes after the last counted
        # failure whatever is tried meanwhile, and says nothing about whether the account exists.
        raise SignInRefused(THROTTLED_MESSAGE)
    user = authenticate(email_key, password)
    if user is None:
        db.session.execute(delete(SignInFailure).where(SignInFailure.at < now - FORGET_FAILURES_AFTER))
        db.session.add(SignInFailure(email=email_key, address=address_key, at=now))
        db.session.flush()
        raise SignInRefused(SIGN_IN_FAILED_MESSAGE)
    # The owner got in from here: this pair's count starts again. Failures from other addresses still count (an
    # attacker elsewhere stays held back), and so do this address's against other accounts.
    db.session.execute(
        delete(SignInFailure).where(SignInFailure.email == email_key, SignInFailure.address == address_key)
    )
    return user


# --- fingerprints of the current password ---------------------------------------------------------------------


def _fingerprint(user: User, purpose: str) -> str:
    """A keyed digest of the password hash: changes whenever the password does, reveals nothing about it."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{purpose}:{user.id}:{user.password_hash or 'no password'}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


# --- set-password links ---------------------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="set-password")


def link_lifetime() -> timedelta:
    return current_app.config.get("SET_PASSWORD_LINK_LIFETIME", DEFAULT_LINK_LIFETIME)


def set_password_token(user: User) -> str:
    """A token that expires, and works once: it carries a fingerprint of the password it replaces."""
    return _serializer().dumps({"user": user.id, "fingerprint": _fingerprint(user, "set-password")})


def user_for_token(token: str) -> User | None:
    """The active user this token was made for, if it is unexpired and their password has not changed since."""
    try:
        payload = _serializer().loads(token, max_age=int(link_lifetime().total_seconds()))
    except BadData:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        return None
    user = db.session.get(User, payload["user"])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(payload.get("fingerprint", "")), _fingerprint(user, "set-password")):
        return None
    return user


def record_link_issued(user: User, *, actor_id: int | None) -> None:
    """A new set-password link for an existing user (the token itself is never stored)."""
    audit.record(
        event="user.set_password_link_issued",
        entity=user,
        summary=f"Set-password link issued for {user.name} ({user.email})",
        user_id=actor_id,
    )


def set_password_from_token(token: str, password: str) -> User | None:
    """Set the password the link was for; None when the link has expired or been used."""
    user = user_for_token(token)
    if user is None:
        return None
    check_new_password(password, email=user.email, name=user.name, field="new_password")
    set_password(user, password)
    sessions.end_all(user.id, reason=sessions.PASSWORD_CHANGED)
    db.session.flush()
    audit.record(
        event="user.password_set",
        entity=user,
        summary=f"{user.name} ({user.email}) set their password from a link",
        user_id=user.id,
    )
    return user


def change_password(user: User, *, current_password: str, new_password: str, this_session: str | None) -> None:
    """Change a signed-in user's own password, after checking the current one; every other session of theirs ends."""
    if not user.password_hash or not password_matches(user.password_hash, current_password):
        raise UserProblem("current_password", "Your current password is not correct")
    if password_matches(user.password_hash, new_password):
        raise UserProblem("new_password", "Your new password must be different from your current password")
    check_new_password(new_password, email=user.email, name=user.name, field="new_password")
    set_password(user, new_password)
    sessions.end_all(user.id, reason=sessions.PASSWORD_CHANGED, except_token=this_session)
    db.session.flush()
    audit.record(
        event="user.password_changed",
        entity=user,
        summary=f"{user.name} ({user.email}) changed their password",
        user_id=user.id,
    )


# --- email ----------------------------------------------------------------------------------------------------


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def email_set_password_link(user: User, link: str) -> bool | None:
    """Email the link where SMTP is configured: None when it is not, else whether the server accepted it."""
    config = current_app.config
    if not mail_configured():
        return None
    hours = int(link_lifetime().total_seconds() // 3600)
    message = EmailMessage()
    message["Subject"] = f"Set your password for the {config.get('SERVICE_NAME', 'WSoA tracker')}"
    message["From"] = config.get("MAIL_SENDER") or f"no-reply@{config['MAIL_SERVER']}"
    message["To"] = user.email
    message.set_content(
        f"Dear {user.name},\n\n"
        f"An account has been set up for you on the {config.get('SERVICE_NAME', 'WSoA tracker')}.\n\n"
        f"Set your password using this link:\n{link}\n\n"
        f"The link works once and expires in {hours} hours. If it has expired, ask an admin for a new one.\n\n"
        "If you were not expecting this email, you can ignore it.\n"
    )
    factory = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    try:
        with factory(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=10) as smtp:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        current_app.logger.warning("Could not email a set-password link to user %s: %s", user.id, error)
        return False
    return True
