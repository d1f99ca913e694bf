"""The plan as it stood at the end of a review period, computed from the append-only history.

Reports are built only from a snapshot, so the report for a past period is the same whenever it is generated:
an update counts for period P when it was recorded for P or an earlier period (by the periods' order); updates
recorded with no period count when they were made on or before P's end date. An action added to the plan in the app
after P's paper was settled (its board date, or its end without one) is not in P's report unless it has an update
counted for P; actions written in the imported plan belong to every period. Actions and priorities are worded as
they stood when P's paper was settled: a later edit (in the app or by a re-import) is put back from the audit trail.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from wsoa.domain.actions import ActionState, is_overdue
from wsoa.domain.rag import SEVERITY_ORDER, Rag, rag_distribution

UK = ZoneInfo("Europe/London")
if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


@dataclass(frozen=True)
class PeriodRecord:
    id: int
    label: str
    position: int
    start: date | None = None
    end: date | None = None
    board_date: date | None = None

    @property
    def settled_on(self) -> date | None:
        """The day the period's paper is settled: what was recorded after it does not change the paper."""
        return self.board_date or self.end


@dataclass(frozen=True)
class ActionRecord:
    id: int
    ref: str
    priority: int
    title: str
    lead: str | None = None
    due_text: str | None = None
    due_end: date | None = None
    retired_at: datetime | None = None
    position: int = 0
    in_plan_from: date | None = None  # the day it was added in the app; None: written in the plan as imported


@dataclass(frozen=True)
class UpdateRecord:
    id: int
    action_id: int
    period_id: int | None
    created_at: datetime
    rag: str | None = None
    narrative: str | None = None
    next_steps: str | None = None
    risks: str | None = None
    evidence: str | None = None
    confidence: str | None = None
    revised_due_text: str | None = None
    revised_due_end: date | None = None
    revised_due_reason: str | None = None
    author: str | None = None
    demo: bool = False  # illustrative data loaded with the demo plan
    needs_sign_off: bool = False  # recorded in the app (imported and demo history needs none)
    decisions: tuple[tuple[datetime, str], ...] = ()  # sign-off decisions on it, oldest first: (when, decision)

    def sign_off_as_at(self, cutoff: datetime | None) -> str:
        """ "signed_off", "returned" or "waiting": its latest decision made by the cutoff (None: by now)."""
        made = [decision for at, decision in self.decisions if cutoff is None or at <= cutoff]
        return made[-1] if made else "waiting"


@dataclass(frozen=True)
class EditRecord:
    """An audited change to an action's or a priority's own fields: when it was made, and the values it replaced."""

    entity_type: str  # "action" or "priority"
    entity_id: int
    at: datetime
    before: Mapping[str, object]


# What a board paper shows of each, so what a later edit must not change in a settled paper.
ACTION_WORDING = ("ref", "title", "lead", "due_text", "due_end")
PRIORITY_WORDING = ("title", "lead_role")


def as_it_stood(record: R, edits: Iterable[EditRecord], settled_on: date | None, fields: Sequence[str]) -> R:
    """The record with each of `fields` edited after `settled_on` put back: the value the first later edit replaced.

    `edits` are the record's own, oldest first. A paper not yet settled (no date) shows the record as it is."""
    if settled_on is None:
        return record
    cutoff = _end_of_day(settled_on)
    restored: dict[str, object] = {}
    for edit in edits:
        if edit.at > cutoff:
            for name in fields:
                if name in edit.before and name not in restored:
                    restored[name] = edit.before[name]
    if isinstance(due_end := restored.get("due_end"), str):  # the audit trail holds dates as ISO text
        restored["due_end"] = date.fromisoformat(due_end)
    return replace(record, **restored) if restored else record


