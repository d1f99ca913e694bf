"""Building the board progress report: the rules that turn a snapshot and what was known at the period's end into a
`BoardReport` (wsoa.reports.model).

Pure: no Flask, no database. The service loads the records (wsoa.services.reports), takes the snapshot and calls
`assemble`; the writers (html, pdf, docx, xlsx) only lay out what it returns.
"""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from wsoa.domain.honesty import FLAG_TITLES, ActionFacts, Flag, honesty_flags
from wsoa.domain.kpi_status import STATUS_LABELS, KpiReading, KpiStatus, kpi_status
from wsoa.domain.leads import describe_lead
from wsoa.domain.rag import Rag, rag_distribution, rag_label
from wsoa.domain.snapshot import ActionAtPeriod, PeriodRecord, PlanSnapshot
from wsoa.domain.wording import UK, uk_day
from wsoa.reports.model import (
    CHANGE_KEYS,
    CHANGE_LABELS,
    CHANGE_ORDER,
    DEFAULT_PERIOD_LENGTH,
    RAG_KEYS,
    STALE_KPI_TITLE,
    STATUS_ORDER,
    ActionLine,
    Appendix,
    BoardReport,
    ChallengeRecord,
    CheckLine,
    Checks,
    Cover,
    DueNext,
    EvidenceLine,
    EvidenceRecord,
    Exceptions,
    HolderRecord,
    KpiLine,
    KpiRecord,
    KpiValueRecord,
    PeriodInfo,
    PlanInfo,
    PriorityInfo,
    PrioritySection,
    ReportOptions,
    ReportSource,
    RoleLine,
    RoleRecord,
    SlipLine,
    Summary,
    SummaryRow,
)

NOT_SIGNED_OFF_TITLE = "Update not signed off"
OPEN_CHALLENGE_TITLE = "Open board challenge"
STATE_WORDS = {"waiting": "waiting for sign-off", "returned": "returned to the lead", "signed_off": "signed off"}


def first_words(text: str, limit: int = 160) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


# The model's names are re-exported: code that builds or reads a report imports them from here or from model.
__all__ = [
    "ActionLine",
    "Appendix",
    "BoardReport",
    "CHANGE_KEYS",
    "CHANGE_LABELS",
    "CHANGE_ORDER",
    "CheckLine",
    "Checks",
    "Cover",
    "DEFAULT_PERIOD_LENGTH",
    "DueNext",
    "Exceptions",
    "HolderRecord",
    "KpiLine",
    "KpiRecord",
    "KpiValueRecord",
    "PeriodInfo",
    "PlanInfo",
    "PriorityInfo",
    "PrioritySection",
    "RAG_KEYS",
    "ReportOptions",
    "ReportSource",
    "RoleLine",
    "RoleRecord",
    "STALE_KPI_TITLE",
    "STATUS_ORDER",
    "SlipLine",
    "Summary",
    "SummaryRow",
    "assemble",
    "due_next_window",
    "end_of_day",
    "holder_as_at",
    "needs_update",
    "readings_known",
    "uk_day",
]


def end_of_day(day: date) -> datetime:
    """The last moment of a UK calendar day, in UTC."""
    return datetime.combine(day, time.max, tzinfo=UK).astimezone(UTC)


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
        previously_rated=sum(r.previous_rag is not None for r in rows),
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


def _assurance_checks(
    checks: Checks,
    rows: Sequence[ActionAtPeriod],
    lines: dict[int, ActionLine],
    challenges: Sequence[ChallengeRecord],
    *,
    sign_off: bool,
    period_id: int,
    cutoff: datetime | None,
) -> Checks:
    """Add the updates not signed off (sign-off on) and the board challenges open on the settled day."""
    waiting = [
        CheckLine(
            "not_signed_off",
            NOT_SIGNED_OFF_TITLE,
            lines[row.action.id].ref,
            lines[row.action.id].title,
            lines[row.action.id].lead,
            f"{rag_label(row.awaiting_sign_off.rag)} update {STATE_WORDS[row.awaiting_state]}: "
            + (f"the board sees {rag_label(row.rag)}" if row.latest else "not counted"),
        )
        for row in rows
        if sign_off and row.awaiting_sign_off is not None
    ]
    open_lines = [
        CheckLine(
            "open_challenge",
            OPEN_CHALLENGE_TITLE,
            lines[c.action_id].ref,
            lines[c.action_id].title,
            lines[c.action_id].lead,
            f"Raised {uk_day(c.raised_at.date())}{f' by {c.raised_by}' if c.raised_by else ''}: {first_words(c.text)}",
        )
        for c in challenges
        if c.action_id in lines
        and (cutoff is None or c.raised_at <= cutoff)
        and (c.answered_at is None or (cutoff is not None and c.answered_at > cutoff))
    ]
    counts = checks.counts + ((OPEN_CHALLENGE_TITLE, len(open_lines)),)
    signed_off = None
    if sign_off:
        counts += ((NOT_SIGNED_OFF_TITLE, len(waiting)),)
        this_period = [
            row
            for row in rows
            if (row.latest and row.latest.period_id == period_id and row.latest.needs_sign_off)
            or (row.awaiting_sign_off and row.awaiting_sign_off.period_id == period_id)
        ]
        done = sum(1 for row in this_period if row.awaiting_sign_off is None)
        signed_off = (done, len(this_period))
    return replace(
        checks, lines=checks.lines + tuple(waiting) + tuple(open_lines), counts=counts, signed_off=signed_off
    )


def _evidence_lines(
    evidence: Sequence[EvidenceRecord], lines: dict[int, ActionLine], order: Sequence[int], cutoff: datetime | None
) -> tuple[EvidenceLine, ...]:
    files: dict[int, list[str]] = {}
    for record in evidence:
        if record.action_id in lines and (cutoff is None or record.added_at <= cutoff):
            files.setdefault(record.action_id, []).append(record.file_name)
    return tuple(
        EvidenceLine(lines[action_id].ref, lines[action_id].title, tuple(files[action_id]))
        for action_id in order
        if action_id in files
    )


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
    checks = _assurance_checks(
        _checks(rows, lines, kpis, as_at),
        rows,
        lines,
        source.challenges,
        sign_off=source.plan.sign_off_required,
        period_id=snapshot.period.id,
        cutoff=cutoff,
    )
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
        compared_with=snapshot.previous.label if snapshot.previous else None,
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
            evidence=_evidence_lines(
                source.evidence,
                lines,
                [row.action.id for section in sections for row in snapshot.for_priority(section.number)],
                cutoff,
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
