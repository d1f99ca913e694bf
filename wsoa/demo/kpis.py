"""Proper KPI definitions and plausible values for a handful of the demo plan's impact measures (seed 004).

The demo plan imports its impact measures as words only; this turns six of them into KPIs with baselines, targets,
milestones and values, so the charts show something real on `make run`. The figures are illustrative, drawn from the
plan's own narrative where it gives them (over 1,000 waiting for SALT at inspection, 210 by mid-September 2020 with
32 over 18 weeks), and every value is `source="demo"`, labelled "Demo data" wherever values are shown.
Running it twice adds nothing.
"""

import tomllib
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from config import IMPORTS_DIR
from wsoa.demo import record_demo_data
from wsoa.extensions import db
from wsoa.models import Kpi, KpiBenchmark, KpiMilestone, KpiValue, Plan, Priority, Role, User, user_role

# Data, not code: each KPI's definition and values, and the one correction (imports/demo/kpis.toml).
DEMO_KPIS_FILE = IMPORTS_DIR / "demo" / "kpis.toml"


def _demo_kpis() -> dict[str, Any]:
    with DEMO_KPIS_FILE.open("rb") as file:
        return tomllib.load(file)


def _recorded_on(day: date) -> datetime:
    """Demo values read as if each was recorded on its own date, as a team keeping its KPIs current would."""
    return datetime.combine(day, time(17, 0), tzinfo=UTC)


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
    demo = _demo_kpis()
    correction = demo["correction"]
    defined = 0
    for spec in demo["kpi"]:
        kpi = next(
            (
                k
                for k, number in kpis
                if number == spec["priority"] and _normal(k.text).startswith(_normal(spec["starts_with"]))
            ),
            None,
        )
        if kpi is None or kpi.name:  # not in this workbook, or already defined by someone: leave it alone
            continue
        _define(kpi, spec, roles.get(spec["owner"]))
        author = authors.get(spec["owner"]) or authors.get(None)
        values = [_demo_value(kpi, value, author) for value in spec["values"]]
        db.session.add_all(values)
        db.session.flush()
        if spec["name"] == correction["kpi"]:
            wrong = next(v for v in values if v.on == correction["on"])
            corrected = _demo_value(kpi, correction, author, recorded=correction["on"] + timedelta(days=14))
            corrected.supersedes_id = wrong.id
            db.session.add(corrected)
        defined += 1
    if not defined:
        return None
    summary = f"Demo data: {defined} impact measures defined as KPIs with illustrative values"
    record_demo_data("demo.kpis_added", plan, summary, {"kpis": defined})
    return (
        f"Defined {defined} demo KPIs from the plan's impact measures, with illustrative values (labelled Demo data)."
    )


def _define(kpi: Kpi, spec: dict[str, Any], owner: Role | None) -> None:
    kpi.name = spec["name"]
    kpi.unit = spec["unit"]
    kpi.direction = spec["direction"]
    kpi.baseline_date, kpi.baseline_value = spec["baseline"]["on"], Decimal(spec["baseline"]["value"])
    kpi.target_date, kpi.target_value = spec["target"]["on"], Decimal(spec["target"]["value"])
    kpi.frequency = spec["frequency"]
    kpi.owner_role_id = owner.id if owner else None
    kpi.data_source = spec["data_source"]
    kpi.is_ratio = spec.get("is_ratio", False)
    kpi.tolerance = Decimal(spec["tolerance"]) if spec.get("tolerance") else None
    db.session.add_all(
        KpiMilestone(kpi_id=kpi.id, on=m["on"], value=Decimal(m["value"])) for m in spec.get("milestones", [])
    )
    db.session.add_all(
        KpiBenchmark(kpi_id=kpi.id, label=b["label"], value=Decimal(b["value"]), on=b.get("on"))
        for b in spec.get("benchmarks", [])
    )


def _demo_value(kpi: Kpi, value: dict[str, Any], author: User | None, *, recorded: date | None = None) -> KpiValue:
    numerator, denominator = value.get("numerator"), value.get("denominator")
    return KpiValue(
        kpi_id=kpi.id,
        on=value["on"],
        value=_value(value["value"], numerator, denominator),
        numerator=Decimal(numerator) if numerator is not None else None,
        denominator=Decimal(denominator) if denominator is not None else None,
        note=value.get("note"),
        author_id=author.id if author else None,
        source="demo",
        created_at=_recorded_on(recorded or value["on"]),
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
