"""KPIs: definitions, recorded values (append-only, a correction supersedes), status against the trajectory, and
everything the KPI pages and the priority page show, in a fixed number of queries whatever the number of KPIs.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from wsoa.domain.kpi_status import (
    Direction,
    Frequency,
    KpiDefinition,
    KpiReading,
    StatusResult,
    TrajectoryPoint,
    kpi_status,
    trajectory_value,
)
from wsoa.domain.kpi_values import (
    KpiDraft,
    Problem,
    ValueDraft,
    benchmarks_text,
    check_definition,
    format_value,
    milestones_text,
    resolve_value,
    uk_day,
)
from wsoa.extensions import db
from wsoa.importing.kpi_values import KpiRef, RowProblem, Table, parse_value_upload
from wsoa.models import Kpi, KpiBenchmark, KpiMilestone, KpiValue, Outcome, Plan, Priority, Role, User
from wsoa.permissions import can_record_kpi_values
from wsoa.reports.charts import KpiChartData
from wsoa.services import audit

DEFINITION_FIELDS = [
    "name",
    "text",
    "outcome_id",
    "unit",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "tolerance",
    "band_low",
    "band_high",
    "is_ratio",
    "frequency",
    "data_source",
    "owner_role_id",
]


class KpiProblems(Exception):
    """A KPI definition or value was refused; nothing was written. Each problem names the form field it belongs to."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


# ---------------------------------------------------------------------------------------------------------------
# The model as the status rules see it.


def _point(on: date | None, value: Decimal | None) -> TrajectoryPoint | None:
    # A target of 0 is a real target: test for None, never for truth.
    return TrajectoryPoint(on=on, value=value) if on is not None and value is not None else None


def definition_of(kpi: Kpi, milestones: Iterable[KpiMilestone] | None = None) -> KpiDefinition:
    """The domain's view of a KPI (pass the milestones when the relationship is not loaded)."""
    points = kpi.milestones if milestones is None else milestones
    return KpiDefinition(
        direction=Direction(kpi.direction or "higher"),
        baseline=_point(kpi.baseline_date, kpi.baseline_value),
        target=_point(kpi.target_date, kpi.target_value),
        milestones=tuple(TrajectoryPoint(on=m.on, value=m.value) for m in sorted(points, key=lambda m: m.on)),
        tolerance=kpi.tolerance,
        band_low=kpi.band_low,
        band_high=kpi.band_high,
        frequency=Frequency(kpi.frequency) if kpi.frequency else None,
    )


def current_values(values: Iterable[KpiValue]) -> list[KpiValue]:
    """The values that stand: every value not superseded by a later correction, in date order."""
    values = list(values)
    superseded = {v.supersedes_id for v in values if v.supersedes_id is not None}
    return sorted((v for v in values if v.id not in superseded), key=lambda v: (v.on, v.id))


def readings_of(values: Iterable[KpiValue]) -> list[KpiReading]:
    return [KpiReading(on=v.on, value=v.value) for v in current_values(values)]


def is_defined(kpi: Kpi) -> bool:
    """Whether an impact measure has been turned into a KPI (an import gives only the words)."""
    return bool(kpi.name and kpi.unit)


@dataclass(frozen=True)
class DataRow:
    """One line of the table beside a chart."""

    on: date
    recorded: Decimal | None
    expected: float | None
    point: str | None  # Baseline, Milestone or Target
    period_label: str | None = None


def data_rows(definition: KpiDefinition, current: Sequence[KpiValue]) -> list[DataRow]:
    """Recorded values and trajectory points by date, with where the trajectory expected the KPI on each date."""
    points: dict[date, str] = {}
    for name, point in (("Baseline", definition.baseline), ("Target", definition.target)):
        if point is not None:
            points[point.on] = name
    for milestone in definition.milestones:
        points.setdefault(milestone.on, "Milestone")
    has_trajectory = definition.baseline is not None or definition.target is not None or definition.milestones
    recorded = {v.on: v for v in current}
    rows = []
    for on in sorted({*points, *recorded}):
        value = recorded.get(on)
        rows.append(
            DataRow(
                on=on,
                recorded=value.value if value else None,
                expected=trajectory_value(definition, on) if has_trajectory else None,
                point=points.get(on),
                period_label=value.period_label if value else None,
            )
        )
    return rows


