"""Rules for a progress update: what must be said, and when a completion date really moves."""

from dataclasses import dataclass
from datetime import date

from wsoa.domain.rag import Rag
from wsoa.domain.timeframes import Timeframe, parse_timeframe
from wsoa.domain.wording import tidy, tidy_lines

NARRATIVE_LIMIT = 10_000

# Confidence of impact is asked as High/Medium/Low and stored on the RAG scale, as boards read it.
CONFIDENCE_LEVELS: dict[str, str] = {Rag.GREEN: "High", Rag.AMBER: "Medium", Rag.RED: "Low"}


@dataclass(frozen=True)
class UpdateDraft:
    """What a lead typed into the update form, before it becomes a progress update."""

    rag: str | None
    narrative: str | None
    confidence: str | None = None
    next_steps: str | None = None
    risks: str | None = None
    revised_due_text: str | None = None
    revised_due_reason: str | None = None
    revised_due_agreed_by: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class CurrentDue:
    """The completion date as it stands: the latest agreed revision, or else the original."""

    text: str | None
    end: date | None


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def _same_text(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def moved_due(draft: UpdateDraft, current: CurrentDue) -> Timeframe | None:
    """The new completion date if the draft really moves it; None when blank or the same as it stands."""
    text = tidy(draft.revised_due_text)
    if text is None:
        return None
    timeframe = parse_timeframe(text)
    if timeframe.end is not None and current.end is not None:
        return timeframe if timeframe.end != current.end else None
    return None if _same_text(text, current.text) else timeframe


def check_update(draft: UpdateDraft, current: CurrentDue) -> list[Problem]:
    """Everything wrong with the draft, in the order the form asks, in GOV.UK wording."""
    problems = []
    if draft.rag is not None and draft.rag not in tuple(Rag):
        problems.append(Problem("rag", "Select a RAG rating"))
    if draft.confidence is not None and draft.confidence not in CONFIDENCE_LEVELS:
        problems.append(Problem("confidence", "Select how confident you are that the action will have an impact"))
    narrative = tidy(draft.narrative)
    if narrative is None:
        problems.append(Problem("narrative", "Enter a progress update"))
    elif len(narrative) > NARRATIVE_LIMIT:
        problems.append(Problem("narrative", f"Progress update must be {NARRATIVE_LIMIT:,} characters or fewer"))
    moved = None
    if tidy(draft.revised_due_text) is not None:
        moved = moved_due(draft, current)
        if moved is not None and moved.problem:
            problems.append(
                Problem(
                    "revised_due_text",
                    "Enter the revised completion date as a month and year, a date or a quarter, for example "
                    "Mar 22, 31/03/2022 or Q4 2021/22",
                )
            )
            moved = None
    if moved is not None:
        if tidy(draft.revised_due_reason) is None:
            problems.append(Problem("revised_due_reason", "Enter why the completion date is moving"))
        if tidy(draft.revised_due_agreed_by) is None:
            problems.append(Problem("revised_due_agreed_by", "Enter who agreed the new completion date"))
    if draft.rag == Rag.BLUE and tidy_lines(draft.evidence) is None:
        problems.append(Problem("evidence", "Enter the evidence that this action is complete"))
    return problems
