from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from wsoa.domain.kpi_status import (
    STATUS_LABELS,
    STATUS_TAG_CLASSES,
    Direction,
    Frequency,
    KpiDefinition,
    KpiReading,
    KpiStatus,
    TrajectoryPoint,
    kpi_status,
    tolerance_for,
    trajectory_value,
)

D = date
ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, TARGET_MET = (
    KpiStatus.ON_TRACK,
    KpiStatus.AT_RISK,
    KpiStatus.OFF_TRACK,
    KpiStatus.NO_DATA,
    KpiStatus.TARGET_MET,
)

# "92% of children seen within 18 weeks": 60% in Apr 2021, 76% expected in Apr 2022, 92% by Apr 2023.
SEEN_WITHIN_18_WEEKS = KpiDefinition(
    direction=Direction.HIGHER,
    baseline=TrajectoryPoint(D(2021, 4, 1), 60),
    milestones=(TrajectoryPoint(D(2022, 4, 1), 76),),
    target=TrajectoryPoint(D(2023, 4, 1), 92),
    tolerance=4,
    frequency=Frequency.QUARTERLY,
)
# Speech and language therapy wait in weeks: 40 in Jan 2021, 30 by Jul 2021, 18 by Jan 2022.
WAIT_IN_WEEKS = KpiDefinition(
    direction=Direction.LOWER,
    baseline=TrajectoryPoint(D(2021, 1, 1), 40),
    milestones=(TrajectoryPoint(D(2021, 7, 1), 30),),
    target=TrajectoryPoint(D(2022, 1, 1), 18),
    tolerance=2,
    frequency=Frequency.MONTHLY,
)
# "No permanent exclusions for children with an EHCP from Sept 2021": 3 in Sep 2020, then 2, 1 and none.
# No tolerance stored: the default is 5% of the planned fall of 3, i.e. 0.15.
EXCLUSIONS = KpiDefinition(
    direction=Direction.LOWER,
    baseline=TrajectoryPoint(D(2020, 9, 1), 3),
    milestones=(TrajectoryPoint(D(2021, 1, 1), 2), TrajectoryPoint(D(2021, 4, 1), 1)),
    target=TrajectoryPoint(D(2021, 9, 1), 0),
    frequency=Frequency.TERMLY,
)
# Occupancy of specialist places held between 90% and 100% from Jan 2022, with 5 points' slack.
OCCUPANCY = KpiDefinition(
    direction=Direction.BAND,
    band_low=90,
    band_high=100,
    tolerance=5,
    target=TrajectoryPoint(D(2022, 1, 1), 95),
)


def status(kpi, *readings, as_at=None):
    """The status with readings given as (date, value); as at the last reading's date unless told."""
    as_at = as_at or max((on for on, _ in readings), default=D(2022, 4, 1))
    return kpi_status(kpi, [KpiReading(on, value) for on, value in readings], as_at)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2021, 1, 1), 60),  # before the baseline: the baseline
        (D(2021, 4, 1), 60),  # on the baseline
        (D(2021, 10, 1), pytest.approx(60 + 16 * 183 / 365)),  # between baseline and milestone
        (D(2022, 4, 1), 76),  # on the milestone
        (D(2022, 9, 30), pytest.approx(76 + 16 * 182 / 365)),  # between milestone and target
        (D(2023, 4, 1), 92),  # on the target
        (D(2024, 1, 1), 92),  # after the target date: the target
    ],
)
def test_trajectory_interpolates_between_baseline_milestones_and_target(on, expected):
    assert trajectory_value(SEEN_WITHIN_18_WEEKS, on) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [(D(2021, 4, 1), 35), (D(2021, 7, 1), 30), (D(2021, 5, 16), pytest.approx(35 - 5 * 45 / 91))],
)
def test_milestones_are_taken_in_date_order_whatever_order_they_are_given(on, expected):
    kpi = replace(WAIT_IN_WEEKS, milestones=(TrajectoryPoint(D(2021, 7, 1), 30), TrajectoryPoint(D(2021, 4, 1), 35)))
    assert trajectory_value(kpi, on) == expected


def test_milestones_after_the_target_date_are_ignored():
    kpi = replace(SEEN_WITHIN_18_WEEKS, milestones=(TrajectoryPoint(D(2024, 4, 1), 50),))
    assert trajectory_value(kpi, D(2024, 1, 1)) == 92


