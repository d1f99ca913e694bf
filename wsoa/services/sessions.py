"""Signed-in sessions kept on the server: one row per session, so ending it holds wherever its cookie has been copied.

The cookie carries a random token; the row is keyed by the token's SHA-256 digest, so the table alone signs no one
in. The signed-in user is loaded with their session row in one query by primary key (`load_user`), the query every
signed-in request already made, so checking costs nothing that grows with users or sessions. Rows are ended by
signing out (deleted), by a password change or reset, by deactivation and by an admin's "sign this user out
everywhere" (marked with why, so the person is told once); rows older than the session lifetime are deleted at each
sign-in.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from wsoa.extensions import db
from wsoa.models import User, UserSession
from wsoa.models.types import utcnow

PASSWORD_CHANGED = "password_changed"  # noqa: S105  (a reason, not a secret)
SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
DEACTIVATED = "deactivated"

ENDED_MESSAGES = {
    PASSWORD_CHANGED: "You were signed out because your password was changed. Sign in with your new password.",
    SIGNED_OUT_EVERYWHERE: "You were signed out by an admin. Sign in again.",
}
ENDED_MESSAGE = "You have been signed out. Sign in again."


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, *, lifetime: timedelta, now: datetime | None = None) -> str:
    """Record a new session for this user and return the token its cookie carries (the caller commits)."""
    now = now or utcnow()
    db.session.execute(delete(UserSession).where(UserSession.created_at < now - lifetime))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(digest=_digest(token), user_id=user.id, created_at=now))
    return token


def end(token: str | None) -> None:
    """This session is over (signed out, or expired): its cookie, or any copy, signs no one in again."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.digest == _digest(token)))


def end_all(user_id: int, *, reason: str, except_token: str | None = None) -> int:
    """End every session this user has (but the one given); returns how many were open."""
    statement = update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_reason.is_(None))
    if except_token:
        statement = statement.where(UserSession.digest != _digest(except_token))
    return db.session.execute(statement.values(ended_reason=reason)).rowcount


def load_user(user_id: int, token: str | None) -> tuple[User | None, str | None]:
    """The active user whose open session this is, in one query; else None and why the session ended, if known."""
    if not token:
        return None, None
    row = db.session.execute(
        select(User, UserSession.ended_reason)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.digest == _digest(token), User.id == user_id)
    ).first()
    if row is None:
        return None, None
    user, ended_reason = row
    if ended_reason is not None or not user.active:
        return None, ended_reason or DEACTIVATED
    return user, None
