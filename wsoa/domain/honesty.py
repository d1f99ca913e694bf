"""Staleness and honesty checks: ratings that the facts on record do not support.

Boards read RAG ratings at face value, so the tracker points out the ones that deserve a second look: Green or
Amber after the (revised) completion date has passed, Blue with no evidence of completion, Red with no recovery
plan, and actions nobody has updated in the current review period.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from wsoa.domain.rag import Rag, rag_label


class Flag(StrEnum):
    PAST_DUE_BUT_ON_TRACK = "past_due_but_on_track"
    BLUE_WITHOUT_EVIDENCE = "blue_without_evidence"
    RED_WITHOUT_RECOVERY = "red_without_recovery"
    NOT_UPDATED = "not_updated"


# Short names for counts on the overview, in the order boards read them.
FLAG_TITLES: dict[Flag, str] = {
    Flag.PAST_DUE_BUT_ON_TRACK: "Green or Amber but past the completion date",
    Flag.BLUE_WITHOUT_EVIDENCE: "Blue (complete) without evidence",
    Flag.RED_WITHOUT_RECOVERY: "Red without next steps or mitigation",
    Flag.NOT_UPDATED: "Not updated this review period",
}


@dataclass(frozen=True)
class ActionFacts:
    """What the checks need to know about an action: its latest update and whether it was updated this period."""

    rag: str | None
    due_end: date | None
    revised_due_end: date | None = None
    evidence: str | None = None
    next_steps: str | None = None
    risks: str | None = None
    updated_this_period: bool = False
    period_open: bool = True
    retired: bool = False

    @property
    def effective_due_end(self) -> date | None:
        return self.revised_due_end or self.due_end


@dataclass(frozen=True)
class HonestyFlag:
    flag: Flag
    message: str


def _filled(text: str | None) -> bool:
    return bool(text and text.strip())


def _uk(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def needs_update(facts: ActionFacts) -> bool:
    """Due an update this period: live, not yet updated, and not already complete (Blue needs no more updates)."""
    return facts.period_open and not facts.retired and not facts.updated_this_period and facts.rag != Rag.BLUE


def honesty_flags(facts: ActionFacts, today: date) -> list[HonestyFlag]:
    """Every check the action's current state fails, worst first; none for a retired action."""
    if facts.retired:
        return []
    flags = []
    due = facts.effective_due_end
    if facts.rag in (Rag.GREEN, Rag.AMBER) and due is not None and due < today:
        flags.append(
            HonestyFlag(
                Flag.PAST_DUE_BUT_ON_TRACK,
                f"Rated {rag_label(facts.rag)} but its completion date ({_uk(due)}) has passed",
            )
        )
    if facts.rag == Rag.BLUE and not _filled(facts.evidence):
        flags.append(HonestyFlag(Flag.BLUE_WITHOUT_EVIDENCE, "Rated Blue (complete) but no evidence is recorded"))
    if facts.rag == Rag.RED:
        missing = [
            name for name, text in (("next steps", facts.next_steps), ("mitigation", facts.risks)) if not _filled(text)
        ]
        if missing:
            flags.append(
                HonestyFlag(Flag.RED_WITHOUT_RECOVERY, f"Rated Red (off track) but no {' or '.join(missing)} recorded")
            )
    if needs_update(facts):
        flags.append(HonestyFlag(Flag.NOT_UPDATED, "No update yet this review period"))
    return flags


def count_flags(flag_lists: list[list[HonestyFlag]]) -> dict[Flag, int]:
    """How many actions raise each flag, with every flag present."""
    counts = dict.fromkeys(Flag, 0)
    for flags in flag_lists:
        for flag in {f.flag for f in flags}:
            counts[flag] += 1
    return counts