def test_points_on_the_same_date_do_not_divide_by_zero():
    kpi = KpiDefinition(
        direction=Direction.HIGHER,
        baseline=TrajectoryPoint(D(2021, 1, 1), 10),
        milestones=(TrajectoryPoint(D(2021, 1, 1), 12),),
        target=TrajectoryPoint(D(2021, 1, 11), 22),
    )
    assert trajectory_value(kpi, D(2021, 1, 6)) == 17


@pytest.mark.parametrize(
    ("kpi", "expected"),
    [
        (KpiDefinition(direction=Direction.HIGHER), None),
        (KpiDefinition(direction=Direction.HIGHER, target=TrajectoryPoint(D(2023, 1, 1), 92)), 92),
        (KpiDefinition(direction=Direction.LOWER, baseline=TrajectoryPoint(D(2020, 1, 1), 20)), 20),
    ],
)
def test_trajectory_with_one_point_is_flat_and_with_none_is_none(kpi, expected):
    assert trajectory_value(kpi, D(2022, 1, 1)) == expected


@pytest.mark.parametrize(
    ("value", "expected_status"),
    [
        (80, ON_TRACK),  # ahead of the 76 expected
        (76, ON_TRACK),  # exactly on the trajectory
        (73, AT_RISK),  # behind, within the tolerance of 4
        (72, AT_RISK),  # exactly on the tolerance edge
        (71.99, OFF_TRACK),
        (92, TARGET_MET),  # exactly on target, a year early
        (95, TARGET_MET),
    ],
)
def test_higher_is_better(value, expected_status):
    assert status(SEEN_WITHIN_18_WEEKS, (D(2022, 4, 1), value)).status == expected_status


@pytest.mark.parametrize(
    ("value", "expected_status"),
    [
        (25, ON_TRACK),  # shorter than the 30 weeks expected
        (30, ON_TRACK),  # exactly on the trajectory
        (31, AT_RISK),
        (32, AT_RISK),  # exactly on the tolerance edge of 2
        (32.5, OFF_TRACK),
        (18, TARGET_MET),  # exactly on target
        (12, TARGET_MET),
    ],
)
def test_lower_is_better(value, expected_status):
    assert status(WAIT_IN_WEEKS, (D(2021, 7, 1), value)).status == expected_status


@pytest.mark.parametrize(
    ("on", "value", "tolerance", "expected_status"),
    [
        (D(2021, 9, 1), 0, None, TARGET_MET),  # zero on the target date
        (D(2021, 4, 1), 0, None, TARGET_MET),  # zero early
        (D(2022, 3, 1), 0, None, TARGET_MET),  # zero after the target date
        (D(2021, 4, 1), 1, None, ON_TRACK),  # 1 expected
        (D(2021, 4, 1), 2, None, OFF_TRACK),  # 1 expected; default tolerance 0.15
        (D(2021, 4, 1), 2, 1, AT_RISK),  # 1 expected; tolerance 1
        (D(2021, 4, 1), 3, 1, OFF_TRACK),
        (D(2021, 12, 1), 1, 1, AT_RISK),  # target date passed, within tolerance
        (D(2021, 12, 1), 1, None, OFF_TRACK),
    ],
)
def test_zero_target_is_a_real_target(on, value, tolerance, expected_status):
    kpi = replace(EXCLUSIONS, tolerance=tolerance)
    assert status(kpi, (on, value)).status == expected_status


def test_zero_target_is_never_read_as_no_target():
    result = status(EXCLUSIONS, (D(2021, 12, 1), 2))
    assert (result.expected, result.gap) == (0, -2)
    assert "no target" not in result.explanation


@pytest.mark.parametrize(
    ("direction", "value", "expected_status"),
    [
        (Direction.HIGHER, 0, ON_TRACK),  # no worse than a baseline of 0
        (Direction.HIGHER, 3, ON_TRACK),
        (Direction.LOWER, 0, ON_TRACK),
        (Direction.LOWER, 1, OFF_TRACK),
    ],
)
def test_zero_baseline_is_a_real_baseline(direction, value, expected_status):
    kpi = KpiDefinition(direction=direction, baseline=TrajectoryPoint(D(2021, 1, 1), 0))
    result = status(kpi, (D(2021, 6, 1), value))
    assert (result.status, result.expected) == (expected_status, 0)


