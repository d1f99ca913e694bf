"""People who sign in, and the glossary roles they hold."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, false, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wsoa.extensions import db
from wsoa.models.areas import LEVELS, AreaMembership
from wsoa.models.roles import Role
from wsoa.models.types import UTCDateTime, utcnow

__all__ = ["LEVELS", "SignInFailure", "User", "UserSession", "user_role"]

user_role = Table(
    "user_role",
    db.metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    # May create areas and their first admin (the area-management pages); levels are per area (memberships).
    is_instance_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[Role]] = relationship(secondary=user_role, lazy="selectin", order_by=Role.code)
    memberships: Mapped[list[AreaMembership]] = relationship(
        lazy="selectin", order_by=AreaMembership.area_id, cascade="all, delete-orphan"
    )

    @property
    def area_ids(self) -> list[int]:
        return [membership.area_id for membership in self.memberships]

    def membership_in(self, area_id: int | None) -> AreaMembership | None:
        """Their membership of that area; with no area named, of their only (or first) area."""
        if area_id is None:
            return self.memberships[0] if self.memberships else None
        return next((m for m in self.memberships if m.area_id == area_id), None)

    @hybrid_property
    def level(self) -> str | None:  # type: ignore[override]
        """Their level in the area being worked in (wsoa.scope); None when they are not a member of it."""
        from wsoa.scope import current_area_id

        membership = self.membership_in(current_area_id())
        return membership.level if membership else None

    @level.inplace.setter
    def _level_setter(self, value: str) -> None:
        from wsoa.scope import area_for_new_rows, current_area_id

        area_id = current_area_id()
        membership = self.membership_in(area_id)
        if membership is None:
            self.memberships.append(AreaMembership(area_id=area_id or area_for_new_rows(), level=value))
        else:
            membership.level = value

    @level.inplace.expression
    @classmethod
    def _level_expression(cls):
        from wsoa.scope import current_area_id

        area_id = current_area_id()
        query = select(AreaMembership.level).where(AreaMembership.user_id == cls.id)
        if area_id is not None:
            return query.where(AreaMembership.area_id == area_id).scalar_subquery()
        return query.order_by(AreaMembership.area_id).limit(1).scalar_subquery()

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