class Change(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"
    NEWLY_COMPLETE = "newly complete"
    NEWLY_RATED = "newly rated"


@dataclass(frozen=True)
class Slip:
    old_due: date | None
    new_due: date | None
    new_due_text: str | None
    reason: str | None


@dataclass(frozen=True)
class ActionAtPeriod:
    action: ActionRecord
    latest: UpdateRecord | None  # the latest update counted as at the period
    updated_this_period: bool
    effective_due: date | None
    overdue: bool
    previous_rag: str | None
    change: Change
    slip: Slip | None  # the completion date moved in this period
    # With sign-off on: the newer update not counted because it was not signed off by the settled day, and its state.
    awaiting_sign_off: UpdateRecord | None = None
    awaiting_state: str | None = None

    @property
    def rag(self) -> str | None:
        return self.latest.rag if self.latest else None


@dataclass
class PlanSnapshot:
    period: PeriodRecord
    previous: PeriodRecord | None
    as_at: date | None
    actions: list[ActionAtPeriod] = field(default_factory=list)

    def for_priority(self, number: int) -> list[ActionAtPeriod]:
        return [a for a in self.actions if a.action.priority == number]

    def distribution(self, priority: int | None = None) -> dict[str, int]:
        rows = self.actions if priority is None else self.for_priority(priority)
        return rag_distribution(a.rag for a in rows)

    def changes(self, priority: int | None = None) -> dict[str, int]:
        rows = self.actions if priority is None else self.for_priority(priority)
        counts = {change.value: 0 for change in Change}
        for row in rows:
            counts[row.change.value] += 1
        return counts

    @property
    def exceptions(self) -> list[ActionAtPeriod]:
        """Red then amber actions, worst first, in plan order within each rating."""
        severity = {rag: rank for rank, rag in enumerate(SEVERITY_ORDER)}
        flagged = [a for a in self.actions if a.rag in (Rag.RED, Rag.AMBER)]
        return sorted(flagged, key=lambda a: (severity[a.rag], a.action.position, a.action.id))

    @property
    def slipped(self) -> list[ActionAtPeriod]:
        return [a for a in self.actions if a.slip is not None]

    @property
    def overdue(self) -> list[ActionAtPeriod]:
        return [a for a in self.actions if a.overdue]

    @property
    def not_updated(self) -> list[ActionAtPeriod]:
        return [a for a in self.actions if not a.updated_this_period]

    @property
    def completed_this_period(self) -> list[ActionAtPeriod]:
        return [a for a in self.actions if a.change == Change.NEWLY_COMPLETE]

    @property
    def awaiting_sign_off(self) -> list[ActionAtPeriod]:
        return [a for a in self.actions if a.awaiting_sign_off is not None]


_RANKS: dict[str, int] = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.BLUE: 3}


def _rank(rag: str | None) -> int | None:
    return _RANKS.get(rag) if rag else None


def compare(previous: str | None, current: str | None) -> Change:
    """How an action's rating moved between two periods."""
    if current == Rag.BLUE and previous != Rag.BLUE:
        return Change.NEWLY_COMPLETE
    if previous is None:
        return Change.NEWLY_RATED if current is not None else Change.UNCHANGED
    now, then = _rank(current), _rank(previous)
    if current is None or now == then:
        return Change.UNCHANGED
    if now is None or then is None:  # comparing them failed here before they were typed: still an error
        raise ValueError(f"Not a RAG rating: {previous!r} or {current!r}")
    return Change.IMPROVED if now > then else Change.WORSENED


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UK).astimezone(UTC)


def _counted(update: UpdateRecord, period: PeriodRecord, positions: dict[int, int]) -> bool:
    if update.period_id is not None:
        return positions.get(update.period_id, 10**9) <= period.position
    return period.end is not None and update.created_at <= _end_of_day(period.end)


def _latest_by_action(
    updates: Iterable[UpdateRecord], period: PeriodRecord | None, positions, *, sign_off: bool = False
) -> dict[int, list]:
    """Each action's updates counted for the period, oldest first; with `sign_off`, only those signed off by the day
    the period's paper was settled (so a later sign-off leaves a settled paper as it was)."""
    by_action: dict[int, list[UpdateRecord]] = {}
    if period is None:
        return by_action
    cutoff = _end_of_day(period.settled_on) if period.settled_on else None
    for update in sorted(updates, key=lambda u: u.id):
        if not _counted(update, period, positions):
            continue
        if sign_off and update.needs_sign_off and update.sign_off_as_at(cutoff) != "signed_off":
            continue
        by_action.setdefault(update.action_id, []).append(update)
    return by_action


