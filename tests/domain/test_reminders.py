"""Who is owed which notice on which day: a table of cases over the pure rules."""

from datetime import date

import pytest

from wsoa.domain.reminders import (
    ActionDue,
    KpiDue,
    Lead,
    Reason,
    Recipient,
    Schedule,
    SettingProblem,
    digest_due,
    escalation_due,
    kpi_value_due,
    merge_recipients,
    notices_owed,
    parse_days_before,
    reasons_for,
    reminder_due,
    updates_due_by,
)

DUE = date(2021, 4, 13)  # a Tuesday
DEFAULT = Schedule()


@pytest.mark.parametrize(
    ("set_on", "board", "end", "expected"),
    [
        (None, date(2021, 4, 20), date(2021, 3, 31), date(2021, 4, 13)),  # 7 days before the board
        (None, None, date(2021, 3, 31), date(2021, 3, 24)),  # no board date: 7 days before the end
        (date(2021, 4, 1), date(2021, 4, 20), None, date(2021, 4, 1)),  # set on the period: kept
        (None, None, None, None),  # nothing to go by: no reminders
    ],
)
def test_updates_due_by(set_on, board, end, expected):
    assert updates_due_by(set_on=set_on, board_date=board, end_date=end, schedule=DEFAULT) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2021, 4, 5), None),  # before the first reminder
        (date(2021, 4, 6), "7-days-before"),
        (date(2021, 4, 9), "7-days-before"),  # the same occasion; the outbox sends it once
        (date(2021, 4, 12), "1-day-before"),
        (date(2021, 4, 13), "on-the-day"),
        (date(2026, 12, 4), "on-the-day"),  # long after: the latest reminder is made up once, not all of them
    ],
)
def test_which_reminder_is_due(today, expected):
    occasion = reminder_due(DEFAULT, DUE, today)
    assert (occasion.code if occasion else None) == expected


@pytest.mark.parametrize(
    ("schedule", "today", "expected"),
    [
        (DEFAULT, date(2021, 4, 15), None),
        (DEFAULT, date(2021, 4, 16), "escalation"),  # 3 days after
        (Schedule(escalation_days_after=None), date(2021, 5, 1), None),  # switched off by the officer
        (Schedule(escalation_days_after=0), date(2021, 4, 13), "escalation"),
    ],
)
def test_when_the_escalation_goes(schedule, today, expected):
    occasion = escalation_due(schedule, DUE, today)
    assert (occasion.code if occasion else None) == expected


def test_reminders_can_be_set_to_other_days_and_without_the_day_itself():
    schedule = Schedule(days_before=(14, 3), on_the_day=False)
    assert reminder_due(schedule, DUE, date(2021, 3, 30)).code == "14-days-before"
    assert reminder_due(schedule, DUE, date(2021, 4, 13)).code == "3-days-before"
    assert reminder_due(schedule, DUE, date(2021, 3, 29)) is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2021, 4, 5), None),  # a Monday before the first reminder
        (date(2021, 4, 12), "digest-2021-W15"),  # a Monday after it
        (date(2021, 4, 13), None),  # not a Monday
        (date(2021, 4, 19), "digest-2021-W16"),
    ],
)
def test_weekly_digest_goes_on_mondays_once_reminders_have_started(today, expected):
    occasion = digest_due(DEFAULT, DUE, today)
    assert (occasion.code if occasion else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7, 1", (7, 1)), ("1,7,7", (7, 1)), ("", ()), ("14; 2", (14, 2))],
)
def test_days_before_are_read_as_written(text, expected):
    assert parse_days_before(text) == expected


@pytest.mark.parametrize("text", ["seven", "0", "-1", "1.5", "400"])
def test_days_before_that_are_not_days_are_refused_with_an_example(text):
    with pytest.raises(SettingProblem, match="for example 7, 1"):
        parse_days_before(text)


TODAY = date(2021, 4, 6)


def action(**kwargs) -> ActionDue:
    values = {"action_id": 1, "ref": "1.1.1", "title": "Do it", "priority_id": 1, "rag": "green", "due_end": None}
    return ActionDue(**(values | kwargs))


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (action(), (Reason.NEEDS_UPDATE,)),
        (action(updated_this_period=True), ()),
        (action(rag="blue"), ()),  # complete: nothing is due
        (action(updated_this_period=True, due_end=date(2021, 4, 20)), (Reason.DUE_SOON,)),  # 14 days ahead
        (action(updated_this_period=True, due_end=date(2021, 4, 21)), ()),  # 15 days ahead
        (action(updated_this_period=True, due_end=date(2021, 3, 31)), (Reason.OVERDUE,)),
        (action(updated_this_period=True, due_end=date(2021, 3, 31), revised_due_end=date(2021, 9, 30)), ()),
        (action(due_end=date(2020, 12, 31)), (Reason.NEEDS_UPDATE, Reason.OVERDUE)),
        (action(due_end=date(2021, 3, 31), revised_due_end=date(2021, 4, 10)), (Reason.NEEDS_UPDATE, Reason.DUE_SOON)),
    ],
)
def test_why_a_lead_is_told_about_an_action(facts, expected):
    assert reasons_for(facts, TODAY) == expected


