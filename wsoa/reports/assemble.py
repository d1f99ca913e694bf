"""The board progress report as data: every section, built only from a snapshot and what was known at the period's end.

Pure: no Flask, no database. The service loads the records (wsoa.services.reports), takes the snapshot and calls
`assemble`; the writers (html, pdf, docx, xlsx) only lay out what is here. Everything in a `BoardReport` except
`generated_at` is a function of the history up to the period, so the same report comes out whenever it is generated.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from wsoa.domain.honesty import FLAG_TITLES, ActionFacts, Flag, honesty_flags
from wsoa.domain.kpi_status import STATUS_LABELS, KpiDefinition, KpiReading, KpiStatus, kpi_status
from wsoa.domain.leads import describe_lead
from wsoa.domain.rag import NOT_RATED, Rag, rag_distribution, rag_label, rag_meaning
from wsoa.domain.snapshot import (
    ACTION_WORDING,
    PRIORITY_WORDING,
    ActionAtPeriod,
    ActionRecord,
    Change,
    EditRecord,
    PeriodRecord,
    PlanSnapshot,
    UpdateRecord,
    as_it_stood,
)

UK = ZoneInfo("Europe/London")
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


def uk_day(value: date | None, default: str = "") -> str:
    """31 Mar 2021."""
    return f"{value.day} {value:%b %Y}" if value else default


def uk_moment(value: datetime | None, default: str = "") -> str:
    """31 Mar 2021 at 14:05, in UK time."""
    if value is None:
        return default
    local = value.astimezone(UK) if value.tzinfo else value
    return f"{local.day} {local:%b %Y} at {local:%H:%M}"


def end_of_day(day: date) -> datetime:
    """The last moment of a UK calendar day, in UTC."""
    return datetime.combine(day, time.max, tzinfo=UK).astimezone(UTC)


def format_number(value: float | Decimal | None, unit: str | None = None) -> str:
    if value is None:
        return ""
    as_float = float(value)
    text = f"{as_float:,.0f}" if as_float.is_integer() else f"{as_float:,.2f}".rstrip("0").rstrip(".")
    if unit == "%":
        return f"{text}%"
    if unit and unit != "number":
        return f"{text} {unit}"
    return text


# ---------------------------------------------------------------------------------------------------------------
# What the service loads: plain records, no ORM objects.


@dataclass(frozen=True)
class PlanInfo:
    id: int
    title: str
    kind_label: str
    area: str | None = None


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
        return f"{format_number(self.latest_value, self.unit)} ({uk_day(self.latest_on)})"

    @property
    def target_display(self) -> str:
        if self.target_value is None:
            return "Not set"
        by = f" by {uk_day(self.target_on)}" if self.target_on else ""
        return f"{format_number(self.target_value, self.unit)}{by}"


@dataclass(frozen=True)
class SummaryRow:
    number: int | None  # None: the whole plan (or the selected priorities together)
    title: str
    distribution: dict[str, int]
    changes: dict[str, int]
    overdue: int
    updates_missing: int

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
class Appendix:
    roles: tuple[RoleLine, ...]
    actions: tuple[ActionLine, ...]


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
    def running_title(self) -> str:
        return f"{self.cover.plan_title} – {self.cover.title}"


# ---------------------------------------------------------------------------------------------------------------
# Rules.


def holder_as_at(role: RoleRecord, cutoff: datetime | None) -> str | None:
    """Who held the role at the cutoff; before the first recorded holder, the first one; with no history, the current."""
    if not role.holders:
        return role.person
    ordered = sorted(role.holders, key=lambda h: h.started_at)
    if cutoff is None:
        return ordered[-1].person
    holding = [h for h in ordered if h.started_at <= cutoff and (h.ended_at is None or h.ended_at > cutoff)]
    if holding:
        return holding[-1].person
    started = [h for h in ordered if h.started_at <= cutoff]
    if started:
        return None  # the role was vacant at the time
    return ordered[0].person


def readings_known(values: Iterable[KpiValueRecord], as_at: date | None, cutoff: datetime | None) -> list[KpiReading]:
    """The KPI readings a board saw for the period: values dated up to its end and recorded by the cutoff.

    A value or a correction recorded after the paper was settled (see `PeriodRecord.settled_on`) does not change the
    report for that period; it shows on the KPI's page and in later periods' reports.
    """
    dated = [v for v in values if as_at is None or v.on <= as_at]
    known = [v for v in dated if cutoff is None or v.created_at <= cutoff]
    superseded = {v.supersedes_id for v in known if v.supersedes_id is not None}
    kept = sorted((v for v in known if v.id not in superseded), key=lambda v: (v.on, v.id))
    return [KpiReading(on=v.on, value=v.value) for v in kept]


def due_next_window(period: PeriodRecord) -> tuple[date | None, date | None]:
    """The next period's span, measured from this one (so later periods do not change a past report)."""
    if period.end is None:
        return None, None
    if period.start and period.start <= period.end:
        length = period.end - period.start + timedelta(days=1)
    else:
        length = DEFAULT_PERIOD_LENGTH
    return period.end + timedelta(days=1), period.end + length


