"""The board progress report as data: the records a report is made from, and the report itself (plain dataclasses).

Pure: no Flask, no database. wsoa.services.reports loads a `ReportSource`; wsoa.reports.assemble builds a
`BoardReport` from it and a snapshot; the writers (html, pdf, docx, xlsx) only lay out what is here. Everything in a
`BoardReport` except `generated_at` is a function of the history up to the period, so the same report comes out
whenever it is generated. Dates and values are worded by wsoa.domain.wording, as on every other page.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from wsoa.domain.kpi_status import STATUS_LABELS, KpiDefinition, KpiStatus
from wsoa.domain.rag import NOT_RATED, rag_label, rag_meaning
from wsoa.domain.snapshot import (
    ACTION_WORDING,
    PRIORITY_WORDING,
    ActionRecord,
    Change,
    EditRecord,
    PeriodRecord,
    UpdateRecord,
    as_it_stood,
)
from wsoa.domain.wording import format_value, uk_day, uk_moment

# With no start date to measure the period by, "due next period" looks this far ahead.
DEFAULT_PERIOD_LENGTH = timedelta(days=91)
CHANGE_ORDER = (Change.IMPROVED, Change.WORSENED, Change.UNCHANGED, Change.NEWLY_COMPLETE, Change.NEWLY_RATED)
CHANGE_LABELS = {
    Change.IMPROVED: "Improved",
    Change.WORSENED: "Worsened",
    Change.UNCHANGED: "Unchanged",
    Change.NEWLY_COMPLETE: "Newly complete",
    Change.NEWLY_RATED: "Newly rated",
}
RAG_KEYS = ("red", "amber", "green", "blue", NOT_RATED)  # the order every summary table uses
CHANGE_KEYS = tuple(change.value for change in CHANGE_ORDER)
STATUS_ORDER = (KpiStatus.OFF_TRACK, KpiStatus.AT_RISK, KpiStatus.ON_TRACK, KpiStatus.TARGET_MET, KpiStatus.NO_DATA)
STALE_KPI_TITLE = "KPI value out of date"


# ---------------------------------------------------------------------------------------------------------------
# What the service loads: plain records, no ORM objects.


@dataclass(frozen=True)
class PlanInfo:
    id: int
    title: str
    kind_label: str
    area: str | None = None
    sign_off_required: bool = False  # updates count only once signed off


@dataclass(frozen=True)
class EvidenceRecord:
    action_id: int
    file_name: str
    added_at: datetime


@dataclass(frozen=True)
class ChallengeRecord:
    """A board challenge on an action: when raised, and when first answered (None: not yet)."""

    action_id: int
    raised_at: datetime
    raised_by: str | None
    text: str
    answered_at: datetime | None = None


@dataclass(frozen=True)
class PeriodInfo:
    """A review period as the report lists it: the snapshot's record and whether it is the current one."""

    record: PeriodRecord
    is_current: bool = False

    @property
    def board_date(self) -> date | None:
        return self.record.board_date

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def label(self) -> str:
        return self.record.label


@dataclass(frozen=True)
class PriorityInfo:
    number: int
    title: str
    lead_role: str | None = None
    position: int = 0
    id: int | None = None


@dataclass(frozen=True)
class HolderRecord:
    person: str | None
    started_at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True)
class RoleRecord:
    code: str | None
    title: str | None
    organisation: str | None
    person: str | None  # the current holder, used only when no holder history is recorded
    holders: tuple[HolderRecord, ...] = ()
    position: int = 0


@dataclass(frozen=True)
class KpiValueRecord:
    id: int
    on: date
    value: Decimal | float
    created_at: datetime
    supersedes_id: int | None = None
    demo: bool = False


@dataclass(frozen=True)
class KpiRecord:
    id: int
    priority: int  # the priority's number
    name: str
    unit: str | None
    definition: KpiDefinition
    values: tuple[KpiValueRecord, ...] = ()
    position: int = 0


@dataclass
class ReportSource:
    """Everything a report of any period of one plan is made from (loaded in a fixed number of queries)."""

    plan: PlanInfo
    periods: list[PeriodInfo]
    priorities: list[PriorityInfo]
    actions: list[ActionRecord]
    updates: list[UpdateRecord]
    roles: list[RoleRecord]
    kpis: list[KpiRecord]
    edits: list[EditRecord] = field(default_factory=list)  # of its actions and priorities, oldest first
    evidence: list[EvidenceRecord] = field(default_factory=list)  # evidence files on its actions' updates
    challenges: list[ChallengeRecord] = field(default_factory=list)  # board challenges on its actions

    def period(self, period_id: int) -> PeriodInfo | None:
        return next((p for p in self.periods if p.id == period_id), None)

    def period_by_label(self, label: str) -> PeriodInfo | None:
        wanted = " ".join(label.split()).casefold()
        return next((p for p in self.periods if " ".join(p.label.split()).casefold() == wanted), None)

    def as_settled_for(self, period: PeriodRecord) -> "ReportSource":
        """The actions and priorities worded as they stood when the period's paper was settled."""
        edits: dict[tuple[str, int], list[EditRecord]] = {}
        for edit in self.edits:
            edits.setdefault((edit.entity_type, edit.entity_id), []).append(edit)
        if not edits:
            return self
        settled = period.settled_on
        return replace(
            self,
            actions=[as_it_stood(a, edits.get(("action", a.id), ()), settled, ACTION_WORDING) for a in self.actions],
            priorities=[
                as_it_stood(p, edits.get(("priority", p.id), ()), settled, PRIORITY_WORDING) for p in self.priorities
            ],
        )