@pytest.mark.parametrize(
    ("frequency", "latest_on", "due"),
    [
        ("monthly", date(2021, 3, 6), True),
        ("monthly", date(2021, 3, 7), False),
        ("quarterly", date(2021, 1, 6), True),
        ("quarterly", date(2021, 1, 7), False),
        ("termly", date(2020, 12, 6), True),
        ("annual", date(2020, 4, 7), False),
        ("monthly", None, True),  # no value yet
        (None, None, False),  # no frequency: nothing is due
    ],
)
def test_when_a_kpi_value_is_due(frequency, latest_on, due):
    assert kpi_value_due(KpiDue(1, "EHCPs in 20 weeks", frequency, latest_on), TODAY) is due


def test_each_lead_with_something_outstanding_gets_one_notice_and_the_rest_nothing():
    owed = notices_owed(
        today=date(2021, 4, 12),
        schedule=DEFAULT,
        due_by=DUE,
        leads=[Lead(1, "Ann"), Lead(2, "Bob"), Lead(3, "Cat", weekly_digest=True), Lead(4, "Dan")],
        actions_by_lead={
            1: [action(action_id=1), action(action_id=2, updated_this_period=True)],
            2: [action(action_id=3, updated_this_period=True)],  # nothing outstanding
            3: [action(action_id=4)],
        },
        kpis_by_lead={4: [KpiDue(9, "Waiting times", "monthly", None)]},
        not_updated=[],
        escalation_recipients=[Recipient(5)],
    )
    by_recipient = {notice.recipient_id: notice for notice in owed}
    assert set(by_recipient) == {1, 3, 4}
    assert [item.action_id for item, _ in by_recipient[1].items] == [1]
    assert by_recipient[1].occasion.code == "1-day-before"
    assert by_recipient[3].occasion.code == "digest-2021-W15"  # a Monday: the digest, not the reminder
    assert [kpi.kpi_id for kpi in by_recipient[4].kpis] == [9]


def test_escalation_names_who_has_not_updated_to_officers_and_each_priority_lead():
    first, second = action(action_id=1, priority_id=1), action(action_id=2, priority_id=2)
    owed = notices_owed(
        today=date(2021, 4, 16),
        schedule=DEFAULT,
        due_by=DUE,
        leads=[],
        actions_by_lead={},
        kpis_by_lead={},
        not_updated=[("DoP (Ann)", first), ("NO (Bob)", second)],
        escalation_recipients=merge_recipients(
            [Recipient(7), Recipient(8, frozenset({2})), Recipient(7, frozenset({1}))]
        ),
        kpis_without_owner=[KpiDue(3, "No owner", "monthly", None)],
    )
    by_recipient = {notice.recipient_id: notice for notice in owed}
    assert [who for who, _ in by_recipient[7].not_updated] == ["DoP (Ann)", "NO (Bob)"]
    assert [who for who, _ in by_recipient[8].not_updated] == ["NO (Bob)"]
    assert [kpi.kpi_id for kpi in by_recipient[7].kpis_without_owner] == [3]
    assert by_recipient[8].kpis_without_owner == []


def test_no_escalation_when_everyone_has_updated():
    owed = notices_owed(
        today=date(2021, 4, 16),
        schedule=DEFAULT,
        due_by=DUE,
        leads=[],
        actions_by_lead={},
        kpis_by_lead={},
        not_updated=[],
        escalation_recipients=[Recipient(7)],
    )
    assert owed == []


@pytest.mark.parametrize(
    ("today", "why"),
    [
        (date(2021, 4, 6), "updates for this review period are due in 7 days, on 13 Apr 2021"),
        (date(2021, 4, 8), "updates for this review period are due in 5 days, on 13 Apr 2021"),  # a missed day
        (date(2021, 4, 13), "updates for this review period are due today, 13 Apr 2021"),
        (date(2026, 12, 4), "updates for this review period were due on 13 Apr 2021 and some of yours are still"),
    ],
)
def test_a_reminder_says_why_as_things_stand_on_the_day_it_goes(today, why):
    assert reminder_due(DEFAULT, DUE, today).why.startswith(why)