def chart_data(
    kpi: Kpi,
    definition: KpiDefinition,
    current: Sequence[KpiValue],
    benchmarks: Sequence[KpiBenchmark],
    status: StatusResult | None,
) -> KpiChartData:
    trajectory = sorted(
        (p.on, float(p.value)) for p in (definition.baseline, *definition.milestones, definition.target) if p
    )
    band = None
    if definition.direction == Direction.BAND and (kpi.band_low is not None or kpi.band_high is not None):
        band = (
            float(kpi.band_low) if kpi.band_low is not None else None,
            float(kpi.band_high) if kpi.band_high is not None else None,
        )
    return KpiChartData(
        title=kpi.name or kpi.text,
        unit=kpi.unit,
        direction=kpi.direction or "higher",
        readings=tuple((v.on, float(v.value)) for v in current),
        trajectory=tuple(trajectory),
        target=(definition.target.on, float(definition.target.value)) if definition.target else None,
        benchmarks=tuple((b.label, float(b.value), b.on) for b in benchmarks),
        band=band,
        status_label=status.label if status else None,
        explanation=status.explanation if status else None,
    )


# ---------------------------------------------------------------------------------------------------------------
# Reading: the priority page's KPI cards and the KPI page.


@dataclass
class KpiCard:
    kpi: Kpi
    status: StatusResult
    chart: KpiChartData
    rows: list[DataRow]
    defined: bool
    has_demo_values: bool
    values: int  # how many values stand


def kpi_cards(kpis: Sequence[Kpi], as_at: date) -> list[KpiCard]:
    """Status, chart data and table for each of these KPIs: three queries however many KPIs and values."""
    if not kpis:
        return []
    ids = [kpi.id for kpi in kpis]
    milestones: dict[int, list[KpiMilestone]] = defaultdict(list)
    for milestone in db.session.scalars(
        select(KpiMilestone).where(KpiMilestone.kpi_id.in_(ids)).order_by(KpiMilestone.on)
    ):
        milestones[milestone.kpi_id].append(milestone)
    benchmarks: dict[int, list[KpiBenchmark]] = defaultdict(list)
    for benchmark in db.session.scalars(
        select(KpiBenchmark).where(KpiBenchmark.kpi_id.in_(ids)).order_by(KpiBenchmark.id)
    ):
        benchmarks[benchmark.kpi_id].append(benchmark)
    values: dict[int, list[KpiValue]] = defaultdict(list)
    for value in db.session.scalars(select(KpiValue).where(KpiValue.kpi_id.in_(ids)).order_by(KpiValue.id)):
        values[value.kpi_id].append(value)
    cards = []
    for kpi in kpis:
        definition = definition_of(kpi, milestones[kpi.id])
        current = current_values(values[kpi.id])
        status = kpi_status(definition, readings_of(current), as_at)
        cards.append(
            KpiCard(
                kpi=kpi,
                status=status,
                chart=chart_data(kpi, definition, current, benchmarks[kpi.id], status),
                rows=data_rows(definition, current),
                defined=is_defined(kpi),
                has_demo_values=any(v.source == "demo" for v in values[kpi.id]),
                values=len(current),
            )
        )
    return cards


@dataclass
class ValueEntry:
    value: KpiValue
    author_name: str | None
    replaces: KpiValue | None = None  # the value this one corrected
    replaced_by: KpiValue | None = None  # the correction that superseded this one


@dataclass
class KpiPage:
    kpi: Kpi
    priority: Priority
    plan: Plan
    definition: KpiDefinition
    status: StatusResult
    current: list[ValueEntry]  # the values that stand, latest date first
    history: list[ValueEntry]  # everything ever recorded, newest first
    chart: KpiChartData
    rows: list[DataRow]
    defined: bool
    has_demo_values: bool
    benchmarks: list[KpiBenchmark] = field(default_factory=list)


