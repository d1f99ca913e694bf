"""Review periods and the append-only history of progress updates."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wsoa.domain.rag import RAG_VALUES
from wsoa.extensions import db
from wsoa.models.types import UTCDateTime, allowed_values, utcnow

if TYPE_CHECKING:
    from wsoa.models.plan import Action, Plan
    from wsoa.models.users import User

UPDATE_SOURCES = ("app", "import", "demo")


class ReviewPeriod(db.Model):
    __tablename__ = "review_period"
    __table_args__ = (UniqueConstraint("plan_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    label: Mapped[str] = mapped_column(Text)  # at most KEY_TEXT_LIMIT characters (it is indexed)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    board_date: Mapped[date | None]
    # When leads' updates are due; None: the plan's reminder settings derive it from the board date or end.
    updates_due_on: Mapped[date | None]
    is_current: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    plan: Mapped["Plan"] = relationship(back_populates="review_periods", lazy="raise")


class ProgressUpdate(db.Model):
    """One lead's report on one action for one period. Never edited or deleted: the latest is the current state."""

    __tablename__ = "progress_update"
    __table_args__ = (
        # "Was this action updated in this period?" as one index probe per action (pages ask it for every row).
        Index("ix_progress_update_action_period", "action_id", "review_period_id"),
        allowed_values("rag", RAG_VALUES, nullable=True),
        allowed_values("confidence", RAG_VALUES, nullable=True),
        allowed_values("source", UPDATE_SOURCES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up by action through ix_progress_update_action_period, whose first column it is.
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id"))
    review_period_id: Mapped[int | None] = mapped_column(ForeignKey("review_period.id"), index=True)
    rag: Mapped[str | None] = mapped_column(String(10))
    confidence: Mapped[str | None] = mapped_column(String(10))
    narrative: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    revised_due_text: Mapped[str | None] = mapped_column(Text)
    revised_due_end: Mapped[date | None]
    revised_due_reason: Mapped[str | None] = mapped_column(Text)
    revised_due_agreed_by: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    author_name: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(10), default="app")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped["Action"] = relationship(back_populates="updates", lazy="raise")
    review_period: Mapped[ReviewPeriod | None] = relationship(lazy="raise")
    author: Mapped["User | None"] = relationship(lazy="raise")
