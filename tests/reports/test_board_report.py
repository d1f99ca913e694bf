"""The board report as data: every section, built from the snapshot as at the period, the same whenever built."""

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.reports.plan_builder import add_later_history, build_report_plan
from wsoa.domain.kpi_status import Direction, KpiDefinition
from wsoa.domain.snapshot import PeriodRecord, take_snapshot
from wsoa.reports.assemble import (
    HolderRecord,
    KpiValueRecord,
    ReportOptions,
    RoleRecord,
    due_next_window,
    holder_as_at,
    readings_known,
)
from wsoa.services.reports import ReportProblem, build_report, load_report_source

AT = datetime(2021, 10, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def built(database):
    return build_report_plan()


def q2_report(built, **options):
    source = load_report_source(built.plan.id)
    return build_report(
        source, ReportOptions(period_id=built.q2.id, **options), generated_by="Test Officer", generated_at=AT
    )


def refs(lines):
    return [line.ref for line in lines]


def test_cover_names_the_plan_period_dates_board_date_position_and_who_generated_it(built):
    report = q2_report(built)
    cover = report.cover
    assert (cover.plan_title, cover.area, cover.period_label) == (
        "Testshire Written Statement of Action",
        "Testshire",
        "Q2 2021/22",
    )
    assert (cover.period_start, cover.period_end, cover.board_date) == (
        date(2021, 7, 1),
        date(2021, 9, 30),
        date(2021, 10, 20),
    )
    assert cover.position_as_at == "30 Sep 2021"
    assert cover.compared_with == "Q1 2021/22"
    assert cover.scope == "Whole plan"
    assert cover.generated_by == "Test Officer"
    assert report.generated_at_display == "5 Oct 2021 at 10:00"  # UK time (BST)
    assert cover.recorded_by == "20 Oct 2021 (the board date)"
    assert "KPI values and actions recorded by 20 Oct 2021" in cover.basis


def test_summary_counts_ratings_changes_overdue_and_missing_updates(built):
    summary = q2_report(built).summary
    assert summary.plan.distribution == {"red": 2, "amber": 2, "green": 2, "blue": 2, "none": 1}
    assert summary.plan.changes == {
        "improved": 1,
        "worsened": 2,
        "unchanged": 3,
        "newly complete": 2,
        "newly rated": 1,
    }
    assert (summary.plan.overdue, summary.plan.updates_missing) == (2, 2)
    assert [(row.number, row.total) for row in summary.priorities] == [(1, 5), (2, 4)]
    assert summary.priorities[0].distribution == {"red": 1, "amber": 2, "green": 1, "blue": 1, "none": 0}
    assert (summary.exceptions, summary.slipped, summary.completed, summary.due_next) == (4, 1, 2, 2)


def test_summary_numbers_equal_the_snapshots(built):
    source = load_report_source(built.plan.id)
    snapshot = take_snapshot(
        actions=source.actions,
        updates=source.updates,
        periods=[p.record for p in source.periods],
        period_id=built.q2.id,
    )
    report = q2_report(built)
    assert report.summary.plan.distribution == snapshot.distribution()
    assert report.summary.plan.changes == snapshot.changes()
    assert report.summary.plan.overdue == len(snapshot.overdue)
    assert report.summary.exceptions == len(snapshot.exceptions)
    assert report.summary.completed == len(snapshot.completed_this_period)
    for row in report.summary.priorities:
        assert row.distribution == snapshot.distribution(row.number)


@pytest.mark.parametrize(
    ("ref", "change", "previous", "current"),
    [
        ("1.1.1", "improved", "red", "amber"),
        ("1.1.2", "worsened", "green", "red"),
        ("1.1.3", "newly rated", None, "green"),
        ("1.1.4", "newly complete", "green", "blue"),
        ("1.1.5", "unchanged", "amber", "amber"),
        ("2.1.4", "unchanged", None, None),
    ],
)
def test_change_since_previous_period_for_each_action(built, ref, change, previous, current):
    line = next(a for a in q2_report(built).appendix.actions if a.ref == ref)
    assert (line.change, line.previous_rag, line.rag) == (change, previous, current)


def test_change_is_measured_against_the_chosen_period(built):
    add_later_history(built)
    source = load_report_source(built.plan.id)
    q3_vs_q1 = build_report(
        source, ReportOptions(period_id=built.q3.id, compare_with_id=built.q1.id), generated_by="T", generated_at=AT
    )
    line = next(a for a in q3_vs_q1.appendix.actions if a.ref == "1.1.1")
    assert (line.previous_rag, line.rag, line.change) == ("red", "green", "improved")
    assert q3_vs_q1.cover.compared_with == "Q1 2021/22"


def test_exceptions_are_exactly_the_red_and_amber_actions_worst_first(built):
    report = q2_report(built)
    assert refs(report.exceptions.red_amber) == ["1.1.2", "2.1.3", "1.1.1", "1.1.5"]
    amber = report.exceptions.red_amber[2]
    assert (amber.narrative, amber.next_steps, amber.risks) == (
        "Draft strategy out for consultation",
        "Present to the board in October",
        "Consultation response low; mitigated by parent carer forum events",
    )


def test_a_date_moved_this_period_shows_old_and_new_dates_and_the_reason(built):
    [slip] = q2_report(built).exceptions.slipped
    assert (slip.action.ref, slip.old_due, slip.new_due, slip.new_due_text, slip.reason) == (
        "1.1.2",
        date(2021, 12, 31),
        date(2022, 3, 31),
        "Mar 22",
        "Recruitment delayed",
    )
    assert slip.action.due_display == "Dec 21 (revised to 31 Mar 2022)"


def test_overdue_completed_and_due_next_period(built):
    report = q2_report(built)
    assert refs(report.exceptions.overdue) == ["1.1.5", "2.1.3"]
    assert refs(report.completed) == ["1.1.4", "2.1.2"]
    assert (report.due_next.start, report.due_next.end) == (date(2021, 10, 1), date(2021, 12, 31))
    assert refs(report.due_next.actions) == ["1.1.1", "2.1.1"]


def test_checks_list_every_honesty_flag_and_stale_kpi(built):
    checks = q2_report(built).checks
    assert [(c.check, c.ref) for c in checks.lines] == [
        ("past_due_but_on_track", "1.1.5"),
        ("blue_without_evidence", "2.1.2"),
        ("red_without_recovery", "1.1.2"),
        ("not_updated", "1.1.5"),
        ("not_updated", "2.1.4"),
        ("stale_kpi", "KPI"),
    ]
    assert dict(checks.counts)["KPI value out of date"] == 1
    assert [k.name for k in checks.stale_kpis] == ["EHC plans issued within 20 weeks"]


def test_priority_sections_show_lead_kpis_and_actions_with_the_latest_narrative(built):
    one, two = q2_report(built).priorities
    assert (one.number, one.title, one.lead) == (1, "Weak strategic leadership", "DCS (Sam Patel)")
    assert refs(one.actions) == ["1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5"]
    stale = one.actions[4]
    assert (stale.narrative, stale.narrative_period, stale.updated_this_period) == (
        "Joint commissioning review started",
        "Q1 2021/22",
        False,
    )
    [waits] = one.kpis
    assert (waits.latest_value, waits.latest_on, waits.target_value, waits.status) == (
        50.0,
        date(2021, 9, 30),
        90.0,
        "off_track",
    )
    assert waits.latest_display == "50% (30 Sep 2021)"
    assert [k.status for k in two.kpis] == ["no_data", "off_track"]


def test_key_roles_name_who_held_each_role_at_the_period(built):
    source = load_report_source(built.plan.id)
    q1 = build_report(source, ReportOptions(period_id=built.q1.id), generated_by="T", generated_at=AT)
    q2 = q2_report(built)
    assert {r.code: r.person for r in q1.appendix.roles} == {"DCS": "Karen Bradshaw", "DoP": "Claire Parker"}
    assert {r.code: r.person for r in q2.appendix.roles} == {"DCS": "Sam Patel", "DoP": "Claire Parker"}
    assert q1.priorities[0].lead == "DCS (Karen Bradshaw)"


def test_selected_priorities_and_no_appendix(built):
    report = q2_report(built, priorities=(2,), include_appendix=False)
    assert [s.number for s in report.priorities] == [2]
    assert report.cover.scope == "Priority 2 of 2"
    assert report.summary.plan.title == "Selected priorities"
    assert report.summary.plan.total == 4
    assert refs(report.exceptions.red_amber) == ["2.1.3"]
    assert report.appendix is None


def test_options_for_another_plans_period_or_priority_are_refused(built):
    source = load_report_source(built.plan.id)
    with pytest.raises(ReportProblem):
        build_report(source, ReportOptions(period_id=10**6), generated_by="T", generated_at=AT)
    with pytest.raises(ReportProblem):
        build_report(source, ReportOptions(period_id=built.q2.id, priorities=(9,)), generated_by="T", generated_at=AT)


def test_the_report_for_a_past_period_is_the_same_after_later_history(built):
    before = q2_report(built)
    add_later_history(built)
    source = load_report_source(built.plan.id)
    after = build_report(
        source, ReportOptions(period_id=built.q2.id), generated_by="Test Officer", generated_at=AT + timedelta(days=90)
    )
    assert after.generated_at != before.generated_at
    assert dataclasses.replace(after, generated_at=None) == dataclasses.replace(before, generated_at=None)


# --- the pure rules ---------------------------------------------------------------------------------------------

CUTOFF = datetime(2021, 9, 30, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("holders", "expected"),
    [
        ((), "Current Person"),
        ((HolderRecord("First", datetime(2020, 1, 1, tzinfo=UTC)),), "First"),
        ((HolderRecord("Imported later", datetime(2025, 1, 1, tzinfo=UTC)),), "Imported later"),
        (
            (
                HolderRecord("Old", datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 8, 1, tzinfo=UTC)),
                HolderRecord("New", datetime(2021, 8, 1, tzinfo=UTC)),
            ),
            "New",
        ),
        ((HolderRecord("Left", datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 8, 1, tzinfo=UTC)),), None),
    ],
    ids=["no-history", "holder", "before-first-record", "hand-over", "vacant"],
)
def test_role_holder_as_at_a_date(holders, expected):
    role = RoleRecord(code="DCS", title=None, organisation=None, person="Current Person", holders=holders)
    assert holder_as_at(role, CUTOFF) == expected