def _load_kpi(kpi_id: int) -> Kpi | None:
    return db.session.scalars(
        select(Kpi)
        .options(
            selectinload(Kpi.priority).selectinload(Priority.plan),
            selectinload(Kpi.outcome),
            selectinload(Kpi.owner_role),
            selectinload(Kpi.milestones),
            selectinload(Kpi.benchmarks),
        )
        .where(Kpi.id == kpi_id)
    ).first()


def _entries(kpi_id: int) -> list[ValueEntry]:
    """Every value of the KPI with who recorded it, oldest first: one query."""
    rows = db.session.execute(
        select(KpiValue, User.name)
        .outerjoin(User, User.id == KpiValue.author_id)
        .where(KpiValue.kpi_id == kpi_id)
        .order_by(KpiValue.id)
    ).all()
    entries = [ValueEntry(value=value, author_name=name) for value, name in rows]
    by_id = {entry.value.id: entry for entry in entries}
    for entry in entries:
        if entry.value.supersedes_id in by_id:
            older = by_id[entry.value.supersedes_id]
            entry.replaces = older.value
            older.replaced_by = entry.value
    return entries


def kpi_page(kpi_id: int, as_at: date) -> KpiPage | None:
    """Everything the KPI page shows (seven queries), or None when there is no such KPI."""
    kpi = _load_kpi(kpi_id)
    if kpi is None:
        return None
    entries = _entries(kpi_id)
    current_entries = sorted(
        (e for e in entries if e.replaced_by is None), key=lambda e: (e.value.on, e.value.id), reverse=True
    )
    current = [e.value for e in reversed(current_entries)]
    definition = definition_of(kpi)
    status = kpi_status(definition, readings_of(current), as_at)
    benchmarks = sorted(kpi.benchmarks, key=lambda b: b.id)
    return KpiPage(
        kpi=kpi,
        priority=kpi.priority,
        plan=kpi.priority.plan,
        definition=definition,
        status=status,
        current=current_entries,
        history=list(reversed(entries)),
        chart=chart_data(kpi, definition, current, benchmarks, status),
        rows=data_rows(definition, current),
        defined=is_defined(kpi),
        has_demo_values=any(e.value.source == "demo" for e in entries),
        benchmarks=benchmarks,
    )


# ---------------------------------------------------------------------------------------------------------------
# Defining a KPI.


@dataclass
class DefinitionContext:
    priority: Priority
    plan: Plan
    outcomes: list[Outcome]
    roles: list[Role]
    kpi: Kpi | None = None

    @property
    def milestones_text(self) -> str:
        return milestones_text(self.kpi.milestones) if self.kpi else ""

    @property
    def benchmarks_text(self) -> str:
        return benchmarks_text(sorted(self.kpi.benchmarks, key=lambda b: b.id)) if self.kpi else ""


def _definition_context(priority: Priority, kpi: Kpi | None = None) -> DefinitionContext:
    outcomes = db.session.scalars(
        select(Outcome).where(Outcome.priority_id == priority.id).order_by(Outcome.position, Outcome.id)
    ).all()
    roles = db.session.scalars(select(Role).order_by(Role.position, Role.code)).all()
    return DefinitionContext(priority=priority, plan=priority.plan, outcomes=list(outcomes), roles=list(roles), kpi=kpi)


def new_kpi_context(priority_id: int) -> DefinitionContext | None:
    priority = db.session.scalars(
        select(Priority).options(selectinload(Priority.plan)).where(Priority.id == priority_id)
    ).first()
    return _definition_context(priority) if priority is not None else None


def edit_kpi_context(kpi_id: int) -> DefinitionContext | None:
    kpi = _load_kpi(kpi_id)
    return _definition_context(kpi.priority, kpi) if kpi is not None else None


