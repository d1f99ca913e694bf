"""Recording KPI values: one at a time (append-only, a correction supersedes) or uploaded from a sheet."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wsoa.domain.kpi_values import (
    Problem,
    ValueDraft,
    format_value,
    resolve_value,
    uk_day,
)
from wsoa.extensions import db
from wsoa.importing.kpi_values import KpiRef, RowProblem, Table, parse_value_upload
from wsoa.models import Kpi, KpiValue, Plan, Priority
from wsoa.permissions import can_record_kpi_values
from wsoa.services import audit
from wsoa.services.kpis import KpiProblems, current_values

ARCHIVED = "This plan is archived, so no values can be recorded: an admin can restore it first"


def refuse_if_archived(plan: Plan) -> None:
    """An archived plan takes no values, one at a time or uploaded, until it is restored."""
    if plan.archived_at is not None:
        raise KpiProblems([Problem("value", ARCHIVED)])


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
    refuse_if_archived(context.plan)
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
    changes nothing) and report every bad row by row, column and reason. Raises UploadUnreadable for no header and
    KpiProblems, before reading a row, when the plan is archived."""
    refuse_if_archived(context.plan)
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
