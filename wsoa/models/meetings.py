"""Review meetings (the partnership board, or the DfE and NHS England review): who was there, what was agreed, and the
partnership's own statement, per area of weakness, of whether progress is sufficient.

A meeting's details can be corrected (audited); its statements are history, like progress updates: never edited or
deleted, a correction is a new statement. An agreed action is linked once to the plan action it became.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wsoa.extensions import db
from wsoa.models.types import UTCDateTime, utcnow

MEETING_KINDS = {"board": "Partnership board", "dfe_nhse": "DfE and NHS England review"}
VERDICTS = {"yes": "Yes", "partly": "Partly", "no": "No"}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ReviewMeeting(db.Model):
    __tablename__ = "review_meeting"
    __table_args__ = (CheckConstraint(_in("kind", MEETING_KINDS), name="kind_allowed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="board")
    held_on: Mapped[date]
    # Key roles from the glossary, by code; other attendees (organisations, not people) as written.
    attendee_roles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    other_attendees: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_by_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        return MEETING_KINDS.get(self.kind, self.kind)


class AgreedAction(db.Model):
    """An action a meeting agreed; `action_id` names the plan action made from it (None: not yet actioned)."""

    __tablename__ = "agreed_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id"), index=True)
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priority.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id"), index=True)
    created_by_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SufficiencyStatement(db.Model):
    """ "Is progress sufficient?" for one area of weakness, as agreed at one meeting. Append-only: the newest for a
    meeting and priority is the statement; earlier ones stay, shown as corrected."""

    __tablename__ = "sufficiency_statement"
    __table_args__ = (CheckConstraint(_in("verdict", VERDICTS), name="verdict_allowed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id"), index=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[str] = mapped_column(Text)
    agreed_by: Mapped[str] = mapped_column(Text)  # the roles or attendees who agreed it, as the minutes say
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_by_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def verdict_label(self) -> str:
        return VERDICTS.get(self.verdict, self.verdict)
