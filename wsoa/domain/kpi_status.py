"""A KPI's status against its trajectory: on track, at risk, off track, target met, or no data.

The trajectory runs in straight lines from the baseline through the milestones to the target, flat before its first
point and after the target. The latest reading on or before the date asked about is compared with where the
trajectory expected the KPI to be on that reading's date. A value or target of zero ("no permanent exclusions") is a
real value: nothing here treats 0 as missing.

Choices a board can rely on:

- Meeting the expected value exactly is on track; being worse by exactly the tolerance is at risk, not off track.
- Reaching the target (higher: at or above it, lower: at or below it) is "target met", even before the target date.
- After the target date the trajectory is the target itself, so a miss is at risk within the tolerance and off track
  beyond it.
- With no tolerance stored the at-risk zone is 5% of the planned improvement (from the first trajectory point to the
  target), or nothing when there is no such improvement to measure (target only, baseline only, or a band).
- With no target the KPI is compared with its baseline (and milestones, if any): no worse is on track, worse is off
  track, and the explanation says no target is set. With no baseline, milestones or target either, the KPI is "on
  track" with an explanation that there is nothing to judge it against: there is a value, so "no data" would be
  untrue, and nothing says it is going wrong.
- With no readings the status is "no data" and the KPI is not stale: "no data" already says there is nothing to be
  out of date.
- `gap` is signed so that positive always means better than expected: above the trajectory for higher-is-better,
  below it for lower-is-better. For a band it is minus the distance outside the band (0 inside), as a band has no
  single expected value.
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


STATUS_LABELS: dict[KpiStatus, str] = {
    KpiStatus.ON_TRACK: "On track",
    KpiStatus.AT_RISK: "At risk",
    KpiStatus.OFF_TRACK: "Off track",
    KpiStatus.NO_DATA: "No data",
    KpiStatus.TARGET_MET: "Target met",
}
STATUS_TAG_CLASSES: dict[KpiStatus, str] = {
    KpiStatus.ON_TRACK: "govuk-tag--green",
    KpiStatus.AT_RISK: "govuk-tag--orange",
    KpiStatus.OFF_TRACK: "govuk-tag--red",
    KpiStatus.NO_DATA: "govuk-tag--grey",
    KpiStatus.TARGET_MET: "govuk-tag--blue",
}
# How old the latest value may be before the KPI is stale: the reporting interval plus a grace period for the
# data to be collected and entered (a month's figures usually arrive a fortnight later; a term runs about 3.5 months).
STALE_AFTER: dict[Frequency, timedelta] = {
    Frequency.MONTHLY: timedelta(days=45),
    Frequency.TERMLY: timedelta(days=140),
    Frequency.QUARTERLY: timedelta(days=120),
    Frequency.ANNUAL: timedelta(days=395),
}
# With no tolerance stored, the at-risk zone is this share of the planned improvement.
DEFAULT_TOLERANCE_SHARE = 0.05
# Interpolation and decimals stored as floats leave noise (1.1 - 1.0 is 0.10000000000000009); rounding the gap keeps
# "exactly on the trajectory" and "exactly on the tolerance edge" exact.
_GAP_DECIMAL_PLACES = 9
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Number = Decimal | float | int


@dataclass(frozen=True)
class DatedValue:
    """A KPI's value on a date (the database hands back Decimal): a reading, or a point on its trajectory."""

    on: date
    value: Number


TrajectoryPoint = DatedValue  # the baseline, a milestone or the target
KpiReading = DatedValue  # a value recorded for the KPI


@dataclass(frozen=True)
class KpiDefinition:
    direction: Direction
    baseline: TrajectoryPoint | None = None
    target: TrajectoryPoint | None = None  # a target value of 0 is a real target
    milestones: tuple[TrajectoryPoint, ...] = ()
    tolerance: Number | None = None  # absolute, in the KPI's unit; None: see DEFAULT_TOLERANCE_SHARE
    band_low: Number | None = None
    band_high: Number | None = None
    frequency: Frequency | None = None


@dataclass(frozen=True)
class StatusResult:
    status: KpiStatus
    latest: KpiReading | None
    expected: float | None  # where the trajectory expected the KPI on the latest reading's date
    gap: float | None  # latest minus expected, signed so that positive is better whatever the direction
    stale: bool
    explanation: str

    @property
    def label(self) -> str:
        """The status in words, for the UI and reports."""
        return STATUS_LABELS[self.status]

    @property
    def tag_class(self) -> str:
        """The GOV.UK Frontend tag modifier for the status."""
        return STATUS_TAG_CLASSES[self.status]


def _points(kpi: KpiDefinition) -> list[tuple[date, float]]:
    milestones = kpi.milestones
    if kpi.target is not None:
        # The target ends the trajectory; a milestone after it would make the target date meaningless.
        milestones = tuple(m for m in milestones if m.on <= kpi.target.on)
    points = [p for p in (kpi.baseline, *milestones, kpi.target) if p is not None]
    return sorted(((p.on, float(p.value)) for p in points), key=lambda point: point[0])


def trajectory_value(kpi: KpiDefinition, on: date) -> float | None:
    """Where the KPI should be on a date: straight lines between points, flat before the first and after the last."""
    points = _points(kpi)
    if not points:
        return None
    # Before the baseline no improvement was planned yet, so the baseline itself is expected.
    if on <= points[0][0]:
        return points[0][1]
    for (start, start_value), (end, end_value) in zip(points, points[1:], strict=False):
        if on <= end:
            span = (end - start).days
            if span == 0:
                return end_value
            return start_value + (end_value - start_value) * (on - start).days / span
    return points[-1][1]


