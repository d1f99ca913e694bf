from datetime import date

import pytest

from wsoa.domain.kpi_status import (
    Direction,
    Frequency,
    KpiDefinition,
    KpiReading,
    KpiStatus,
    TrajectoryPoint,
    kpi_status,
    trajectory_value,
)

D = date
APRIL_2022 = date(2022, 4, 1)
# "92% of children seen within 18 weeks": from 60% in Apr 2021 to 92% by Apr 2023, 76% expected in Apr 2022.
SEEN_WITHIN_18_WEEKS = KpiDefinition(
    direction=Direction.HIGHER,
    baseline=TrajectoryPoint(D(2021, 4, 1), 60),
    milestones=(TrajectoryPoint(D(2022, 4, 1), 76),),
    target=TrajectoryPoint(D(2023, 4, 1), 92),
    tolerance=4,
    frequency=Frequency.QUARTERLY,
)
# "No permanent exclusions for children with an EHCP from Sept 2021": from 12 to 0.
EXCLUSIONS = KpiDefinition(
    direction=Direction.LOWER,
    baseline=TrajectoryPoint(D(2020, 9, 1), 12),
    target=TrajectoryPoint(D(2021, 9, 1), 0),
    tolerance=2,
    frequency=Frequency.TERMLY,
)


def status(kpi, *readings, as_at=APRIL_2022):
    return kpi_status(kpi, [KpiReading(on, value) for on, value in readings], as_at)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2021, 1, 1), 60),  # before the baseline: the baseline
        (D(2021, 4, 1), 60),
        (D(2022, 4, 1), 76),  # exactly on a milestone
        (D(2022, 9, 30), pytest.approx(76 + 16 * 182 / 365)),
        (D(2023, 4, 1), 92),
        (D(2024, 1, 1), 92),  # after the target date: the target
    ],
)
def test_trajectory_interpolates_between_baseline_milestones_and_target(on, expected):
    assert trajectory_value(SEEN_WITHIN_18_WEEKS, on) == expected


@pytest.mark.parametrize(
    ("value", "expected_status"),
    [
        (80, KpiStatus.ON_TRACK),  # ahead of the 76 expected
        (76, KpiStatus.ON_TRACK),  # exactly on the trajectory
        (73, KpiStatus.AT_RISK),  # behind, within the tolerance of 4
        (72, KpiStatus.AT_RISK),  # exactly on the tolerance edge
        (71, KpiStatus.OFF_TRACK),
        (92, KpiStatus.TARGET_MET),  # exactly on target
        (95, KpiStatus.TARGET_MET),
    ],
)
def test_higher_is_better(value, expected_status):
    assert status(SEEN_WITHIN_18_WEEKS, (D(2022, 4, 1), value)).status == expected_status


@pytest.mark.parametrize(
    ("value", "expected_status"),
    [
        (0, KpiStatus.TARGET_MET),  # a zero target is a real target
        (5, KpiStatus.ON_TRACK),  # half way through the year 6 was expected
        (6, KpiStatus.ON_TRACK),
        (8, KpiStatus.AT_RISK),
        (9, KpiStatus.OFF_TRACK),
    ],
)
def test_lower_is_better_with_a_zero_target(value, expected_status):
    result = status(EXCLUSIONS, (D(2021, 3, 2), value), as_at=D(2021, 3, 2))
    assert result.status == expected_status


def test_zero_target_is_never_treated_as_no_target():
    result = status(EXCLUSIONS, (D(2021, 3, 2), 6), as_at=D(2021, 3, 2))
    assert result.expected == pytest.approx(6, abs=0.05)
    assert "no target" not in result.explanation.lower()


def test_after_the_target_date_a_miss_is_judged_against_the_target():
    assert status(EXCLUSIONS, (D(2021, 12, 1), 1), as_at=D(2021, 12, 1)).status == KpiStatus.AT_RISK
    assert status(EXCLUSIONS, (D(2021, 12, 1), 3), as_at=D(2021, 12, 1)).status == KpiStatus.OFF_TRACK
    assert status(EXCLUSIONS, (D(2021, 12, 1), 0), as_at=D(2021, 12, 1)).status == KpiStatus.TARGET_MET


def test_no_values_is_no_data():
    result = status(SEEN_WITHIN_18_WEEKS)
    assert (result.status, result.latest, result.stale) == (KpiStatus.NO_DATA, None, False)