def test_kpi_readings_are_those_dated_by_the_period_and_recorded_by_the_board_date():
    board_met = datetime(2021, 10, 20, 22, 59, tzinfo=UTC)  # the end of 20 Oct 2021 in the UK
    values = [
        KpiValueRecord(1, date(2021, 6, 30), 45, datetime(2021, 7, 5, tzinfo=UTC)),
        KpiValueRecord(
            2, date(2021, 9, 30), 50, datetime(2021, 10, 5, tzinfo=UTC)
        ),  # after the period, before the board
        KpiValueRecord(3, date(2021, 6, 30), 46, datetime(2021, 8, 1, tzinfo=UTC), supersedes_id=1),
        KpiValueRecord(4, date(2021, 9, 30), 52, datetime(2022, 1, 5, tzinfo=UTC), supersedes_id=2),  # too late
        KpiValueRecord(5, date(2021, 12, 31), 70, datetime(2022, 1, 5, tzinfo=UTC)),  # dated after the period
        KpiValueRecord(6, date(2021, 8, 31), 99, datetime(2021, 10, 21, 9, tzinfo=UTC)),  # typed in after the board
    ]
    known = readings_known(values, date(2021, 9, 30), board_met)
    assert [(r.on, r.value) for r in known] == [(date(2021, 6, 30), 46), (date(2021, 9, 30), 50)]


@pytest.mark.parametrize(
    ("start", "end", "window"),
    [
        (date(2021, 7, 1), date(2021, 9, 30), (date(2021, 10, 1), date(2021, 12, 31))),
        (None, date(2021, 9, 30), (date(2021, 10, 1), date(2021, 12, 30))),
        (date(2021, 7, 1), None, (None, None)),
    ],
)
def test_due_next_period_spans_a_period_as_long_as_this_one(start, end, window):
    assert due_next_window(PeriodRecord(id=1, label="Q2", position=1, start=start, end=end)) == window


def test_a_kpi_value_of_zero_is_shown_not_treated_as_missing():
    from wsoa.reports.assemble import KpiRecord, _kpi_line

    kpi = KpiRecord(
        id=1,
        priority=1,
        name="Permanent exclusions",
        unit="number",
        definition=KpiDefinition(direction=Direction.LOWER),
        values=(KpiValueRecord(1, date(2021, 9, 1), 0, datetime(2021, 9, 2, tzinfo=UTC)),),
    )
    line = _kpi_line(kpi, date(2021, 9, 30), CUTOFF)
    assert (line.latest_value, line.latest_display) == (0.0, "0 (1 Sep 2021)")
