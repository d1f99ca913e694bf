"""Proper KPI definitions and plausible values for a handful of the demo plan's impact measures (seed 004).

The demo plan imports its impact measures as words only; this turns six of them into KPIs with baselines, targets,
milestones and values, so the charts show something real on `make run`. The figures are illustrative, drawn from the
plan's own narrative where it gives them (over 1,000 waiting for SALT at inspection, 210 by mid-September 2020 with
32 over 18 weeks), and every value is `source="demo"`, labelled "Demo data" wherever values are shown.
Running it twice adds nothing.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from wsoa.extensions import db
from wsoa.models import Kpi, KpiBenchmark, KpiMilestone, KpiValue, Plan, Priority, Role, User, user_role
from wsoa.services import audit


@dataclass(frozen=True)
class DemoKpi:
    priority: int
    starts_with: str  # the imported impact measure's opening words
    name: str
    unit: str
    direction: str
    baseline: tuple[date, str]
    target: tuple[date, str]
    frequency: str
    owner: str  # role code
    data_source: str
    milestones: tuple[tuple[date, str], ...] = ()
    benchmarks: tuple[tuple[str, str, date | None], ...] = ()
    is_ratio: bool = False
    tolerance: str | None = None
    # (date, value, note, numerator, denominator)
    values: tuple[tuple[date, str, str | None, int | None, int | None], ...] = field(default_factory=tuple)


def _months(year: int, month: int) -> date:
    """The last day of a month."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