@dataclass(frozen=True)
class ReportOptions:
    period_id: int
    compare_with_id: int | None = None  # None: the period before
    priorities: tuple[int, ...] | None = None  # None: the whole plan
    include_appendix: bool = True


# ---------------------------------------------------------------------------------------------------------------
# The report.


@dataclass(frozen=True)
class Cover:
    plan_title: str
    plan_kind: str
    area: str | None
    period_label: str
    period_start: date | None
    period_end: date | None
    board_date: date | None
    as_at: date | None
    compared_with: str | None
    scope: str
    generated_by: str
    demo_data: bool = False  # some of what it counts is illustrative demo data, not a real position

    @property
    def title(self) -> str:
        return f"Board progress report: {self.period_label}"

    @property
    def position_as_at(self) -> str:
        return uk_day(self.as_at, "the latest update recorded for the period")

    @property
    def period_with_dates(self) -> str:
        """The period's name, with its dates when it has any: "Q3 2021/22 (1 Oct 2021 to 31 Dec 2021)"."""
        if not (self.period_start or self.period_end):
            return self.period_label
        return f"{self.period_label} ({uk_day(self.period_start, 'not set')} to {uk_day(self.period_end, 'not set')})"

    @property
    def recorded_by(self) -> str:
        """The day the paper was settled: KPI values and actions recorded after it are left out."""
        if self.board_date:
            return f"{uk_day(self.board_date)} (the board date)"
        return f"{uk_day(self.as_at)} (the end of the period)" if self.as_at else "Whenever it is generated"

    @property
    def demo_warning(self) -> str:
        return "Demo data: this report counts illustrative updates and KPI values, not a real position."

    @property
    def basis(self) -> str:
        settled = uk_day(self.board_date or self.as_at, "the time it is generated")
        return (
            f"Built only from the progress updates recorded for {self.period_label} and earlier, and the KPI values "
            f"and actions recorded by {settled}, so this report is the same whenever it is produced. Every RAG rating "
            "is shown with its word: Red (off track), Amber (at risk), Green (on track), Blue (complete), Not rated."
        )


@dataclass(frozen=True)
class ActionLine:
    id: int
    ref: str
    priority: int
    title: str
    lead: str
    due_text: str | None
    due: date | None  # the completion date that applies at the period's end (revised if one was agreed)
    original_due: date | None
    rag: str | None
    previous_rag: str | None
    change: str
    narrative: str | None
    next_steps: str | None
    risks: str | None
    evidence: str | None
    narrative_period: str | None  # the period the latest update was recorded for
    updated_this_period: bool
    overdue: bool

    @property
    def rag_label(self) -> str:
        return rag_label(self.rag)

    @property
    def rag_key(self) -> str:
        return self.rag or NOT_RATED

    @property
    def rag_meaning(self) -> str:
        return rag_meaning(self.rag)

    @property
    def revised(self) -> bool:
        return self.due is not None and self.due != self.original_due

    @property
    def due_display(self) -> str:
        """The completion date as written, with the revised date when one was agreed."""
        written = self.due_text or (uk_day(self.original_due) if self.original_due else "Not set")
        return f"{written} (revised to {uk_day(self.due)})" if self.revised else written

    @property
    def change_label(self) -> str:
        return CHANGE_LABELS[Change(self.change)]


