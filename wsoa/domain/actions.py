"""Rules about an action's state: overdue, due soon, current due date."""

from dataclasses import dataclass
from datetime import date, timedelta

from wsoa.domain.rag import Rag

DUE_SOON_DAYS = 28


@dataclass(frozen=True)
class ActionState:
    """What the rules need to know about an action as it stands."""

    rag: str | None
    due_end: date | None
    revised_due_end: date | None = None
    retired: bool = False

    @property
    def effective_due_end(self) -> date | None:
        return self.revised_due_end or self.due_end


def is_overdue(state: ActionState, today: date) -> bool:
    """Past its (revised) completion date and not complete."""
    due = state.effective_due_end
    return not state.retired and due is not None and due < today and state.rag != Rag.BLUE


def is_due_soon(state: ActionState, today: date, within_days: int = DUE_SOON_DAYS) -> bool:
    due = state.effective_due_end
    return (
        not state.retired
        and due is not None
        and today <= due <= today + timedelta(days=within_days)
        and state.rag != Rag.BLUE
    )