DEMO_KPIS = (
    DemoKpi(
        priority=4,
        starts_with="92% CYP seen within 18",
        name="SALT: children seen within 18 weeks of referral",
        unit="%",
        direction="higher",
        baseline=(date(2020, 1, 31), "14"),
        target=(date(2020, 11, 30), "92"),
        milestones=((date(2020, 9, 30), "85"),),
        frequency="monthly",
        owner="DoP",
        data_source="Speech and language therapy waiting list report (Shropshire Community Health NHS Trust)",
        is_ratio=True,
        values=(
            (_months(2020, 2), "15", None, 41, 270),
            (_months(2020, 3), "13", "Clinics paused from 23 March (lockdown).", 18, 140),
            (_months(2020, 4), "22", "Virtual consultations started.", 33, 150),
            (_months(2020, 5), "35", None, 63, 180),
            (_months(2020, 6), "52", "Triage of the whole waiting list complete.", 109, 210),
            (_months(2020, 7), "68", None, 150, 220),
            (_months(2020, 8), "79", None, 166, 210),
            (_months(2020, 9), "85", "210 waiting, 32 of them over 18 weeks.", 178, 210),
            (_months(2020, 10), "90", None, 189, 210),
            (_months(2020, 11), "93", None, 205, 220),
            (_months(2020, 12), "91", "First return: the Oswestry clinic's referrals were missing.", 182, 200),
            (_months(2021, 1), "94", None, 198, 210),
            (_months(2021, 2), "95", None, 209, 220),
            (_months(2021, 3), "93", "Sustained within the target.", 214, 230),
        ),
    ),
    DemoKpi(
        priority=4,
        starts_with="100% CYP triaged within 2 weeks",
        name="SALT: children triaged within 2 weeks of referral",
        unit="%",
        direction="higher",
        baseline=(date(2020, 3, 31), "61"),
        target=(date(2020, 9, 30), "100"),
        milestones=((date(2020, 6, 30), "85"),),
        frequency="monthly",
        owner="DoP",
        data_source="Speech and language therapy referral log",
        tolerance="3",
        values=(
            (_months(2020, 4), "64", None, None, None),
            (_months(2020, 5), "72", None, None, None),
            (_months(2020, 6), "83", None, None, None),
            (_months(2020, 7), "90", None, None, None),
            (_months(2020, 8), "96", None, None, None),
            (_months(2020, 9), "98", "Two referrals waited 15 days over the bank holiday.", None, None),
            (_months(2020, 10), "100", None, None, None),
            (_months(2020, 11), "100", None, None, None),
            (_months(2020, 12), "99", None, None, None),
            (_months(2021, 1), "100", None, None, None),
            (_months(2021, 2), "100", None, None, None),
            (_months(2021, 3), "100", None, None, None),
        ),
    ),
    DemoKpi(
        priority=6,
        starts_with="There will be no permanent exclusions for children with an EHCP",
        name="Permanent exclusions of children with an EHCP",
        unit="number",
        direction="lower",
        baseline=(date(2019, 12, 31), "5"),
        target=(date(2021, 9, 1), "0"),
        milestones=((date(2021, 3, 31), "2"),),
        frequency="termly",
        owner="EAS M’ger",
        data_source="Education Access Service exclusions log (termly count)",
        values=(
            (date(2020, 4, 30), "3", "Spring term 2020, to the start of lockdown.", None, None),
            (date(2020, 7, 31), "0", "Summer term 2020: schools open only to some pupils.", None, None),
            (date(2020, 12, 31), "4", "Autumn term 2020.", None, None),
            (date(2021, 4, 30), "2", "Spring term 2021.", None, None),
            (date(2021, 7, 31), "2", "Summer term 2021.", None, None),
            (date(2021, 12, 31), "1", "Autumn term 2021: one exclusion upheld by governors.", None, None),
        ),
    ),
    DemoKpi(
        priority=1,
        starts_with="There will be a 30% increase in the use of personal budgets",
        name="Personal budgets in use",
        unit="number",
        direction="higher",
        baseline=(date(2020, 9, 30), "120"),
        target=(date(2022, 9, 30), "156"),
        milestones=((date(2021, 9, 30), "138"),),
        frequency="quarterly",
        owner="NO",
        data_source="Council and CCG personal budget returns",
        values=(
            (date(2020, 12, 31), "124", None, None, None),
            (date(2021, 3, 31), "129", None, None, None),
            (date(2021, 6, 30), "131", None, None, None),
            (date(2021, 9, 30), "134", "Health personal budgets slower than planned.", None, None),
            (date(2021, 12, 31), "141", None, None, None),
            (date(2022, 3, 31), "146", None, None, None),
        ),
    ),
    DemoKpi(
        priority=3,
        starts_with="100% of children referred to ND pathway are seen within 18 weeks",
        name="ND pathway: children seen within 18 weeks",
        unit="%",
        direction="higher",
        baseline=(date(2020, 9, 30), "22"),
        target=(date(2022, 4, 30), "100"),
        milestones=((date(2021, 3, 31), "40"), (date(2021, 9, 30), "70")),
        frequency="quarterly",
        owner="CC",
        data_source="Neurodevelopmental pathway dashboard (MPFT and BeeU)",
        values=(
            (date(2020, 12, 31), "24", None, None, None),
            (date(2021, 3, 31), "31", "New ASD diagnostic team still recruiting.", None, None),
            (date(2021, 6, 30), "38", None, None, None),
            (date(2021, 9, 30), "49", None, None, None),
            (date(2021, 12, 31), "58", None, None, None),
            (date(2022, 3, 31), "66", None, None, None),
        ),
    ),
    DemoKpi(
        priority=3,
        starts_with="All children and young people (CYP) following the pathway",
        name="ND pathway: longest wait for a neurodevelopmental assessment",
        unit="weeks",
        direction="lower",
        baseline=(date(2020, 9, 30), "80"),
        target=(date(2022, 3, 31), "52"),
        milestones=((date(2021, 3, 31), "70"),),
        frequency="quarterly",
        owner="CC",
        data_source="Neurodevelopmental pathway dashboard (MPFT and BeeU)",
        benchmarks=(("Statistical neighbours average (illustrative)", "44", date(2021, 3, 31)),),
        values=(
            (date(2020, 12, 31), "78", None, None, None),
            (date(2021, 3, 31), "71", None, None, None),
            (date(2021, 6, 30), "66", None, None, None),
            (date(2021, 9, 30), "61", None, None, None),
            (date(2021, 12, 31), "55", None, None, None),
            (date(2022, 3, 31), "51", "Within 12 months for every child on the pathway.", None, None),
        ),
    ),
)


def _recorded_on(day: date) -> datetime:
    """Demo values read as if each was recorded on its own date, as a team keeping its KPIs current would."""
    return datetime.combine(day, time(17, 0), tzinfo=UTC)


CORRECTION = ("SALT: children seen within 18 weeks of referral", _months(2020, 12), "93", 186, 200)


def _value(value: str, numerator: int | None, denominator: int | None) -> Decimal:
    """The stated value, or worked out from the numerator and denominator as the app would."""
    if numerator is None or denominator is None:
        return Decimal(value)
    return (Decimal(numerator) / Decimal(denominator) * 100).quantize(Decimal("0.1"))


