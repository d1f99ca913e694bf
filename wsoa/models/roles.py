"""The key-roles glossary: leads are roles, not people, and who holds a role changes over time."""

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wsoa.extensions import db
from wsoa.models.types import UTCDateTime, utcnow


class Role(db.Model):
    __tablename__ = "role"
    __table_args__ = (UniqueConstraint("area_id", "code"),)  # a code is unique within its area's glossary

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set from the area being worked in when left unset (wsoa.scope).
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    # Text, as a workbook's glossary writes it; a code is at most KEY_TEXT_LIMIT characters (it is indexed).
    code: Mapped[str | None] = mapped_column(Text)  # some glossary rows name a group, not a code
    title: Mapped[str | None] = mapped_column(Text)
    organisation: Mapped[str | None] = mapped_column(Text)
    person: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    holders: Mapped[list["RoleHolder"]] = relationship(
        back_populates="role", order_by="RoleHolder.started_at", lazy="raise", cascade="all, delete-orphan"
    )


class RoleHolder(db.Model):
    """Who held a role and when, so reports as at a past period name the person who held it then."""

    __tablename__ = "role_holder"

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"), index=True)
    person: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    role: Mapped[Role] = relationship(back_populates="holders", lazy="raise")