def _check(draft: KpiDraft, context: DefinitionContext) -> None:
    problems = check_definition(draft)
    if draft.outcome_id is not None and draft.outcome_id not in {o.id for o in context.outcomes}:
        problems.append(Problem("outcome_id", "Select an outcome of this priority, or none"))
    if draft.owner_role_id is not None and draft.owner_role_id not in {r.id for r in context.roles}:
        problems.append(Problem("owner_role_id", "Select a role from the key-roles glossary, or none"))
    if problems:
        raise KpiProblems(problems)


def _scalar_values(draft: KpiDraft) -> dict:
    values = {name: getattr(draft, name) for name in DEFINITION_FIELDS}
    values["name"] = (draft.name or "").strip()
    values["text"] = (draft.text or "").strip()
    values["data_source"] = (draft.data_source or "").strip() or None
    values["direction"] = draft.direction or "higher"
    return values


def _set_points(kpi: Kpi, draft: KpiDraft) -> dict[str, tuple[str, str]]:
    """Replace the milestones and benchmarks when they changed; the change as text for the audit trail."""
    changes = {}
    old, new = milestones_text(kpi.milestones), milestones_text(draft.milestones)
    if old != new:
        kpi.milestones = [KpiMilestone(on=m.on, value=m.value) for m in draft.milestones]
        changes["milestones"] = (old, new)
    old_benchmarks = sorted(kpi.benchmarks, key=lambda b: b.id)
    old, new = benchmarks_text(old_benchmarks), benchmarks_text(draft.benchmarks)
    if old != new:
        kpi.benchmarks = [KpiBenchmark(label=b.label, value=b.value, on=b.on) for b in draft.benchmarks]
        changes["benchmarks"] = (old, new)
    return changes


def create_kpi(context: DefinitionContext, draft: KpiDraft, *, user_id: int | None) -> Kpi:
    """Add a KPI to the priority, with its trajectory and benchmarks; audited."""
    _check(draft, context)
    last = db.session.scalar(select(func.max(Kpi.position)).where(Kpi.priority_id == context.priority.id))
    kpi = Kpi(priority_id=context.priority.id, position=(last or 0) + 1, **_scalar_values(draft))
    kpi.milestones = [KpiMilestone(on=m.on, value=m.value) for m in draft.milestones]
    kpi.benchmarks = [KpiBenchmark(label=b.label, value=b.value, on=b.on) for b in draft.benchmarks]
    db.session.add(kpi)
    db.session.flush()
    after = audit.snapshot(kpi, DEFINITION_FIELDS)
    after.update(milestones=milestones_text(draft.milestones), benchmarks=benchmarks_text(draft.benchmarks))
    audit.record(
        event="kpi.created",
        entity=kpi,
        summary=f"KPI '{kpi.name}' added to priority {context.priority.number}",
        user_id=user_id,
        after=after,
    )
    return kpi


def update_kpi(context: DefinitionContext, draft: KpiDraft, *, user_id: int | None) -> dict:
    """Change a KPI's definition (or turn an imported impact measure into one); audited. Returns what changed."""
    kpi = context.kpi
    assert kpi is not None, "update_kpi needs the KPI in its context"
    _check(draft, context)
    was_defined = is_defined(kpi)
    changes = audit.apply_changes(kpi, _scalar_values(draft))
    changes.update(_set_points(kpi, draft))
    if changes:
        db.session.flush()
        audit.record(
            event="kpi.defined" if not was_defined else "kpi.updated",
            entity=kpi,
            summary=(
                f"Impact measure turned into the KPI '{kpi.name}'"
                if not was_defined
                else f"KPI '{kpi.name}' changed: {', '.join(sorted(changes))}"
            ),
            user_id=user_id,
            changes=changes,
        )
    return changes


# ---------------------------------------------------------------------------------------------------------------
# Recording values.


@dataclass
class ValueContext:
    kpi: Kpi
    priority: Priority
    plan: Plan
    current: list[KpiValue]  # latest date first
    corrects: KpiValue | None = None