@pytest.mark.parametrize(("tolerance", "expected_status"), [(0, OFF_TRACK), (None, AT_RISK)])
def test_zero_tolerance_is_not_replaced_by_the_default(tolerance, expected_status):
    kpi = KpiDefinition(
        direction=Direction.HIGHER,
        baseline=TrajectoryPoint(D(2021, 1, 1), 0),
        target=TrajectoryPoint(D(2022, 1, 1), 100),
        tolerance=tolerance,
    )
    assert status(kpi, (D(2022, 1, 1), 99)).status == expected_status


@pytest.mark.parametrize(
    ("kpi", "on", "value", "expected_status"),
    [
        (SEEN_WITHIN_18_WEEKS, D(2023, 10, 1), 92, TARGET_MET),
        (SEEN_WITHIN_18_WEEKS, D(2023, 10, 1), 90, AT_RISK),
        (SEEN_WITHIN_18_WEEKS, D(2023, 10, 1), 88, AT_RISK),  # exactly on the tolerance edge
        (SEEN_WITHIN_18_WEEKS, D(2023, 10, 1), 87, OFF_TRACK),
        (WAIT_IN_WEEKS, D(2022, 6, 1), 18, TARGET_MET),
        (WAIT_IN_WEEKS, D(2022, 6, 1), 20, AT_RISK),
        (WAIT_IN_WEEKS, D(2022, 6, 1), 21, OFF_TRACK),
    ],
)
def test_after_the_target_date_a_miss_is_judged_against_the_target(kpi, on, value, expected_status):
    result = status(kpi, (on, value))
    assert (result.status, result.expected) == (expected_status, float(kpi.target.value))


@pytest.mark.parametrize(
    ("kpi", "on", "value"),
    [
        (SEEN_WITHIN_18_WEEKS, D(2023, 4, 1), 92),
        (SEEN_WITHIN_18_WEEKS, D(2022, 1, 1), 92),
        (SEEN_WITHIN_18_WEEKS, D(2023, 4, 1), Decimal("92.0")),
        (WAIT_IN_WEEKS, D(2022, 1, 1), 18),
        (EXCLUSIONS, D(2021, 9, 1), 0),
    ],
)
def test_exactly_on_target_is_target_met(kpi, on, value):
    assert status(kpi, (on, value)).status == TARGET_MET


@pytest.mark.parametrize(
    ("value", "expected_status", "expected_gap"),
    [
        (Decimal("1.1"), ON_TRACK, 0),  # exactly on the trajectory
        (Decimal("1.0"), AT_RISK, -0.1),  # exactly on the tolerance edge, though 1.1 - 1.0 is not 0.1 in floats
        (Decimal("0.99"), OFF_TRACK, -0.11),
    ],
)
def test_exact_edges_survive_decimal_values(value, expected_status, expected_gap):
    kpi = KpiDefinition(
        direction=Direction.HIGHER,
        baseline=TrajectoryPoint(D(2021, 1, 1), Decimal("0.5")),
        milestones=(TrajectoryPoint(D(2021, 6, 1), Decimal("1.1")),),
        target=TrajectoryPoint(D(2022, 1, 1), Decimal("2")),
        tolerance=Decimal("0.1"),
    )
    result = status(kpi, (D(2021, 6, 1), value))
    assert (result.status, result.gap) == (expected_status, expected_gap)


@pytest.mark.parametrize(
    ("kpi", "expected"),
    [
        (replace(SEEN_WITHIN_18_WEEKS, tolerance=None), 1.6),  # 5% of the planned rise from 60 to 92
        (replace(EXCLUSIONS, tolerance=None), pytest.approx(0.15)),  # 5% of the planned fall from 3 to 0
        (replace(SEEN_WITHIN_18_WEEKS, tolerance=None, baseline=None), 0.8),  # from the first milestone, 76
        (replace(SEEN_WITHIN_18_WEEKS, tolerance=None, baseline=None, milestones=()), 0),  # target only
        (replace(SEEN_WITHIN_18_WEEKS, tolerance=None, target=None), 0),  # no target
        (replace(SEEN_WITHIN_18_WEEKS, tolerance=-3), 3),
        (replace(OCCUPANCY, tolerance=None), 0),  # a band plans no improvement
    ],
)
def test_default_tolerance_is_five_percent_of_the_planned_improvement(kpi, expected):
    assert tolerance_for(kpi) == expected