def test_values_after_the_date_asked_about_are_ignored():
    result = status(SEEN_WITHIN_18_WEEKS, (D(2022, 4, 1), 70), (D(2022, 6, 1), 90), as_at=D(2022, 4, 30))
    assert result.latest.value == 70
    assert result.status == KpiStatus.OFF_TRACK


def test_the_latest_value_counts_and_ties_go_to_the_last_given():
    result = status(SEEN_WITHIN_18_WEEKS, (D(2022, 4, 1), 70), (D(2022, 4, 1), 80), (D(2022, 1, 1), 99))
    assert result.latest.value == 80


def test_gap_is_positive_when_better_whatever_the_direction():
    assert status(SEEN_WITHIN_18_WEEKS, (D(2022, 4, 1), 80)).gap == pytest.approx(4)
    assert status(EXCLUSIONS, (D(2021, 3, 2), 4), as_at=D(2021, 3, 2)).gap == pytest.approx(2, abs=0.05)
    assert status(EXCLUSIONS, (D(2021, 3, 2), 8), as_at=D(2021, 3, 2)).gap == pytest.approx(-2, abs=0.05)


@pytest.mark.parametrize(
    ("frequency", "age_days", "stale"),
    [
        (Frequency.MONTHLY, 45, False),
        (Frequency.MONTHLY, 46, True),
        (Frequency.QUARTERLY, 120, False),
        (Frequency.QUARTERLY, 121, True),
        (Frequency.ANNUAL, 395, False),
        (Frequency.ANNUAL, 396, True),
        (None, 1000, False),
    ],
)
def test_stale_when_the_latest_value_is_older_than_the_frequency_allows(frequency, age_days, stale):
    kpi = KpiDefinition(direction=Direction.HIGHER, target=TrajectoryPoint(D(2030, 1, 1), 100), frequency=frequency)
    as_at = D(2022, 1, 1)
    reading = (date.fromordinal(as_at.toordinal() - age_days), 10)
    assert status(kpi, reading, as_at=as_at).stale is stale


@pytest.mark.parametrize(
    ("value", "on", "expected_status"),
    [
        (95, D(2021, 6, 1), KpiStatus.ON_TRACK),
        (90, D(2021, 6, 1), KpiStatus.ON_TRACK),  # on the band's edge
        (88, D(2021, 6, 1), KpiStatus.AT_RISK),
        (80, D(2021, 6, 1), KpiStatus.OFF_TRACK),
        (104, D(2021, 6, 1), KpiStatus.AT_RISK),
        (95, D(2022, 6, 1), KpiStatus.TARGET_MET),  # held within the band after the target date
    ],
)
def test_hold_within_a_band(value, on, expected_status):
    kpi = KpiDefinition(
        direction=Direction.BAND, band_low=90, band_high=100, tolerance=5, target=TrajectoryPoint(D(2022, 1, 1), 95)
    )
    assert status(kpi, (on, value), as_at=on).status == expected_status


def test_only_a_baseline_compares_with_where_we_started():
    kpi = KpiDefinition(direction=Direction.LOWER, baseline=TrajectoryPoint(D(2021, 1, 1), 20))
    assert status(kpi, (D(2021, 6, 1), 18), as_at=D(2021, 6, 1)).status == KpiStatus.ON_TRACK
    worse = status(kpi, (D(2021, 6, 1), 25), as_at=D(2021, 6, 1))
    assert worse.status == KpiStatus.OFF_TRACK
    assert "no target set" in worse.explanation


def test_nothing_to_compare_with_still_reports_the_value():
    kpi = KpiDefinition(direction=Direction.HIGHER)
    result = status(kpi, (D(2021, 6, 1), 18), as_at=D(2021, 6, 1))
    assert result.latest.value == 18
    assert "no baseline or target" in result.explanation


def test_default_tolerance_is_five_percent_of_the_planned_improvement():
    kpi = KpiDefinition(
        direction=Direction.HIGHER,
        baseline=TrajectoryPoint(D(2021, 1, 1), 0),
        target=TrajectoryPoint(D(2022, 1, 1), 100),
    )
    assert status(kpi, (D(2022, 1, 1), 95), as_at=D(2022, 1, 1)).status == KpiStatus.AT_RISK
    assert status(kpi, (D(2022, 1, 1), 94), as_at=D(2022, 1, 1)).status == KpiStatus.OFF_TRACK


def test_explanation_reads_as_a_sentence_with_uk_dates():
    result = status(SEEN_WITHIN_18_WEEKS, (D(2022, 4, 1), 72))
    assert (
        result.explanation
        == "Latest 72 on 1 Apr 2022 against an expected 76 (the trajectory); 4 behind the trajectory."
    )
