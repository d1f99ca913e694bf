"""Rules for comments, board challenges and sign-off, with no Flask and no database.

Comments are history: editing one adds a version (`original_id` names the first), and an answer points at the
first version of the challenge it answers. A challenge is open until it has an answer. An update's sign-off state is
its latest decision; an update with none is waiting.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

SIGNED_OFF = "signed_off"
RETURNED = "returned"
WAITING = "waiting"
STATE_LABELS = {SIGNED_OFF: "Signed off", RETURNED: "Returned", WAITING: "Waiting for sign-off"}


class CommentLike(Protocol):
    id: int
    original_id: int | None
    answers_id: int | None
    is_challenge: bool
    created_at: datetime


@dataclass
class Thread:
    """One comment with its versions (oldest first) and the answers to it, each with its versions."""

    versions: list = field(default_factory=list)
    answers: list["Thread"] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.versions[0].id

    @property
    def current(self):
        return self.versions[-1]

    @property
    def edited(self) -> bool:
        return len(self.versions) > 1

    @property
    def is_challenge(self) -> bool:
        return bool(self.versions[0].is_challenge)

    @property
    def is_open(self) -> bool:
        return self.is_challenge and not self.answers


def threads(comments: Iterable[CommentLike]) -> list[Thread]:
    """Comments grouped into threads, oldest first; answers under the challenge they answer."""
    by_root: dict[int, Thread] = {}
    for comment in sorted(comments, key=lambda c: c.id):
        root = comment.original_id or comment.id
        by_root.setdefault(root, Thread()).versions.append(comment)
    top = []
    for thread in by_root.values():
        answered = thread.versions[0].answers_id
        if answered is not None and answered in by_root:
            by_root[answered].answers.append(thread)
        else:
            top.append(thread)
    return top


@dataclass(frozen=True)
class Reviewer:
    """Who is asking to sign off: their level, the role codes they hold and their user id."""

    level: str
    role_codes: frozenset[str]
    user_id: int | None


def may_sign_off(reviewer: Reviewer, priority_roles: Iterable[str | None], author_id: int | None) -> bool:
    """Editors and admins, and holders of the priority's lead or accountable role; never the update's own author."""
    if reviewer.user_id is not None and reviewer.user_id == author_id:
        return False
    if reviewer.level in ("admin", "editor"):
        return True
    wanted = {code.strip().casefold() for code in priority_roles if code and code.strip()}
    return reviewer.level == "lead" and bool(wanted & {code.casefold() for code in reviewer.role_codes})


def sign_off_state(decisions: Iterable[tuple[int, str]]) -> str:
    """The latest (highest id) decision on an update, or waiting."""
    latest = max(decisions, default=None)
    return latest[1] if latest else WAITING


def refusal_reason(reviewer: Reviewer, priority_roles: Iterable[str | None], author_id: int | None) -> str | None:
    """Why this person may not sign off this update, in words; None when they may."""
    if reviewer.user_id is not None and reviewer.user_id == author_id:
        return "You recorded this update, so someone else must sign it off"
    if not may_sign_off(reviewer, priority_roles, author_id):
        return "Only the priority's lead, its accountable officer, editors and admins can sign off updates"
    return None