@pytest.mark.parametrize(("value", "expected_status"), [(96, AT_RISK), (95, AT_RISK), (94.9, OFF_TRACK)])
def test_default_tolerance_sets_the_at_risk_zone(value, expected_status):
    kpi = KpiDefinition(
        direction=Direction.HIGHER,
        baseline=TrajectoryPoint(D(2021, 1, 1), 0),
        target=TrajectoryPoint(D(2022, 1, 1), 100),
    )
    assert status(kpi, (D(2022, 1, 1), value)).status == expected_status


def test_no_values_is_no_data():
    result = status(SEEN_WITHIN_18_WEEKS, as_at=D(2022, 4, 1))
    assert (result.status, result.latest, result.expected, result.gap, result.stale) == (
        NO_DATA,
        None,
        None,
        None,
        False,
    )
    assert result.explanation == "No values recorded by 1 Apr 2022."


def test_only_values_after_the_date_asked_about_is_no_data_and_not_stale():
    kpi = replace(SEEN_WITHIN_18_WEEKS, frequency=Frequency.MONTHLY)
    result = status(kpi, (D(2022, 6, 1), 80), as_at=D(2022, 4, 1))
    assert (result.status, result.latest, result.stale) == (NO_DATA, None, False)


@pytest.mark.parametrize(
    ("as_at", "expected_value", "expected_status"),
    [
        (D(2022, 3, 31), 73, ON_TRACK),  # about 72.05 expected on 1 Jan 2022
        (D(2022, 4, 1), 75, AT_RISK),  # a reading on the date asked about counts
        (D(2022, 5, 31), 75, AT_RISK),
        (D(2022, 6, 1), 90, ON_TRACK),
    ],
)
def test_values_after_the_date_asked_about_are_ignored(as_at, expected_value, expected_status):
    readings = [(D(2022, 1, 1), 73), (D(2022, 4, 1), 75), (D(2022, 6, 1), 90)]
    result = status(SEEN_WITHIN_18_WEEKS, *readings, as_at=as_at)
    assert (result.latest.value, result.status) == (expected_value, expected_status)


@pytest.mark.parametrize(
    ("readings", "expected_value"),
    [
        ([(D(2022, 4, 1), 70), (D(2022, 4, 1), 80)], 80),  # same date: the last given
        ([(D(2022, 4, 1), 80), (D(2022, 4, 1), 70)], 70),
        ([(D(2022, 4, 1), 70), (D(2022, 4, 1), 80), (D(2022, 1, 1), 99)], 80),  # given last but dated earlier
        ([(D(2022, 1, 1), 99), (D(2022, 4, 1), 70)], 70),
    ],
)
def test_the_latest_value_counts_and_ties_go_to_the_last_given(readings, expected_value):
    assert status(SEEN_WITHIN_18_WEEKS, *readings).latest.value == expected_value


def test_readings_may_be_any_iterable():
    readings = (KpiReading(on, value) for on, value in [(D(2022, 1, 1), 99), (D(2022, 4, 1), 72)])
    assert kpi_status(SEEN_WITHIN_18_WEEKS, readings, D(2022, 4, 1)).status == AT_RISK


@pytest.mark.parametrize(
    ("kpi", "on", "value", "expected", "gap"),
    [
        (SEEN_WITHIN_18_WEEKS, D(2022, 4, 1), 80, 76, 4),  # higher is better: above is ahead
        (SEEN_WITHIN_18_WEEKS, D(2022, 4, 1), 72, 76, -4),
        (WAIT_IN_WEEKS, D(2021, 7, 1), 25, 30, 5),  # lower is better: below is ahead
        (WAIT_IN_WEEKS, D(2021, 7, 1), 33, 30, -3),
        (EXCLUSIONS, D(2021, 4, 1), 0, 1, 1),  # target met early: still measured from the trajectory
        (EXCLUSIONS, D(2021, 4, 1), 2, 1, -1),
        (OCCUPANCY, D(2021, 6, 1), 95, None, 0),  # a band: minus the distance outside it
        (OCCUPANCY, D(2021, 6, 1), 88, None, -2),
        (OCCUPANCY, D(2021, 6, 1), 104, None, -4),
    ],
)
def test_gap_is_positive_when_better_whatever_the_direction(kpi, on, value, expected, gap):
    result = status(kpi, (on, value))
    assert (result.expected, result.gap) == (expected, gap)