@dataclass(frozen=True)
class KpiLine:
    id: int
    priority: int
    name: str
    unit: str | None
    direction: str
    status: str
    latest_value: float | None
    latest_on: date | None
    target_value: float | None
    target_on: date | None
    baseline_value: float | None
    stale: bool
    explanation: str
    readings: tuple[tuple[date, float], ...]
    trajectory: tuple[tuple[date, float], ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[KpiStatus(self.status)]

    @property
    def latest_display(self) -> str:
        if self.latest_value is None:
            return "No data"
        return f"{format_value(self.latest_value, self.unit)} ({uk_day(self.latest_on)})"

    @property
    def target_display(self) -> str:
        if self.target_value is None:
            return "Not set"
        by = f" by {uk_day(self.target_on)}" if self.target_on else ""
        return f"{format_value(self.target_value, self.unit)}{by}"


@dataclass(frozen=True)
class SummaryRow:
    number: int | None  # None: the whole plan (or the selected priorities together)
    title: str
    distribution: dict[str, int]
    changes: dict[str, int]
    overdue: int
    updates_missing: int
    previously_rated: int = 0  # actions with a RAG rating in the period compared with

    @property
    def total(self) -> int:
        return sum(self.distribution.values())


@dataclass(frozen=True)
class Summary:
    plan: SummaryRow
    priorities: tuple[SummaryRow, ...]
    kpi_statuses: tuple[tuple[str, int], ...]  # (status label, count), worst first
    exceptions: int
    slipped: int
    completed: int
    due_next: int
    checks: int
    compared_with: str | None = None  # the earlier period's label; None when this is the first

    @property
    def change_note(self) -> str | None:
        """Why nothing improved or worsened, when the earlier period rated no action (so it is not read as no change)."""
        if self.compared_with is None or self.plan.previously_rated or not self.plan.total:
            return None
        newly = self.plan.changes.get(Change.NEWLY_RATED.value, 0) + self.plan.changes.get(
            Change.NEWLY_COMPLETE.value, 0
        )
        return (
            f"No action had a RAG rating for {self.compared_with}, so none can show as improved or worsened: "
            f"the {newly} rated this period are counted as newly rated or newly complete."
        )


@dataclass(frozen=True)
class PrioritySection:
    number: int
    title: str
    lead: str
    row: SummaryRow
    kpis: tuple[KpiLine, ...]
    actions: tuple[ActionLine, ...]


@dataclass(frozen=True)
class SlipLine:
    action: ActionLine
    old_due: date | None
    new_due: date | None
    new_due_text: str | None
    reason: str | None


@dataclass(frozen=True)
class Exceptions:
    red_amber: tuple[ActionLine, ...]
    slipped: tuple[SlipLine, ...]
    overdue: tuple[ActionLine, ...]


@dataclass(frozen=True)
class DueNext:
    start: date | None
    end: date | None
    actions: tuple[ActionLine, ...]


@dataclass(frozen=True)
class CheckLine:
    check: str  # a honesty Flag value, or "stale_kpi"
    title: str
    ref: str
    subject: str
    lead: str
    message: str


@dataclass(frozen=True)
class Checks:
    lines: tuple[CheckLine, ...]
    counts: tuple[tuple[str, int], ...]  # (check title, how many), every check present
    stale_kpis: tuple[KpiLine, ...]
    # With sign-off on: how many of the period's updates are signed off, of how many (None: sign-off is off).
    signed_off: tuple[int, int] | None = None

    @property
    def sign_off_note(self) -> str | None:
        if self.signed_off is None:
            return None
        done, total = self.signed_off
        return (
            f"Sign-off is on: {done} of {total} {'update' if total == 1 else 'updates'} recorded for this period "
            "signed off. Only signed-off ratings are counted; the rest are listed below."
        )

    @property
    def total(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class RoleLine:
    code: str | None
    title: str | None
    organisation: str | None
    person: str | None


@dataclass(frozen=True)
class EvidenceLine:
    ref: str
    title: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Appendix:
    roles: tuple[RoleLine, ...]
    actions: tuple[ActionLine, ...]
    evidence: tuple[EvidenceLine, ...] = ()  # evidence files per action, by name, as the settled day saw them


@dataclass(frozen=True)
class BoardReport:
    cover: Cover
    summary: Summary
    priorities: tuple[PrioritySection, ...]
    exceptions: Exceptions
    completed: tuple[ActionLine, ...]
    due_next: DueNext
    checks: Checks
    appendix: Appendix | None
    options: ReportOptions
    generated_at: datetime | None  # the only field that differs between two generations of the same report

    @property
    def generated_at_display(self) -> str:
        return uk_moment(self.generated_at)

    @property
    def cover_details(self) -> list[list[str]]:
        """The cover's table of what the paper is, as Word and PDF show it: [label, text] rows."""
        cover = self.cover
        return [
            ["Review period", cover.period_with_dates],
            ["Board date", uk_day(cover.board_date, "Not set")],
            ["Position as at", cover.position_as_at],
            ["Figures recorded by", cover.recorded_by],
            *self.provenance,
        ]

    @property
    def provenance(self) -> list[list[str]]:
        """The cover's last rows in every format: what the paper compares with and covers, who made it and when."""
        return [
            ["Compared with", self.cover.compared_with or "No earlier period"],
            ["Covers", self.cover.scope],
            ["Generated by", self.cover.generated_by],
            ["Generated", self.generated_at_display],
        ]

    @property
    def running_title(self) -> str:
        return f"{self.cover.plan_title} – {self.cover.title}"