def _normal(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def add_demo_kpis(plan: Plan) -> str | None:
    """Define the demo KPIs and record their values; None if they are already there."""
    kpis = db.session.execute(
        select(Kpi, Priority.number).join(Priority, Priority.id == Kpi.priority_id).where(Priority.plan_id == plan.id)
    ).all()
    kpi_ids = [kpi.id for kpi, _ in kpis]
    if kpi_ids and db.session.scalar(
        select(func.count()).select_from(KpiValue).where(KpiValue.kpi_id.in_(kpi_ids), KpiValue.source == "demo")
    ):
        return None
    roles = {role.code: role for role in db.session.scalars(select(Role).where(Role.code.is_not(None)))}
    authors = _authors(roles)
    defined = 0
    for spec in DEMO_KPIS:
        kpi = next(
            (
                k
                for k, number in kpis
                if number == spec.priority and _normal(k.text).startswith(_normal(spec.starts_with))
            ),
            None,
        )
        if kpi is None or kpi.name:  # not in this workbook, or already defined by someone: leave it alone
            continue
        owner = roles.get(spec.owner)
        kpi.name = spec.name
        kpi.unit = spec.unit
        kpi.direction = spec.direction
        kpi.baseline_date, kpi.baseline_value = spec.baseline[0], Decimal(spec.baseline[1])
        kpi.target_date, kpi.target_value = spec.target[0], Decimal(spec.target[1])
        kpi.frequency = spec.frequency
        kpi.owner_role_id = owner.id if owner else None
        kpi.data_source = spec.data_source
        kpi.is_ratio = spec.is_ratio
        kpi.tolerance = Decimal(spec.tolerance) if spec.tolerance else None
        db.session.add_all(KpiMilestone(kpi_id=kpi.id, on=on, value=Decimal(v)) for on, v in spec.milestones)
        db.session.add_all(
            KpiBenchmark(kpi_id=kpi.id, label=label, value=Decimal(v), on=on) for label, v, on in spec.benchmarks
        )
        author = authors.get(spec.owner) or authors.get(None)
        values = [
            KpiValue(
                kpi_id=kpi.id,
                on=on,
                value=_value(value, numerator, denominator),
                numerator=Decimal(numerator) if numerator is not None else None,
                denominator=Decimal(denominator) if denominator is not None else None,
                note=note,
                author_id=author.id if author else None,
                source="demo",
                created_at=_recorded_on(on),
            )
            for on, value, note, numerator, denominator in spec.values
        ]
        db.session.add_all(values)
        db.session.flush()
        if spec.name == CORRECTION[0]:
            _, on, value, numerator, denominator = CORRECTION
            wrong = next(v for v in values if v.on == on)
            db.session.add(
                KpiValue(
                    kpi_id=kpi.id,
                    on=on,
                    value=_value(value, numerator, denominator),
                    numerator=Decimal(numerator),
                    denominator=Decimal(denominator),
                    note="Corrected: now includes the Oswestry clinic's referrals.",
                    supersedes_id=wrong.id,
                    author_id=author.id if author else None,
                    source="demo",
                    created_at=_recorded_on(on + timedelta(days=14)),
                )
            )
        defined += 1
    if not defined:
        return None
    db.session.flush()
    audit.record(
        event="demo.kpis_added",
        entity=plan,
        summary=f"Demo data: {defined} impact measures defined as KPIs with illustrative values",
        user_id=None,
        after={"kpis": defined},
    )
    return (
        f"Defined {defined} demo KPIs from the plan's impact measures, with illustrative values (labelled Demo data)."
    )


def _authors(roles: dict[str, Role]) -> dict[str | None, User]:
    """A demo user holding each role code, and the demo project officer (None) for the rest."""
    authors: dict[str | None, User] = {}
    officer = db.session.scalar(select(User).where(User.email == "officer@demo.example"))
    if officer is not None:
        authors[None] = officer
    for user, role_id in db.session.execute(
        select(User, user_role.c.role_id).join(user_role, user_role.c.user_id == User.id).order_by(User.id)
    ):
        code = next((code for code, role in roles.items() if role.id == role_id), None)
        if code is not None:
            authors.setdefault(code, user)
    return authors