@pytest.mark.parametrize(
    ("frequency", "age_days", "stale"),
    [
        (Frequency.MONTHLY, 45, False),
        (Frequency.MONTHLY, 46, True),
        (Frequency.TERMLY, 140, False),
        (Frequency.TERMLY, 141, True),
        (Frequency.QUARTERLY, 120, False),
        (Frequency.QUARTERLY, 121, True),
        (Frequency.ANNUAL, 395, False),
        (Frequency.ANNUAL, 396, True),
        (None, 1000, False),  # no frequency: never stale
    ],
)
def test_stale_when_the_latest_value_is_older_than_the_frequency_allows(frequency, age_days, stale):
    kpi = replace(SEEN_WITHIN_18_WEEKS, frequency=frequency)
    as_at = D(2022, 1, 1)
    assert status(kpi, (as_at - timedelta(days=age_days), 70), as_at=as_at).stale is stale


@pytest.mark.parametrize(("as_at", "stale"), [(D(2022, 5, 1), False), (D(2022, 5, 17), True)])
def test_stale_is_measured_to_the_date_asked_about(as_at, stale):
    kpi = replace(SEEN_WITHIN_18_WEEKS, frequency=Frequency.MONTHLY)
    readings = [(D(2022, 4, 1), 76), (D(2022, 6, 1), 80)]
    assert status(kpi, *readings, as_at=as_at).stale is stale


@pytest.mark.parametrize(
    ("value", "on", "expected_status"),
    [
        (95, D(2021, 6, 1), ON_TRACK),
        (90, D(2021, 6, 1), ON_TRACK),  # on the band's lower edge
        (100, D(2021, 6, 1), ON_TRACK),  # on the band's upper edge
        (88, D(2021, 6, 1), AT_RISK),
        (85, D(2021, 6, 1), AT_RISK),  # exactly on the tolerance edge
        (84.9, D(2021, 6, 1), OFF_TRACK),
        (104, D(2021, 6, 1), AT_RISK),
        (106, D(2021, 6, 1), OFF_TRACK),
        (95, D(2022, 1, 1), TARGET_MET),  # within the band on the target date
        (95, D(2022, 6, 1), TARGET_MET),  # held within the band after it
        (88, D(2022, 6, 1), AT_RISK),
        (80, D(2022, 6, 1), OFF_TRACK),
    ],
)
def test_hold_within_a_band(value, on, expected_status):
    assert status(OCCUPANCY, (on, value)).status == expected_status


@pytest.mark.parametrize(
    ("changes", "value", "expected_status"),
    [
        ({"target": None}, 95, ON_TRACK),  # no target date: within the band is on track for good
        ({"band_high": None}, 1000, ON_TRACK),  # at least 90
        ({"band_high": None}, 89, AT_RISK),
        ({"band_low": None}, 50, ON_TRACK),  # at most 100
        ({"band_low": 100, "band_high": 90}, 95, ON_TRACK),  # entered the wrong way round
        ({"band_low": 100, "band_high": 90}, 101, AT_RISK),
        ({"tolerance": None}, 89, OFF_TRACK),  # no default slack for a band
        ({"band_low": None, "band_high": None}, 5, ON_TRACK),  # no band: nothing to judge against
    ],
)
def test_band_variations(changes, value, expected_status):
    assert status(replace(OCCUPANCY, **changes), (D(2021, 6, 1), value)).status == expected_status


@pytest.mark.parametrize(
    ("kpi", "value", "expected_status"),
    [
        (KpiDefinition(direction=Direction.LOWER, baseline=TrajectoryPoint(D(2021, 1, 1), 20)), 18, ON_TRACK),
        (KpiDefinition(direction=Direction.LOWER, baseline=TrajectoryPoint(D(2021, 1, 1), 20)), 20, ON_TRACK),
        (KpiDefinition(direction=Direction.LOWER, baseline=TrajectoryPoint(D(2021, 1, 1), 20)), 20.5, OFF_TRACK),
        (KpiDefinition(direction=Direction.HIGHER, baseline=TrajectoryPoint(D(2021, 1, 1), 20)), 19, OFF_TRACK),
        (replace(SEEN_WITHIN_18_WEEKS, target=None), 76, ON_TRACK),  # the milestone is still a yardstick
        (replace(SEEN_WITHIN_18_WEEKS, target=None), 75, OFF_TRACK),  # no at-risk zone without a target
    ],
)
def test_without_a_target_the_kpi_is_compared_with_its_baseline(kpi, value, expected_status):
    result = status(kpi, (D(2022, 4, 1), value))
    assert result.status == expected_status
    assert result.explanation.endswith("; no target set.")


