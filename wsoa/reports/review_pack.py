"""The review pack for a board or DfE/NHS England review meeting: per area of weakness (priority), over the plan's life.

Pure: no Flask, no database. wsoa.services.meetings loads the board report's `ReportSource` and the meetings'
records, takes each review period's snapshot and the board report of the latest period before the meeting, and calls
`assemble_pack`. The counts per period are the snapshots' own (the board report's figures for that period); the KPIs
are the board report's lines; the evidence, challenges and slipped dates come from the same records the board report
reads. The writers (the page, Word, PDF) only lay out what is here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from wsoa.domain.kpi_status import Direction, KpiDefinition
from wsoa.domain.leads import describe_lead
from wsoa.domain.rag import rag_label, rag_meaning
from wsoa.domain.snapshot import PlanSnapshot
from wsoa.domain.wording import format_value, uk_day, uk_moment
from wsoa.reports.assemble import end_of_day, holder_as_at
from wsoa.reports.model import RAG_KEYS, BoardReport, KpiLine, ReportSource

VERDICT_LABELS = {"yes": "Yes", "partly": "Partly", "no": "No"}
NOT_YET_ACTIONED = "Not yet actioned"
KIND_PHRASES = {"board": "partnership board", "dfe_nhse": "DfE and NHS England review"}


# ----- what the service loads about meetings ------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    kind: str
    kind_label: str
    held_on: date
    attendees: tuple[str, ...] = ()  # key roles ("DCS – Director of Children's Services") then other attendees
    decisions: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind_label}, {uk_day(self.held_on)}"

    @property
    def kind_phrase(self) -> str:
        """The kind within a sentence: "the last partnership board", "the last DfE and NHS England review"."""
        return KIND_PHRASES.get(self.kind, self.kind_label)


@dataclass(frozen=True)
class AgreedRecord:
    id: int
    meeting_id: int
    text: str
    priority: int | None  # the priority's number it was agreed for (None: the plan as a whole)
    action_id: int | None  # the plan action it became


@dataclass(frozen=True)
class StatementRecord:
    id: int
    meeting_id: int
    priority: int  # the priority's number
    verdict: str
    reasons: str
    agreed_by: str
    recorded_by: str | None
    recorded_at: datetime


@dataclass
class MeetingsSource:
    meetings: list[MeetingRecord]  # the plan's meetings, oldest first
    agreed: list[AgreedRecord]
    statements: list[StatementRecord]  # oldest first


# ----- the pack ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodCounts:
    label: str
    distribution: dict[str, int]  # keyed as RAG_KEYS

    @property
    def total(self) -> int:
        return sum(self.distribution.values())

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(self.distribution[key] for key in RAG_KEYS)


@dataclass(frozen=True)
class MilestoneLine:
    on: date
    kind: str  # "Baseline", "Milestone" or "Target"
    planned: str
    actual: str  # the latest value on or before the date, or why there is none
    verdict: str  # "Met", "Not met", "Not yet due", "No value"


@dataclass(frozen=True)
class KpiAgainstMilestones:
    line: KpiLine
    milestones: tuple[MilestoneLine, ...]


@dataclass(frozen=True)
class EvidenceItem:
    ref: str
    title: str
    file_name: str
    added_on: date


@dataclass(frozen=True)
class ChallengeItem:
    ref: str
    title: str
    raised_on: date
    raised_by: str | None
    text: str


@dataclass(frozen=True)
class SlippedDate:
    period: str
    ref: str
    title: str
    was: date | None
    now: date | None
    now_text: str | None
    reason: str | None

    @property
    def now_display(self) -> str:
        return uk_day(self.now, "Not set") + (f" ({self.now_text})" if self.now_text else "")


@dataclass(frozen=True)
class StatementLine:
    meeting: str
    verdict: str
    reasons: str
    agreed_by: str
    recorded: str  # "Recorded by A Officer on 3 Mar 2022 at 10:15"
    corrected: bool  # a later statement for the same meeting replaced it
    this_meeting: bool

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS.get(self.verdict, self.verdict)


@dataclass(frozen=True)
class AgreedLine:
    text: str
    meeting: str
    action_ref: str | None
    action_title: str | None
    rag: str | None
    status: str  # the plan action's latest RAG in words, "Retired", or NOT_YET_ACTIONED


@dataclass(frozen=True)
class PackPriority:
    number: int
    title: str
    lead: str
    periods: tuple[PeriodCounts, ...]
    kpis: tuple[KpiAgainstMilestones, ...]
    evidence: tuple[EvidenceItem, ...]
    challenges: tuple[ChallengeItem, ...]
    slipped: tuple[SlippedDate, ...]
    statements: tuple[StatementLine, ...]  # this meeting's first, then earlier meetings', newest first
    agreed_last_time: tuple[AgreedLine, ...]

    @property
    def heading(self) -> str:
        return f"Priority {self.number}: {self.title}"

    @property
    def history(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """The RAG counts of every period, as the chart takes them."""
        return tuple((p.label, p.counts) for p in self.periods)

    @property
    def history_description(self) -> str:
        from wsoa.reports.rag_chart import describe_history

        return describe_history(self.history, f"Priority {self.number}")

    @property
    def current_statement(self) -> StatementLine | None:
        return next((s for s in self.statements if s.this_meeting and not s.corrected), None)


@dataclass(frozen=True)
class ReviewPack:
    plan_title: str
    plan_kind: str
    area: str | None
    meeting: MeetingRecord
    previous: MeetingRecord | None  # the meeting of the same kind before this one
    position_period: str | None  # the latest review period counted (its board report gives the KPIs)
    period_labels: tuple[str, ...]
    priorities: tuple[PackPriority, ...]
    agreed_for_the_plan: tuple[AgreedLine, ...]  # agreed last time for no one priority
    agreed_this_meeting: tuple[AgreedLine, ...]
    generated_by: str
    generated_at: datetime | None

    @property
    def title(self) -> str:
        return f"Review pack: {self.meeting.label}"

    @property
    def running_title(self) -> str:
        return f"{self.plan_title} – {self.title}"

    @property
    def generated_at_display(self) -> str:
        return uk_moment(self.generated_at)

    @property
    def cover_details(self) -> tuple[tuple[str, str], ...]:
        """The cover's terms and values, in every format."""
        return (
            ("Meeting", self.meeting.label),
            ("Attendees", "; ".join(self.meeting.attendees) or "Not recorded"),
            ("Decisions", self.meeting.decisions or "None recorded"),
            ("Review periods", ", ".join(self.period_labels) or "None begun by the meeting"),
            (f"Previous {self.meeting.kind_phrase}", self.previous.label if self.previous else "None recorded"),
            ("Generated by", self.generated_by),
            ("Generated", self.generated_at_display),
        )

    @property
    def basis(self) -> str:
        return (
            "RAG counts are each review period's own figures, as its board report counts them. KPIs are as at the "
            f"end of {self.position_period or 'the latest period'}; evidence and open challenges are as at the end of "
            f"the meeting day ({uk_day(self.meeting.held_on)}). Every RAG rating is shown with its word."
        )