def value_context(kpi_id: int, corrects_id: int | None = None) -> ValueContext | None:
    """The KPI and its standing values; None when there is no such KPI or the value to correct is not its own."""
    kpi = db.session.scalars(
        select(Kpi)
        .options(selectinload(Kpi.priority).selectinload(Priority.plan), selectinload(Kpi.owner_role))
        .where(Kpi.id == kpi_id)
    ).first()
    if kpi is None:
        return None
    values = db.session.scalars(select(KpiValue).where(KpiValue.kpi_id == kpi_id).order_by(KpiValue.id)).all()
    current = list(reversed(current_values(values)))
    corrects = None
    if corrects_id is not None:
        corrects = next((v for v in values if v.id == corrects_id), None)
        if corrects is None:
            return None
    return ValueContext(kpi=kpi, priority=kpi.priority, plan=kpi.priority.plan, current=current, corrects=corrects)


def _same(old: KpiValue, value: Decimal, draft: ValueDraft) -> bool:
    def text(t: str | None) -> str:
        return (t or "").strip()

    return (
        old.value == value
        and old.numerator == draft.numerator
        and old.denominator == draft.denominator
        and text(old.note) == text(draft.note)
        and text(old.period_label) == text(draft.period_label)
    )


def _value_summary(kpi: Kpi, value: KpiValue, replaced: KpiValue | None) -> str:
    words = f"{format_value(value.value, kpi.unit)} for {uk_day(value.on)}"
    if replaced is not None:
        return f"KPI '{kpi.name or kpi.text[:60]}': {words} corrects {format_value(replaced.value, kpi.unit)}"
    return f"KPI '{kpi.name or kpi.text[:60]}': {words} recorded"


def _value_after(value: KpiValue) -> dict:
    return audit.snapshot(
        value, ["kpi_id", "on", "period_label", "value", "numerator", "denominator", "note", "source"]
    )


def record_value(
    context: ValueContext, draft: ValueDraft, *, user, today: date, corrects_id: int | None = None
) -> KpiValue:
    """Append a value. A value for a date that already has one is a correction: it supersedes that one."""
    kpi = context.kpi
    if context.plan.archived_at is not None:
        raise KpiProblems(
            [Problem("value", "This plan is archived, so no values can be recorded: an admin can restore it first")]
        )
    value, problems = resolve_value(draft, unit=kpi.unit, is_ratio=kpi.is_ratio, today=today)
    if problems:
        raise KpiProblems(problems)
    assert value is not None  # resolve_value gives a value whenever there are no problems
    assert draft.on is not None
    values = db.session.scalars(select(KpiValue).where(KpiValue.kpi_id == kpi.id).order_by(KpiValue.id)).all()
    standing = current_values(values)
    on_date = next((v for v in standing if v.on == draft.on), None)
    replaced = on_date
    if corrects_id is not None:
        replaced = next((v for v in values if v.id == corrects_id), None)
        if replaced is None:
            raise KpiProblems([Problem("on", "The value to correct is not one of this KPI's values")])
        if replaced not in standing:
            raise KpiProblems(
                [Problem("value", "Someone has already corrected this value: check the latest values, then try again")]
            )
        if on_date is not None and on_date.id != replaced.id:
            raise KpiProblems(
                [Problem("on", f"A value is already recorded for {uk_day(draft.on)}: correct that one instead")]
            )
    if replaced is not None and replaced.on == draft.on and _same(replaced, value, draft):
        raise KpiProblems(
            [Problem("value", f"This value is already recorded for {uk_day(draft.on)}: change the value or the note")]
        )
    row = KpiValue(
        kpi_id=kpi.id,
        on=draft.on,
        period_label=(draft.period_label or "").strip() or None,
        value=value,
        numerator=draft.numerator,
        denominator=draft.denominator,
        note=(draft.note or "").strip() or None,
        supersedes_id=replaced.id if replaced else None,
        author_id=getattr(user, "id", None),
        source="app",
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        event="kpi_value.corrected" if replaced else "kpi_value.recorded",
        entity=row,
        summary=_value_summary(kpi, row, replaced),
        user_id=getattr(user, "id", None),
        before=_value_after(replaced) if replaced else None,
        after=_value_after(row),
    )
    return row