def _in_plan_at(action: ActionRecord, period: PeriodRecord, *, counted: bool) -> bool:
    """Whether the action belonged to the plan as the period's paper saw it: not yet retired, already added."""
    if action.retired_at is not None and not (period.end and action.retired_at > _end_of_day(period.end)):
        return False
    settled = period.settled_on
    return counted or action.in_plan_from is None or settled is None or action.in_plan_from <= settled


def _effective_due(action: ActionRecord, history: Sequence[UpdateRecord]) -> date | None:
    revised = next((u.revised_due_end for u in reversed(history) if u.revised_due_end), None)
    return revised or action.due_end


def take_snapshot(
    *,
    actions: Iterable[ActionRecord],
    updates: Sequence[UpdateRecord],
    periods: Sequence[PeriodRecord],
    period_id: int,
    compare_with_id: int | None = None,
    sign_off_required: bool = False,
) -> PlanSnapshot:
    """The plan as it stood at the end of `period_id`, compared with `compare_with_id` (default: the period before).

    With `sign_off_required`, an update recorded in the app counts only once signed off (by the settled day); the
    newer updates left out are kept on each row as awaiting sign-off."""
    ordered = sorted(periods, key=lambda p: (p.position, p.id))
    positions = {p.id: p.position for p in ordered}
    period = next(p for p in ordered if p.id == period_id)
    previous: PeriodRecord | None
    if compare_with_id is not None:
        previous = next(p for p in ordered if p.id == compare_with_id)
    else:
        earlier = [p for p in ordered if p.position < period.position]
        previous = earlier[-1] if earlier else None
    now = _latest_by_action(updates, period, positions, sign_off=sign_off_required)
    before = _latest_by_action(updates, previous, positions, sign_off=sign_off_required)
    every = _latest_by_action(updates, period, positions) if sign_off_required else now
    cutoff = _end_of_day(period.settled_on) if period.settled_on else None
    as_at = period.end
    snapshot = PlanSnapshot(period=period, previous=previous, as_at=as_at)
    live = [a for a in actions if _in_plan_at(a, period, counted=a.id in every)]
    for action in sorted(live, key=lambda a: (a.position, a.id)):
        history = now.get(action.id, [])
        history_before = before.get(action.id, [])
        latest = history[-1] if history else None
        previous_latest = history_before[-1] if history_before else None
        effective_due = _effective_due(action, history)
        state = ActionState(latest.rag if latest else None, action.due_end, effective_due)
        newest = every.get(action.id, [None])[-1]
        awaiting = newest if newest is not None and newest is not latest else None
        in_period = [u for u in history if u.period_id == period.id]
        recorded_in_period = any(u.period_id == period.id for u in every.get(action.id, []))
        slip = None
        old_due = _effective_due(action, history_before)
        moved = [u for u in in_period if u.revised_due_end and u.revised_due_end != old_due]
        if moved:
            slip = Slip(old_due, moved[-1].revised_due_end, moved[-1].revised_due_text, moved[-1].revised_due_reason)
        snapshot.actions.append(
            ActionAtPeriod(
                action=action,
                latest=latest,
                updated_this_period=recorded_in_period,
                effective_due=effective_due,
                overdue=as_at is not None and is_overdue(state, as_at),
                previous_rag=previous_latest.rag if previous_latest else None,
                change=compare(previous_latest.rag if previous_latest else None, latest.rag if latest else None),
                slip=slip,
                awaiting_sign_off=awaiting,
                awaiting_state=awaiting.sign_off_as_at(cutoff) if awaiting else None,
            )
        )
    return snapshot
