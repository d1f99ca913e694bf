"""The update round: each plan's reminder settings, each person's notice choices, and the outbox of notices."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wsoa.extensions import db
from wsoa.models.types import UTCDateTime, allowed_values, utcnow

if TYPE_CHECKING:
    from wsoa.models.users import User

NOTICE_STATUSES = ("pending", "sending", "sent", "failed")


class ReminderSettings(db.Model):
    """When a plan's reminders go. A plan without a row uses the defaults in wsoa.domain.reminders."""

    __tablename__ = "reminder_settings"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    # Updates are due this many days before the period's board date (or its end, without one), unless the period
    # has its own "updates due by" date.
    due_days_before_board: Mapped[int] = mapped_column(default=7)
    # Reminders go this many days before the updates are due: "7,1" by default.
    days_before: Mapped[str] = mapped_column(String(60), default="7,1")
    on_the_day: Mapped[bool] = mapped_column(default=True)
    escalation_days_after: Mapped[int | None] = mapped_column(default=3)  # None: no escalation
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class NoticePreference(db.Model):
    """What one person chose: a weekly digest instead of separate reminders, and (officers) escalations."""

    __tablename__ = "notice_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    weekly_digest: Mapped[bool] = mapped_column(default=False)
    escalations: Mapped[bool] = mapped_column(default=False)


class Notice(db.Model):
    """The outbox: one row per recipient, plan, period and occasion, written before the email is sent.

    The unique constraint is what stops a notice going twice, even with two servers sending at the same moment.
    """

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("recipient_id", "plan_id", "review_period_id", "occasion"),
        allowed_values("status", NOTICE_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    review_period_id: Mapped[int] = mapped_column(ForeignKey("review_period.id", ondelete="CASCADE"), index=True)
    occasion: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))  # reminder, escalation, digest, chaser
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # What the notice listed, for the chase list: {"actions": [ids], "kpis": [ids], "leads": [names]}.
    contents: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped["User"] = relationship(foreign_keys=[recipient_id], lazy="raise")