# ---------------------------------------------------------------------------------------------------------------
# Uploading many values at once.


@dataclass
class UploadContext:
    plan: Plan
    kpis: list[Kpi]  # with their priority and owner role


def upload_context(plan_id: int) -> UploadContext | None:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        return None
    kpis = db.session.scalars(
        select(Kpi)
        .join(Priority, Priority.id == Kpi.priority_id)
        .options(selectinload(Kpi.priority), selectinload(Kpi.owner_role))
        .where(Priority.plan_id == plan_id)
        .order_by(Priority.position, Priority.number, Kpi.position, Kpi.id)
    ).all()
    return UploadContext(plan=plan, kpis=list(kpis))


@dataclass
class UploadReport:
    file_name: str
    rows_read: int
    added: int = 0
    corrected: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def saved(self) -> int:
        return self.added + self.corrected


def upload_values(context: UploadContext, table: Table, *, user, today: date, file_name: str) -> UploadReport:
    """Save every good row (a value for a date that already has a different one corrects it; the same value again
    changes nothing) and report every bad row by row, column and reason. Raises UploadUnreadable for no header."""
    refs = [
        KpiRef(
            id=kpi.id,
            name=kpi.name,
            text=kpi.text,
            unit=kpi.unit,
            is_ratio=kpi.is_ratio,
            may_record=can_record_kpi_values(user, kpi.owner_role_id),
        )
        for kpi in context.kpis
    ]
    parsed = parse_value_upload(table, refs, today=today)
    report = UploadReport(file_name=file_name, rows_read=parsed.rows_read, problems=parsed.problems)
    if not parsed.rows:
        return report
    kpis = {kpi.id: kpi for kpi in context.kpis}
    ids = sorted({row.kpi_id for row in parsed.rows})
    existing = db.session.scalars(select(KpiValue).where(KpiValue.kpi_id.in_(ids)).order_by(KpiValue.id)).all()
    by_kpi: dict[int, list[KpiValue]] = defaultdict(list)
    for value in existing:
        by_kpi[value.kpi_id].append(value)
    standing = {(v.kpi_id, v.on): v for kpi_id in ids for v in current_values(by_kpi[kpi_id])}
    added: list[tuple[KpiValue, KpiValue | None, int]] = []
    for row in parsed.rows:
        replaced = standing.get((row.kpi_id, row.on))
        draft = ValueDraft(
            on=row.on,
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
            note=row.note,
            period_label=row.period_label,
        )
        if replaced is not None and _same(replaced, row.value, draft):
            report.unchanged += 1
            continue
        value = KpiValue(
            kpi_id=row.kpi_id,
            on=row.on,
            period_label=row.period_label,
            value=row.value,
            numerator=row.numerator,
            denominator=row.denominator,
            note=(row.note or "").strip() or None,
            supersedes_id=replaced.id if replaced else None,
            author_id=getattr(user, "id", None),
            source="import",
        )
        added.append((value, replaced, row.row))
        if replaced is not None:
            report.corrected += 1
        else:
            report.added += 1
    db.session.add_all([value for value, _, _ in added])
    db.session.flush()
    for value, replaced, number in added:
        audit.record(
            event="kpi_value.corrected" if replaced else "kpi_value.recorded",
            entity=value,
            summary=f"{_value_summary(kpis[value.kpi_id], value, replaced)} (uploaded from {file_name}, row {number})",
            user_id=getattr(user, "id", None),
            before=_value_after(replaced) if replaced else None,
            after=_value_after(value),
        )
    audit.record(
        event="kpi_values.uploaded",
        entity=context.plan,
        summary=(
            f"KPI values uploaded from {file_name}: {report.added} added, {report.corrected} corrected, "
            f"{report.unchanged} unchanged, {len(report.problems)} problems"
        ),
        user_id=getattr(user, "id", None),
        after={
            "file_name": file_name,
            "added": report.added,
            "corrected": report.corrected,
            "unchanged": report.unchanged,
            "problems": len(report.problems),
        },
    )
    return report