def test_nothing_to_compare_with_still_reports_the_value():
    result = status(KpiDefinition(direction=Direction.HIGHER), (D(2021, 6, 1), 18))
    assert (result.status, result.latest, result.expected, result.gap) == (
        ON_TRACK,
        KpiReading(D(2021, 6, 1), 18),
        None,
        None,
    )
    assert result.explanation == "Latest 18 on 1 Jun 2021; no baseline or target set to judge it against."


def test_target_only_is_judged_against_the_target():
    kpi = replace(SEEN_WITHIN_18_WEEKS, baseline=None, milestones=(), tolerance=None)
    result = status(kpi, (D(2022, 4, 1), 80))
    assert (result.status, result.expected, result.gap) == (OFF_TRACK, 92, -12)
    assert "no baseline or milestones to draw a trajectory from" in result.explanation


@pytest.mark.parametrize(
    ("kpi", "on", "value", "explanation"),
    [
        (
            SEEN_WITHIN_18_WEEKS,
            D(2022, 4, 1),
            72,
            "Latest 72 on 1 Apr 2022 against an expected 76 (the trajectory); 4 behind.",
        ),
        (
            SEEN_WITHIN_18_WEEKS,
            D(2022, 4, 1),
            76,
            "Latest 76 on 1 Apr 2022 against an expected 76 (the trajectory); exactly as expected.",
        ),
        (
            SEEN_WITHIN_18_WEEKS,
            D(2022, 4, 1),
            80.5,
            "Latest 80.5 on 1 Apr 2022 against an expected 76 (the trajectory); 4.5 ahead.",
        ),
        (
            SEEN_WITHIN_18_WEEKS,
            D(2023, 10, 1),
            90,
            "Latest 90 on 1 Oct 2023 against an expected 92 (the target, due by 1 Apr 2023); 2 behind.",
        ),
        (EXCLUSIONS, D(2021, 9, 1), 0, "Latest 0 on 1 Sep 2021 meets the target of 0 due by 1 Sep 2021."),
        (
            KpiDefinition(direction=Direction.LOWER, baseline=TrajectoryPoint(D(2021, 1, 1), 1200)),
            D(2021, 6, 1),
            1250,
            "Latest 1,250 on 1 Jun 2021 against 1,200 (the baseline); 50 behind; no target set.",
        ),
        (OCCUPANCY, D(2021, 6, 1), 88, "Latest 88 on 1 Jun 2021 is 2 below the band of 90 to 100."),
        (OCCUPANCY, D(2021, 6, 1), 100.25, "Latest 100.25 on 1 Jun 2021 is 0.25 above the band of 90 to 100."),
        (OCCUPANCY, D(2021, 6, 1), 95, "Latest 95 on 1 Jun 2021 is within the band of 90 to 100."),
    ],
)
def test_explanation_reads_as_a_sentence_with_uk_dates(kpi, on, value, explanation):
    assert status(kpi, (on, value)).explanation == explanation


@pytest.mark.parametrize(
    ("kpi_status_", "label", "tag_class"),
    [
        (ON_TRACK, "On track", "govuk-tag--green"),
        (AT_RISK, "At risk", "govuk-tag--orange"),
        (OFF_TRACK, "Off track", "govuk-tag--red"),
        (NO_DATA, "No data", "govuk-tag--grey"),
        (TARGET_MET, "Target met", "govuk-tag--blue"),
    ],
)
def test_every_status_has_a_label_and_a_tag_class(kpi_status_, label, tag_class):
    assert (STATUS_LABELS[kpi_status_], STATUS_TAG_CLASSES[kpi_status_]) == (label, tag_class)


def test_labels_and_tag_classes_cover_every_status_and_show_on_the_result():
    assert set(STATUS_LABELS) == set(STATUS_TAG_CLASSES) == set(KpiStatus)
    result = status(SEEN_WITHIN_18_WEEKS, (D(2022, 4, 1), 72))
    assert (result.label, result.tag_class) == ("At risk", "govuk-tag--orange")