# ----- rules ------------------------------------------------------------------------------------------------------


def periods_before(source: ReportSource, held_on: date) -> list[int]:
    """The review periods a meeting looks back on: those begun by its day (a period with no dates always counts)."""
    return [p.id for p in source.periods if (p.record.start or p.record.end or date.min) <= held_on]


def previous_meeting(meetings: Sequence[MeetingRecord], meeting: MeetingRecord) -> MeetingRecord | None:
    """The last meeting of the same kind held before this one (same day: recorded earlier)."""
    earlier = [m for m in meetings if m.kind == meeting.kind and (m.held_on, m.id) < (meeting.held_on, meeting.id)]
    return max(earlier, key=lambda m: (m.held_on, m.id), default=None)


def milestone_verdict(direction: str, planned: float, actual: float | None) -> str:
    if actual is None:
        return "No value"
    if direction == Direction.LOWER:
        return "Met" if actual <= planned else "Not met"
    if direction == Direction.HIGHER:
        return "Met" if actual >= planned else "Not met"
    return "Met" if actual == planned else "Not met"


def milestones_of(line: KpiLine, definition: KpiDefinition, as_at: date | None) -> tuple[MilestoneLine, ...]:
    """Each point of the KPI's trajectory with the latest reading on or before it."""
    points = [("Baseline", definition.baseline), *(("Milestone", m) for m in definition.milestones)]
    points.append(("Target", definition.target))
    rows = []
    for kind, point in points:
        if point is None:
            continue
        planned = float(point.value)
        if as_at is not None and point.on > as_at:
            rows.append(MilestoneLine(point.on, kind, format_value(planned, line.unit), "—", "Not yet due"))
            continue
        known = [(on, value) for on, value in line.readings if on <= point.on]
        actual = known[-1] if known else None
        shown = f"{format_value(actual[1], line.unit)} ({uk_day(actual[0])})" if actual else "No value by then"
        verdict = (
            "Baseline"
            if kind == "Baseline"
            else milestone_verdict(line.direction, planned, actual[1] if actual else None)
        )
        rows.append(MilestoneLine(point.on, kind, format_value(planned, line.unit), shown, verdict))
    return tuple(sorted(rows, key=lambda r: r.on))


def _agreed_lines(
    agreed: Sequence[AgreedRecord], meeting: MeetingRecord, source: ReportSource, cutoff: datetime
) -> list[tuple[int | None, AgreedLine]]:
    """What became of each agreed action: its plan action's latest rating recorded by the cutoff."""
    actions = {a.id: a for a in source.actions}
    latest: dict[int, str | None] = {}
    for update in sorted(source.updates, key=lambda u: u.id):
        if update.created_at <= cutoff:
            latest[update.action_id] = update.rag
    lines = []
    for item in agreed:
        action = actions.get(item.action_id) if item.action_id else None
        rag = latest.get(action.id) if action else None
        if action is None:
            status = NOT_YET_ACTIONED
        elif action.retired_at is not None and action.retired_at <= cutoff:
            status = "Retired"
        elif action.id in latest:
            status = f"{rag_label(rag)} ({rag_meaning(rag).lower()})"
        else:
            status = "Added to the plan, no progress recorded yet"
        priority = action.priority if action else item.priority
        lines.append(
            (
                priority,
                AgreedLine(
                    text=item.text,
                    meeting=meeting.label,
                    action_ref=action.ref if action else None,
                    action_title=action.title if action else None,
                    rag=rag,
                    status=status,
                ),
            )
        )
    return lines


