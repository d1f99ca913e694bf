"""Local areas (partnerships): each owns its plans and its key-roles glossary; a user's level is held per area."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wsoa.extensions import db
from wsoa.models.types import UTCDateTime, allowed_values, utcnow

LEVELS = ("admin", "editor", "lead", "viewer")
DEFAULT_AREA_NAME = "Local area"  # the area made when the first plan, role or user arrives and there is none yet


class Area(db.Model):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AreaMembership(db.Model):
    """A user's permission level in one area: one person can be a lead in one area and a viewer in another."""

    __tablename__ = "area_membership"
    __table_args__ = (UniqueConstraint("user_id", "area_id"), allowed_values("level", LEVELS))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    level: Mapped[str] = mapped_column(String(10), default="viewer")
