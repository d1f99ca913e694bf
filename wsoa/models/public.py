"""The public "you said, we did" progress page of a plan, for families, and the texts written for it.

A family summary (one per priority) or a "you said, we did" item is a `PublicText`; its wording is kept as versions
and its approvals as rows of their own, both history: never edited or deleted. The newest approved version is what
the public page shows; a newer draft waits for approval. The page itself is built when it is published (and again
when a text is approved or KPIs are chosen while it is published) and stored in `PublicPage.content`, so every app
server shows the same page from one row, with no query per action and nothing held in a process.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from wsoa.extensions import db
from wsoa.models.types import UTCDateTime, allowed_values, utcnow

TEXT_KINDS = {"summary": "Summary for families", "said_did": "You said, we did"}


class PublicPage(db.Model):
    __tablename__ = "public_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), unique=True)
    # The page's address (/public/<slug>): unguessable, so an unpublished plan's existence is not given away.
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    kpi_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the KPIs the officer chose to publish
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the page as last built (see the module's note)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "Last updated"
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublicText(db.Model):
    """A family summary or a "you said, we did" item of one priority; its wording is in its versions."""

    __tablename__ = "public_text"
    __table_args__ = (allowed_values("kind", TEXT_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Taken off the page and out of the officer's list (audited); its versions and approvals are kept.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def kind_label(self) -> str:
        return TEXT_KINDS.get(self.kind, self.kind)


class PublicTextVersion(db.Model):
    """One wording of a public text (history: a change is a new version, which needs approving again)."""

    __tablename__ = "public_text_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("public_text.id"), index=True)
    you_said: Mapped[str | None] = mapped_column(Text)  # "you said, we did" items only
    body: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    written_by_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublicTextApproval(db.Model):
    """A version approved for publishing (history)."""

    __tablename__ = "public_text_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("public_text_version.id"), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_by_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