def _statements(
    meetings: MeetingsSource, meeting: MeetingRecord, number: int, labels: dict[int, MeetingRecord]
) -> tuple[StatementLine, ...]:
    eligible = [
        s
        for s in meetings.statements
        if s.priority == number
        and s.meeting_id in labels
        and (labels[s.meeting_id].held_on, s.meeting_id) <= (meeting.held_on, meeting.id)
    ]
    newest = {}
    for statement in sorted(eligible, key=lambda s: s.id):
        newest[statement.meeting_id] = statement.id
    ordered = sorted(
        eligible,
        key=lambda s: (s.meeting_id != meeting.id, -labels[s.meeting_id].held_on.toordinal(), -s.meeting_id, -s.id),
    )
    return tuple(
        StatementLine(
            meeting=labels[s.meeting_id].label,
            verdict=s.verdict,
            reasons=s.reasons,
            agreed_by=s.agreed_by,
            recorded=f"Recorded by {s.recorded_by or 'someone no longer named'} on {uk_moment(s.recorded_at)}",
            corrected=newest[s.meeting_id] != s.id,
            this_meeting=s.meeting_id == meeting.id,
        )
        for s in ordered
    )


def assemble_pack(
    source: ReportSource,
    snapshots: Sequence[PlanSnapshot],
    latest: BoardReport | None,
    meetings: MeetingsSource,
    meeting_id: int,
    *,
    generated_by: str,
    generated_at: datetime | None,
) -> ReviewPack:
    """The pack for one meeting from the periods' snapshots (oldest first) and the latest period's board report."""
    by_id = {m.id: m for m in meetings.meetings}
    meeting = by_id[meeting_id]
    previous = previous_meeting(meetings.meetings, meeting)
    cutoff = end_of_day(meeting.held_on)
    people = {role.code: holder_as_at(role, cutoff) for role in source.roles if role.code}
    actions = {a.id: a for a in source.actions}
    kpi_lines = {k.id: k for section in (latest.priorities if latest else ()) for k in section.kpis}
    as_at = latest.cover.as_at if latest else None
    last_time = _agreed_lines(
        [a for a in meetings.agreed if previous and a.meeting_id == previous.id], previous or meeting, source, cutoff
    )
    this_time = _agreed_lines([a for a in meetings.agreed if a.meeting_id == meeting.id], meeting, source, cutoff)
    sections = []
    for priority in sorted(source.priorities, key=lambda p: (p.position, p.number)):
        number = priority.number
        own = {a.id for a in source.actions if a.priority == number}
        sections.append(
            PackPriority(
                number=number,
                title=priority.title,
                lead=describe_lead(priority.lead_role, people),
                periods=tuple(PeriodCounts(s.period.label, s.distribution(number)) for s in snapshots),
                kpis=tuple(
                    KpiAgainstMilestones(kpi_lines[k.id], milestones_of(kpi_lines[k.id], k.definition, as_at))
                    for k in sorted(source.kpis, key=lambda k: (k.position, k.id))
                    if k.priority == number and k.id in kpi_lines
                ),
                evidence=tuple(
                    EvidenceItem(actions[e.action_id].ref, actions[e.action_id].title, e.file_name, e.added_at.date())
                    for e in source.evidence
                    if e.action_id in own and e.added_at <= cutoff
                ),
                challenges=tuple(
                    ChallengeItem(
                        actions[c.action_id].ref, actions[c.action_id].title, c.raised_at.date(), c.raised_by, c.text
                    )
                    for c in source.challenges
                    if c.action_id in own
                    and c.raised_at <= cutoff
                    and (c.answered_at is None or c.answered_at > cutoff)
                ),
                slipped=tuple(
                    SlippedDate(
                        s.period.label,
                        row.action.ref,
                        row.action.title,
                        row.slip.old_due,
                        row.slip.new_due,
                        row.slip.new_due_text,
                        row.slip.reason,
                    )
                    for s in snapshots
                    for row in s.slipped
                    if row.action.priority == number and row.slip is not None
                ),
                statements=_statements(meetings, meeting, number, by_id),
                agreed_last_time=tuple(line for owner, line in last_time if owner == number),
            )
        )
    return ReviewPack(
        plan_title=source.plan.title,
        plan_kind=source.plan.kind_label,
        area=source.plan.area,
        meeting=meeting,
        previous=previous,
        position_period=snapshots[-1].period.label if snapshots else None,
        period_labels=tuple(s.period.label for s in snapshots),
        priorities=tuple(sections),
        agreed_for_the_plan=tuple(line for owner, line in last_time if owner is None),
        agreed_this_meeting=tuple(line for _, line in this_time),
        generated_by=generated_by,
        generated_at=generated_at,
    )
