"""Impact measures: KPI definitions, their trajectory and the values recorded over time."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wsoa.domain.wording import UNITS
from wsoa.extensions import db
from wsoa.models.types import UTCDateTime, allowed_values, utcnow

if TYPE_CHECKING:
    from wsoa.models.plan import Outcome, Priority
    from wsoa.models.roles import Role

KPI_DIRECTIONS = ("higher", "lower", "band")
KPI_FREQUENCIES = ("monthly", "termly", "quarterly", "annual")
KPI_UNITS = UNITS
Number = Numeric(14, 4)


class Kpi(db.Model):
    __tablename__ = "kpi"
    __table_args__ = (
        allowed_values("direction", KPI_DIRECTIONS),
        allowed_values("frequency", KPI_FREQUENCIES, nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome.id"))
    name: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(10), default="higher")
    baseline_value: Mapped[Decimal | None] = mapped_column(Number)
    baseline_date: Mapped[date | None]
    target_value: Mapped[Decimal | None] = mapped_column(Number)
    target_date: Mapped[date | None]
    tolerance: Mapped[Decimal | None] = mapped_column(Number)
    band_low: Mapped[Decimal | None] = mapped_column(Number)
    band_high: Mapped[Decimal | None] = mapped_column(Number)
    is_ratio: Mapped[bool] = mapped_column(default=False)
    frequency: Mapped[str | None] = mapped_column(String(20))
    data_source: Mapped[str | None] = mapped_column(Text)
    owner_role_id: Mapped[int | None] = mapped_column(ForeignKey("role.id"))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    priority: Mapped["Priority"] = relationship(back_populates="kpis", lazy="raise")
    outcome: Mapped["Outcome | None"] = relationship(lazy="raise")
    owner_role: Mapped["Role | None"] = relationship(lazy="raise")
    milestones: Mapped[list["KpiMilestone"]] = relationship(
        order_by="KpiMilestone.on", lazy="raise", cascade="all, delete-orphan"
    )
    benchmarks: Mapped[list["KpiBenchmark"]] = relationship(lazy="raise", cascade="all, delete-orphan")
    values: Mapped[list["KpiValue"]] = relationship(
        back_populates="kpi", order_by="KpiValue.id", lazy="raise", cascade="all, delete-orphan"
    )


class KpiMilestone(db.Model):
    __tablename__ = "kpi_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"), index=True)
    on: Mapped[date]
    value: Mapped[Decimal] = mapped_column(Number)


class KpiBenchmark(db.Model):
    """A comparator such as the England average or statistical neighbours."""

    __tablename__ = "kpi_benchmark"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    value: Mapped[Decimal] = mapped_column(Number)
    on: Mapped[date | None]


class KpiValue(db.Model):
    """A recorded value. Append-only: a correction is a new row that supersedes an earlier one."""

    __tablename__ = "kpi_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"), index=True)
    on: Mapped[date]
    period_label: Mapped[str | None] = mapped_column(Text)
    value: Mapped[Decimal] = mapped_column(Number)
    numerator: Mapped[Decimal | None] = mapped_column(Number)
    denominator: Mapped[Decimal | None] = mapped_column(Number)
    note: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("kpi_value.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    source: Mapped[str] = mapped_column(String(10), default="app")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    kpi: Mapped[Kpi] = relationship(back_populates="values", lazy="raise")
