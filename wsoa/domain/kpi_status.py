"""A KPI's status against its trajectory: on track, at risk, off track, target met, or no data.

The trajectory runs in straight lines from the baseline through the milestones to the target. The latest reading
on or before the date asked about is compared with where the trajectory expected it to be then. A target of zero
("no permanent exclusions") is a real target: nothing here treats 0 as missing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"  # lower is better
    BAND = "band"  # hold within a band


class KpiStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    TARGET_MET = "target_met"


class Frequency(StrEnum):
    MONTHLY = "monthly"
    TERMLY = "termly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


STATUS_LABELS = {
    KpiStatus.ON_TRACK: "On track",
    KpiStatus.AT_RISK: "At risk",
    KpiStatus.OFF_TRACK: "Off track",
    KpiStatus.NO_DATA: "No data",
    KpiStatus.TARGET_MET: "Target met",
}
STATUS_TAG_CLASSES = {
    KpiStatus.ON_TRACK: "govuk-tag--green",
    KpiStatus.AT_RISK: "govuk-tag--orange",
    KpiStatus.OFF_TRACK: "govuk-tag--red",
    KpiStatus.NO_DATA: "govuk-tag--grey",
    KpiStatus.TARGET_MET: "govuk-tag--blue",
}
# How old the latest value may be before the KPI is stale: the reporting interval plus a grace period for the
# data to be collected and entered.
STALE_AFTER = {
    Frequency.MONTHLY: timedelta(days=45),
    Frequency.TERMLY: timedelta(days=140),
    Frequency.QUARTERLY: timedelta(days=120),
    Frequency.ANNUAL: timedelta(days=395),
}
# With no tolerance stored, the at-risk zone is this share of the distance from baseline to target.
DEFAULT_TOLERANCE_SHARE = 0.05

Number = Decimal | float | int


@dataclass(frozen=True)
class TrajectoryPoint:
    on: date
    value: Number


@dataclass(frozen=True)
class KpiReading:
    on: date
    value: Number


@dataclass(frozen=True)
class KpiDefinition:
    direction: Direction
    baseline: TrajectoryPoint | None = None
    target: TrajectoryPoint | None = None
    milestones: tuple[TrajectoryPoint, ...] = ()
    tolerance: Number | None = None
    band_low: Number | None = None
    band_high: Number | None = None
    frequency: Frequency | None = None


@dataclass(frozen=True)
class StatusResult:
    status: KpiStatus
    latest: KpiReading | None
    expected: float | None  # where the trajectory expected the KPI at the latest reading's date
    gap: float | None  # latest minus expected, signed so that positive is better whatever the direction
    stale: bool
    explanation: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def tag_class(self) -> str:
        return STATUS_TAG_CLASSES[self.status]


def _points(kpi: KpiDefinition) -> list[tuple[date, float]]:
    points = [p for p in (kpi.baseline, *kpi.milestones, kpi.target) if p is not None]
    return sorted(((p.on, float(p.value)) for p in points), key=lambda point: point[0])


def trajectory_value(kpi: KpiDefinition, on: date) -> float | None:
    """Where the KPI should be on a date: straight lines between points; flat before the first and after the last."""
    points = _points(kpi)
    if not points:
        return None
    if on <= points[0][0]:
        return points[0][1]
    for (start, start_value), (end, end_value) in zip(points, points[1:], strict=False):
        if on <= end:
            span = (end - start).days
            if span == 0:
                return end_value
            return start_value + (end_value - start_value) * (on - start).days / span
    return points[-1][1]


def _tolerance(kpi: KpiDefinition) -> float:
    if kpi.tolerance is not None:
        return abs(float(kpi.tolerance))
    if kpi.baseline is not None and kpi.target is not None:
        return abs(float(kpi.target.value) - float(kpi.baseline.value)) * DEFAULT_TOLERANCE_SHARE
    return 0.0


def _better_by(kpi: KpiDefinition, value: float, reference: float) -> float:
    """How much better `value` is than `reference` (negative: worse)."""
    return reference - value if kpi.direction == Direction.LOWER else value - reference


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def is_stale(kpi: KpiDefinition, latest: KpiReading | None, as_at: date) -> bool:
    if latest is None or kpi.frequency is None:
        return False
    return as_at - latest.on > STALE_AFTER[Frequency(kpi.frequency)]


def kpi_status(kpi: KpiDefinition, readings: Iterable[KpiReading], as_at: date) -> StatusResult:
    """The KPI's status as at a date, from the readings known on or before it."""
    known = [r for r in readings if r.on <= as_at]
    if not known:
        return StatusResult(KpiStatus.NO_DATA, None, None, None, False, "No values recorded yet.")
    latest = max(enumerate(known), key=lambda pair: (pair[1].on, pair[0]))[1]  # ties: the last given
    value = float(latest.value)
    stale = is_stale(kpi, latest, as_at)
    when = f"{latest.on.day} {latest.on:%b %Y}"
    if kpi.direction == Direction.BAND:
        return _band_status(kpi, latest, value, stale, when)
    tolerance = _tolerance(kpi)
    if kpi.target is not None and (beyond := _better_by(kpi, value, float(kpi.target.value))) >= 0:
        target = float(kpi.target.value)
        return StatusResult(
            KpiStatus.TARGET_MET,
            latest,
            target,
            beyond,
            stale,
            f"Latest {_fmt(value)} on {when} meets the target of {_fmt(target)}.",
        )
    expected = trajectory_value(kpi, latest.on)
    if expected is None:
        return StatusResult(
            KpiStatus.ON_TRACK,
            latest,
            None,
            None,
            stale,
            f"Latest {_fmt(value)} on {when}; no baseline or target to compare it with.",
        )
    if kpi.target is None:
        # Only a baseline: better than or equal to where we started is on track.
        gap = _better_by(kpi, value, expected)
        status = KpiStatus.ON_TRACK if gap >= 0 else KpiStatus.OFF_TRACK
        return StatusResult(
            status,
            latest,
            expected,
            gap,
            stale,
            f"Latest {_fmt(value)} on {when} against a baseline of {_fmt(expected)}; no target set.",
        )
    gap = _better_by(kpi, value, expected)
    past_target = latest.on >= kpi.target.on
    if gap >= 0 and not past_target:
        status = KpiStatus.ON_TRACK
    elif -gap <= tolerance:
        status = KpiStatus.AT_RISK
    else:
        status = KpiStatus.OFF_TRACK
    reference = "the target" if past_target else "the trajectory"
    direction_word = "ahead of" if gap > 0 else ("behind" if gap < 0 else "exactly on")
    return StatusResult(
        status,
        latest,
        expected,
        gap,
        stale,
        f"Latest {_fmt(value)} on {when} against an expected {_fmt(expected)} ({reference}); "
        f"{_fmt(abs(gap)) + ' ' if gap else ''}{direction_word} {reference}.",
    )


def _band_status(kpi: KpiDefinition, latest: KpiReading, value: float, stale: bool, when: str) -> StatusResult:
    low = float(kpi.band_low) if kpi.band_low is not None else float("-inf")
    high = float(kpi.band_high) if kpi.band_high is not None else float("inf")
    outside_by = max(low - value, value - high, 0.0)
    tolerance = abs(float(kpi.tolerance)) if kpi.tolerance is not None else 0.0
    if outside_by == 0:
        met = kpi.target is not None and latest.on >= kpi.target.on
        status = KpiStatus.TARGET_MET if met else KpiStatus.ON_TRACK
        explanation = f"Latest {_fmt(value)} on {when} is within the band."
    else:
        status = KpiStatus.AT_RISK if outside_by <= tolerance else KpiStatus.OFF_TRACK
        explanation = f"Latest {_fmt(value)} on {when} is {_fmt(outside_by)} outside the band."
    return StatusResult(status, latest, None, -outside_by, stale, explanation)