def _kpi_line(kpi: KpiRecord, as_at: date | None, cutoff: datetime | None) -> KpiLine:
    readings = readings_known(kpi.values, as_at, cutoff)
    status_on = as_at or (readings[-1].on if readings else date.min)
    result = kpi_status(kpi.definition, readings, status_on)
    definition = kpi.definition
    trajectory = sorted(
        (p.on, float(p.value)) for p in (definition.baseline, *definition.milestones, definition.target) if p
    )
    return KpiLine(
        id=kpi.id,
        priority=kpi.priority,
        name=kpi.name,
        unit=kpi.unit,
        direction=str(definition.direction),
        status=result.status.value,
        latest_value=float(result.latest.value) if result.latest else None,
        latest_on=result.latest.on if result.latest else None,
        target_value=float(definition.target.value) if definition.target else None,
        target_on=definition.target.on if definition.target else None,
        baseline_value=float(definition.baseline.value) if definition.baseline else None,
        stale=result.stale,
        explanation=result.explanation,
        readings=tuple((r.on, float(r.value)) for r in readings),
        trajectory=tuple(trajectory),
    )


def _action_line(row: ActionAtPeriod, people: dict[str, str | None], labels: dict[int, str]) -> ActionLine:
    latest = row.latest
    return ActionLine(
        id=row.action.id,
        ref=row.action.ref,
        priority=row.action.priority,
        title=row.action.title,
        lead=describe_lead(row.action.lead, people),
        due_text=row.action.due_text,
        due=row.effective_due,
        original_due=row.action.due_end,
        rag=row.rag,
        previous_rag=row.previous_rag,
        change=row.change.value,
        narrative=latest.narrative if latest else None,
        next_steps=latest.next_steps if latest else None,
        risks=latest.risks if latest else None,
        evidence=latest.evidence if latest else None,
        narrative_period=labels.get(latest.period_id) if latest and latest.period_id is not None else None,
        updated_this_period=row.updated_this_period,
        overdue=row.overdue,
    )


def needs_update(row: ActionAtPeriod) -> bool:
    """An update is missing for the period: not updated in it, and not already complete (Blue needs no more)."""
    return not row.updated_this_period and row.rag != Rag.BLUE


def _summary_row(number: int | None, title: str, rows: Sequence[ActionAtPeriod]) -> SummaryRow:
    changes = {change.value: 0 for change in CHANGE_ORDER}
    for row in rows:
        changes[row.change.value] += 1
    return SummaryRow(
        number=number,
        title=title,
        distribution=rag_distribution(r.rag for r in rows),
        changes=changes,
        overdue=sum(r.overdue for r in rows),
        updates_missing=sum(needs_update(r) for r in rows),
    )


def _checks(rows: Sequence[ActionAtPeriod], lines: dict[int, ActionLine], kpis: Sequence[KpiLine], as_at) -> Checks:
    by_flag: dict[str, list[CheckLine]] = {flag.value: [] for flag in Flag}
    for row in rows:
        latest = row.latest
        facts = ActionFacts(
            rag=row.rag,
            due_end=row.action.due_end,
            revised_due_end=row.effective_due if row.effective_due != row.action.due_end else None,
            evidence=latest.evidence if latest else None,
            next_steps=latest.next_steps if latest else None,
            risks=latest.risks if latest else None,
            updated_this_period=row.updated_this_period,
            period_open=True,
        )
        line = lines[row.action.id]
        for flag in honesty_flags(facts, as_at or date.min):
            by_flag[flag.flag.value].append(
                CheckLine(flag.flag.value, FLAG_TITLES[flag.flag], line.ref, line.title, line.lead, flag.message)
            )
    stale = tuple(k for k in kpis if k.stale)
    stale_lines = [
        CheckLine(
            "stale_kpi",
            STALE_KPI_TITLE,
            "KPI",
            k.name,
            "",
            f"Latest value is from {uk_day(k.latest_on)}: enter a newer value before the board meets",
        )
        for k in stale
    ]
    ordered = [line for flag in Flag for line in by_flag[flag.value]] + stale_lines
    counts = tuple((FLAG_TITLES[flag], len(by_flag[flag.value])) for flag in Flag) + ((STALE_KPI_TITLE, len(stale)),)
    return Checks(lines=tuple(ordered), counts=counts, stale_kpis=stale)


def _counts_demo_data(rows: Sequence[ActionAtPeriod], kpis: Sequence[KpiRecord], as_at: date | None) -> bool:
    """Whether a rating or KPI value the report counts came with the demo plan (so the paper can say so)."""
    if any(row.latest is not None and row.latest.demo for row in rows):
        return True
    return any(value.demo and (as_at is None or value.on <= as_at) for kpi in kpis for value in kpi.values)


