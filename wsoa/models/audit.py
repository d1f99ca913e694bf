"""Audit events and import batches: records of what happened, never edited."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wsoa.extensions import db
from wsoa.models.types import UTCDateTime, utcnow
from wsoa.models.users import User


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    event: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[int | None]
    # The area it happened in (wsoa.scope): its audit trail shows only its own events. None: not in an area.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship(lazy="raise")


class ImportBatch(db.Model):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    user: Mapped[User | None] = relationship(lazy="raise")


class PendingUpload(db.Model):
    """A workbook uploaded for import, kept between the preview and the confirm (or a new choice of columns).

    In the database, not on one server's disk, so the next step may land on any app server. Deleted once imported;
    ones left behind are forgotten after a day (wsoa.services.uploads). Not history, and not backed up.
    """

    __tablename__ = "pending_upload"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)  # the workbook's SHA-256
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
