"""Assurance before the board: evidence files on updates, sign-off of updates, and comments (challenges) on actions.

All three are history, like progress updates: never edited or deleted. A correction is a new file, a new decision or
a new version of a comment.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wsoa.extensions import db
from wsoa.models.types import UTCDateTime, allowed_values, utcnow

EVIDENCE_STORES = ("database", "directory")
REVIEW_DECISIONS = ("signed_off", "returned")


class EvidenceFile(db.Model):
    """A file attached to a progress update. Its bytes are in `content` or, stored in a directory, named by sha256."""

    __tablename__ = "evidence_file"
    __table_args__ = (allowed_values("stored_in", EVIDENCE_STORES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_update.id"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    file_name: Mapped[str] = mapped_column(Text)  # as uploaded, made safe; shown and offered on download
    content_type: Mapped[str] = mapped_column(String(120))  # from the content, never from the browser
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    stored_in: Mapped[str] = mapped_column(String(10), default="database")
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    uploaded_by_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UpdateReview(db.Model):
    """An accountable officer's decision on a progress update: signed off, or returned with a reason."""

    __tablename__ = "update_review"
    __table_args__ = (allowed_values("decision", REVIEW_DECISIONS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_update.id"), index=True)
    decision: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reviewer_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ActionComment(db.Model):
    """A comment on an action; a board challenge stays open until the lead or an officer answers it.

    Editing adds a new version (`original_id` names the first); an answer points at the challenge's first version.
    """

    __tablename__ = "action_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    is_challenge: Mapped[bool] = mapped_column(default=False)
    original_id: Mapped[int | None] = mapped_column(ForeignKey("action_comment.id"), index=True)
    answers_id: Mapped[int | None] = mapped_column(ForeignKey("action_comment.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    author_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", lazy="raise")
