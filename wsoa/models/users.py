"""People who sign in, and the glossary roles they hold."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wsoa.extensions import db
from wsoa.models.roles import Role
from wsoa.models.types import UTCDateTime, allowed_values, utcnow

LEVELS = ("admin", "editor", "lead", "viewer")

user_role = Table(
    "user_role",
    db.metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "app_user"
    __table_args__ = (allowed_values("level", LEVELS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(10), default="viewer")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[Role]] = relationship(secondary=user_role, lazy="selectin", order_by=Role.code)

    @property
    def is_active(self) -> bool:
        return self.active


class SignInFailure(db.Model):
    """Failed sign-ins, counted per account and per address to throttle guessing."""

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class UserSession(db.Model):
    """One signed-in session. The session cookie carries a random token and this row its SHA-256 digest: the session
    lasts only while the row does and is not ended, so signing out ends it on every app server, whoever holds a copy
    of the cookie. Checked in the same query that loads the signed-in user."""

    __tablename__ = "user_session"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex SHA-256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Why it was ended, when not by signing out there (which deletes the row): said once to whoever still holds it.
    ended_reason: Mapped[str | None] = mapped_column(String(30))