def _scope(selected: Sequence[PriorityInfo], every: Sequence[PriorityInfo]) -> str:
    if len(selected) == len(every):
        return "Whole plan"
    numbers = [str(p.number) for p in selected]
    joined = numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} and {numbers[-1]}"
    return f"Priority {joined} of {len(every)}" if len(numbers) == 1 else f"Priorities {joined} of {len(every)}"


def assemble(
    source: ReportSource,
    snapshot: PlanSnapshot,
    options: ReportOptions,
    *,
    generated_by: str,
    generated_at: datetime | None,
) -> BoardReport:
    """Lay the snapshot out as the board reads it: cover, summary, priorities, exceptions, checks, appendix."""
    period = source.period(snapshot.period.id) or PeriodInfo(snapshot.period)
    as_at = snapshot.as_at
    held_at = end_of_day(as_at) if as_at else None
    settled_on = snapshot.period.settled_on
    cutoff = end_of_day(settled_on) if settled_on else None
    people = {role.code: holder_as_at(role, held_at) for role in source.roles if role.code}
    labels = {p.id: p.label for p in source.periods}
    every = sorted(source.priorities, key=lambda p: (p.position, p.number))
    wanted = set(options.priorities) if options.priorities else {p.number for p in every}
    selected = [p for p in every if p.number in wanted]
    rows = [row for row in snapshot.actions if row.action.priority in wanted]
    lines = {row.action.id: _action_line(row, people, labels) for row in rows}
    kpis = [
        _kpi_line(kpi, as_at, cutoff)
        for kpi in sorted(source.kpis, key=lambda k: (k.position, k.id))
        if kpi.priority in wanted
    ]

    sections = []
    for priority in selected:
        own = [row for row in rows if row.action.priority == priority.number]
        sections.append(
            PrioritySection(
                number=priority.number,
                title=priority.title,
                lead=describe_lead(priority.lead_role, people),
                row=_summary_row(priority.number, priority.title, own),
                kpis=tuple(k for k in kpis if k.priority == priority.number),
                actions=tuple(lines[row.action.id] for row in own),
            )
        )

    wanted_ids = set(lines)
    exceptions = Exceptions(
        red_amber=tuple(lines[a.action.id] for a in snapshot.exceptions if a.action.id in wanted_ids),
        slipped=tuple(
            SlipLine(lines[a.action.id], a.slip.old_due, a.slip.new_due, a.slip.new_due_text, a.slip.reason)
            for a in snapshot.slipped
            if a.action.id in wanted_ids and a.slip is not None
        ),
        overdue=tuple(lines[a.action.id] for a in snapshot.overdue if a.action.id in wanted_ids),
    )
    completed = tuple(lines[a.action.id] for a in snapshot.completed_this_period if a.action.id in wanted_ids)
    window_start, window_end = due_next_window(snapshot.period)
    due_next = DueNext(
        start=window_start,
        end=window_end,
        actions=tuple(
            line
            for line in lines.values()
            if window_start and line.due and line.rag != Rag.BLUE and window_start <= line.due <= window_end
        ),
    )
    checks = _checks(rows, lines, kpis, as_at)
    status_counts = dict.fromkeys(STATUS_ORDER, 0)
    for kpi in kpis:
        status_counts[KpiStatus(kpi.status)] += 1
    whole = _summary_row(None, "Whole plan" if len(selected) == len(every) else "Selected priorities", rows)
    summary = Summary(
        plan=whole,
        priorities=tuple(section.row for section in sections),
        kpi_statuses=tuple((STATUS_LABELS[status], count) for status, count in status_counts.items()),
        exceptions=len(exceptions.red_amber),
        slipped=len(exceptions.slipped),
        completed=len(completed),
        due_next=len(due_next.actions),
        checks=checks.total,
    )
    appendix = None
    if options.include_appendix:
        appendix = Appendix(
            roles=tuple(
                RoleLine(role.code, role.title, role.organisation, holder_as_at(role, held_at))
                for role in sorted(source.roles, key=lambda r: (r.position, r.code or "", r.title or ""))
            ),
            actions=tuple(
                lines[row.action.id] for section in sections for row in snapshot.for_priority(section.number)
            ),
        )
    cover = Cover(
        plan_title=source.plan.title,
        plan_kind=source.plan.kind_label,
        area=source.plan.area,
        period_label=period.label,
        period_start=period.record.start,
        period_end=period.record.end,
        board_date=period.board_date,
        as_at=as_at,
        compared_with=snapshot.previous.label if snapshot.previous else None,
        scope=_scope(selected, every),
        generated_by=generated_by,
        demo_data=_counts_demo_data(rows, [k for k in source.kpis if k.priority in wanted], as_at),
    )
    return BoardReport(
        cover=cover,
        summary=summary,
        priorities=tuple(sections),
        exceptions=exceptions,
        completed=completed,
        due_next=due_next,
        checks=checks,
        appendix=appendix,
        options=options,
        generated_at=generated_at,
    )
