"""The review pack as data: each period's RAG counts are that period's snapshot (and board report) figures; KPIs
against milestones, evidence, open challenges, slipped dates and the partnership's statements per priority."""

from datetime import UTC, date, datetime

from tests.meetings.conftest import HELD_ON
from wsoa.domain.snapshot import take_snapshot
from wsoa.reports.model import ReportOptions
from wsoa.services import meetings
from wsoa.services.reports import build_report, load_report_source

AT = datetime(2022, 2, 20, 9, 0, tzinfo=UTC)


def pack_for(meeting):
    return meetings.review_pack(meeting, generated_by="Pat Officer", generated_at=AT)


def test_rag_counts_per_period_equal_each_periods_snapshot_and_board_report(built, review):
    pack = pack_for(review)
    source = load_report_source(built.plan.id)
    periods = [p.record for p in source.periods]
    assert pack.period_labels == ("Q1 2021/22", "Q2 2021/22", "Q3 2021/22")
    for section in pack.priorities:
        assert [p.label for p in section.periods] == list(pack.period_labels)
        for counted, period in zip(section.periods, source.periods, strict=True):
            snapshot = take_snapshot(
                actions=source.actions, updates=source.updates, periods=periods, period_id=period.id
            )
            assert counted.distribution == snapshot.distribution(section.number), (section.number, counted.label)
            board = build_report(source, ReportOptions(period_id=period.id), generated_by="x", generated_at=AT)
            row = next(r for r in board.summary.priorities if r.number == section.number)
            assert counted.distribution == row.distribution
    one = pack.priorities[0]
    # Q1: 1.1.1 red, 1.1.2 green, 1.1.4 green, 1.1.5 amber, 1.1.3 not rated; Q2 and Q3 as the plan builder says.
    assert one.periods[0].distribution == {"red": 1, "amber": 1, "green": 2, "blue": 0, "none": 1}
    assert one.periods[1].distribution == {"red": 1, "amber": 2, "green": 1, "blue": 1, "none": 0}
    assert one.periods[2].distribution == {"red": 1, "amber": 0, "green": 2, "blue": 2, "none": 0}


def test_a_meeting_counts_only_the_periods_begun_by_its_day(built, officer):
    early = meetings.record_meeting(built.plan, meetings.MeetingValues(kind="board", held_on=date(2021, 8, 1)), officer)
    pack = pack_for(early)
    assert pack.period_labels == ("Q1 2021/22", "Q2 2021/22")
    assert pack.position_period == "Q2 2021/22"


def test_kpis_are_shown_against_their_baseline_milestones_and_target(built, review):
    pack = pack_for(review)
    waits = pack.priorities[0].kpis[0]
    assert waits.line.name == "Percentage of children seen within 18 weeks"
    rows = [(m.kind, m.on, m.planned, m.actual, m.verdict) for m in waits.milestones]
    # As the Q3 board report knew it: the correction to 55% was recorded after Q3's paper was settled.
    assert rows == [
        ("Baseline", date(2021, 4, 1), "40%", "No value by then", "Baseline"),
        ("Milestone", date(2021, 9, 30), "60%", "50% (30 Sep 2021)", "Not met"),
        ("Target", date(2022, 3, 31), "90%", "—", "Not yet due"),
    ]


def test_evidence_open_challenges_and_slipped_dates_with_reasons_per_priority(built, review):
    one, two = pack_for(review).priorities
    assert [(e.ref, e.file_name, e.added_on) for e in one.evidence] == [
        ("1.1.4", "board-minutes-sep.pdf", date(2021, 9, 10))
    ]
    assert [(c.ref, c.text) for c in one.challenges] == [("1.1.2", "Why is recruitment still failing?")]
    assert two.challenges == (), "an answered challenge is not open"
    assert [(s.period, s.ref, s.was, s.now, s.reason) for s in one.slipped] == [
        ("Q2 2021/22", "1.1.2", date(2021, 12, 31), date(2022, 3, 31), "Recruitment delayed"),
        ("Q3 2021/22", "1.1.5", date(2021, 6, 30), date(2022, 6, 30), "Capacity"),
    ]
    assert two.slipped == ()


def test_statements_are_kept_per_meeting_and_a_correction_keeps_the_first(built, review, officer):
    priority_one = meetings.priorities_of(built.plan.id)[0]
    meetings.add_statement(
        review, priority_id=priority_one.id, verdict="no", reasons="Waits rising", agreed_by="DCS, DfE", user=officer
    )
    meetings.add_statement(
        review,
        priority_id=priority_one.id,
        verdict="partly",
        reasons="Waits rising but recruitment done",
        agreed_by="DCS, DfE, NHSE",
        user=officer,
    )
    later = meetings.record_meeting(
        built.plan, meetings.MeetingValues(kind="dfe_nhse", held_on=date(2022, 9, 1)), officer
    )
    meetings.add_statement(
        later, priority_id=priority_one.id, verdict="yes", reasons="On trajectory", agreed_by="DCS", user=officer
    )
    first = pack_for(review).priorities[0]
    assert [(s.verdict_label, s.corrected) for s in first.statements] == [("Partly", False), ("No", True)]
    assert first.current_statement.reasons == "Waits rising but recruitment done"
    assert first.statements[0].recorded.startswith("Recorded by Pat Officer on ")
    second = pack_for(later).priorities[0]
    assert [(s.meeting, s.verdict_label, s.this_meeting) for s in second.statements] == [
        ("DfE and NHS England review, 1 Sep 2022", "Yes", True),
        ("DfE and NHS England review, 1 Mar 2022", "Partly", False),
        ("DfE and NHS England review, 1 Mar 2022", "No", False),
    ]
    assert pack_for(review).meeting.held_on == HELD_ON