def tolerance_for(kpi: KpiDefinition) -> float:
    """The at-risk zone's width: the stored tolerance, else 5% of the planned improvement (0 if there is none)."""
    if kpi.tolerance is not None:
        return abs(float(kpi.tolerance))
    if kpi.direction == Direction.BAND or kpi.target is None:
        return 0.0
    start = _points(kpi)[0]
    return abs(float(kpi.target.value) - start[1]) * DEFAULT_TOLERANCE_SHARE


def is_stale(kpi: KpiDefinition, latest: KpiReading | None, as_at: date) -> bool:
    """Whether the latest reading is older than the KPI's reporting frequency allows as at a date."""
    if latest is None or kpi.frequency is None:
        return False
    return as_at - latest.on > STALE_AFTER[Frequency(kpi.frequency)]


def _without_noise(difference: float) -> float:
    return round(difference, _GAP_DECIMAL_PLACES) + 0.0  # + 0.0 turns -0.0 into 0.0


def _better_by(direction: Direction, value: float, reference: float) -> float:
    """How much better `value` is than `reference`; negative when worse."""
    return _without_noise(reference - value if direction == Direction.LOWER else value - reference)


def _number(value: float) -> str:
    value = float(value) + 0.0
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def _day(on: date) -> str:
    return f"{on.day} {_MONTHS[on.month - 1]} {on.year}"


def _how_far(gap: float) -> str:
    if gap == 0:
        return "exactly as expected"
    return f"{_number(abs(gap))} {'ahead' if gap > 0 else 'behind'}"


def kpi_status(kpi: KpiDefinition, readings: Iterable[KpiReading], as_at: date) -> StatusResult:
    """The KPI's status as at a date, judged on the latest reading on or before it."""
    known = [reading for reading in readings if reading.on <= as_at]
    if not known:
        return StatusResult(KpiStatus.NO_DATA, None, None, None, False, f"No values recorded by {_day(as_at)}.")
    latest = max(enumerate(known), key=lambda pair: (pair[1].on, pair[0]))[1]  # ties: the last given
    value = float(latest.value)
    stale = is_stale(kpi, latest, as_at)
    latest_words = f"Latest {_number(value)} on {_day(latest.on)}"
    if kpi.direction == Direction.BAND:
        return _band_status(kpi, latest, stale, latest_words)

    expected = trajectory_value(kpi, latest.on)
    if expected is None:
        return StatusResult(
            KpiStatus.ON_TRACK,
            latest,
            None,
            None,
            stale,
            f"{latest_words}; no baseline or target set to judge it against.",
        )
    gap = _better_by(kpi.direction, value, expected)

    def judged(status: KpiStatus, explanation: str) -> StatusResult:
        return StatusResult(status, latest, expected, gap, stale, explanation)

    if kpi.target is None:
        status = KpiStatus.ON_TRACK if gap >= 0 else KpiStatus.OFF_TRACK
        reference = " and ".join(
            words for words, present in (("the baseline", kpi.baseline), ("milestones", kpi.milestones)) if present
        )
        return judged(
            status, f"{latest_words} against {_number(expected)} ({reference}); {_how_far(gap)}; no target set."
        )

    target_value = float(kpi.target.value)
    if _better_by(kpi.direction, value, target_value) >= 0:
        return judged(
            KpiStatus.TARGET_MET,
            f"{latest_words} meets the target of {_number(target_value)} due by {_day(kpi.target.on)}.",
        )

    if gap >= 0:
        status = KpiStatus.ON_TRACK
    elif -gap <= tolerance_for(kpi):
        status = KpiStatus.AT_RISK
    else:
        status = KpiStatus.OFF_TRACK
    if latest.on > kpi.target.on:
        reference = f"the target, due by {_day(kpi.target.on)}"
    elif len(_points(kpi)) == 1:
        reference = "the target; no baseline or milestones to draw a trajectory from"
    else:
        reference = "the trajectory"
    return judged(status, f"{latest_words} against an expected {_number(expected)} ({reference}); {_how_far(gap)}.")


def _band_words(low: float, high: float) -> str:
    if low == float("-inf"):
        return f"the band of at most {_number(high)}"
    if high == float("inf"):
        return f"the band of at least {_number(low)}"
    return f"the band of {_number(low)} to {_number(high)}"


def _band_status(kpi: KpiDefinition, latest: KpiReading, stale: bool, latest_words: str) -> StatusResult:
    if kpi.band_low is None and kpi.band_high is None:
        return StatusResult(
            KpiStatus.ON_TRACK, latest, None, None, stale, f"{latest_words}; no band set to judge it against."
        )
    value = float(latest.value)
    low = float(kpi.band_low) if kpi.band_low is not None else float("-inf")
    high = float(kpi.band_high) if kpi.band_high is not None else float("inf")
    low, high = min(low, high), max(low, high)  # a band entered the wrong way round still means the same band
    below_by = max(_without_noise(low - value), 0.0)
    above_by = max(_without_noise(value - high), 0.0)
    band = _band_words(low, high)
    if below_by == above_by == 0:
        target_date_reached = kpi.target is not None and latest.on >= kpi.target.on
        status = KpiStatus.TARGET_MET if target_date_reached else KpiStatus.ON_TRACK
        return StatusResult(status, latest, None, 0.0, stale, f"{latest_words} is within {band}.")
    outside_by = max(below_by, above_by)
    status = KpiStatus.AT_RISK if outside_by <= tolerance_for(kpi) else KpiStatus.OFF_TRACK
    side = "below" if below_by else "above"
    return StatusResult(
        status, latest, None, -outside_by, stale, f"{latest_words} is {_number(outside_by)} {side} {band}."
    )
