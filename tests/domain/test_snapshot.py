from datetime import UTC, date, datetime

import pytest

from wsoa.domain.snapshot import (
    ACTION_WORDING,
    ActionRecord,
    Change,
    EditRecord,
    PeriodRecord,
    UpdateRecord,
    as_it_stood,
    compare,
    take_snapshot,
)

Q1 = PeriodRecord(id=1, label="Q1 2021/22", position=0, start=date(2021, 4, 1), end=date(2021, 6, 30))
Q2 = PeriodRecord(id=2, label="Q2 2021/22", position=1, start=date(2021, 7, 1), end=date(2021, 9, 30))
Q3 = PeriodRecord(id=3, label="Q3 2021/22", position=2, start=date(2021, 10, 1), end=date(2021, 12, 31))
PERIODS = [Q1, Q2, Q3]
AT = datetime(2021, 6, 1, tzinfo=UTC)


def action(id_: int, due: date | None = date(2021, 12, 31), priority: int = 1) -> ActionRecord:
    return ActionRecord(id=id_, ref=f"1.1.{id_}", priority=priority, title=f"Action {id_}", due_end=due, position=id_)


def update(id_: int, action_id: int, period: PeriodRecord | None, rag: str | None, **fields) -> UpdateRecord:
    return UpdateRecord(
        id=id_, action_id=action_id, period_id=period.id if period else None, created_at=AT, rag=rag, **fields
    )


@pytest.mark.parametrize(
    ("previous", "current", "change"),
    [
        ("red", "amber", Change.IMPROVED),
        ("green", "amber", Change.WORSENED),
        ("amber", "amber", Change.UNCHANGED),
        ("green", "blue", Change.NEWLY_COMPLETE),
        (None, "blue", Change.NEWLY_COMPLETE),
        ("blue", "blue", Change.UNCHANGED),
        (None, "red", Change.NEWLY_RATED),
        (None, None, Change.UNCHANGED),
        ("red", None, Change.UNCHANGED),
    ],
)
def test_change_between_periods(previous, current, change):
    assert compare(previous, current) == change


def test_snapshot_uses_only_updates_up_to_the_period():
    updates = [update(1, 1, Q1, "red"), update(2, 1, Q2, "amber"), update(3, 1, Q3, "green")]
    snapshot = take_snapshot(actions=[action(1)], updates=updates, periods=PERIODS, period_id=Q2.id)
    row = snapshot.actions[0]
    assert row.rag == "amber"
    assert row.previous_rag == "red"
    assert row.change == Change.IMPROVED
    assert row.updated_this_period


def test_later_updates_do_not_change_a_past_periods_snapshot():
    updates = [update(1, 1, Q1, "red"), update(2, 1, Q2, "amber")]
    before = take_snapshot(actions=[action(1)], updates=updates, periods=PERIODS, period_id=Q2.id)
    later = [*updates, update(3, 1, Q3, "blue")]
    after = take_snapshot(actions=[action(1)], updates=later, periods=PERIODS, period_id=Q2.id)
    assert before == after


def test_second_update_in_a_period_is_the_one_that_counts():
    updates = [update(1, 1, Q2, "red"), update(2, 1, Q2, "green")]
    snapshot = take_snapshot(actions=[action(1)], updates=updates, periods=PERIODS, period_id=Q2.id)
    assert snapshot.actions[0].rag == "green"


def test_summary_counts_exceptions_and_missing_updates():
    actions = [action(1), action(2), action(3), action(4, priority=2)]
    updates = [update(1, 1, Q2, "amber"), update(2, 2, Q2, "red"), update(3, 3, Q1, "green"), update(4, 4, Q2, "blue")]
    snapshot = take_snapshot(actions=actions, updates=updates, periods=PERIODS, period_id=Q2.id)
    assert snapshot.distribution() == {"red": 1, "amber": 1, "green": 1, "blue": 1, "none": 0}
    assert snapshot.distribution(priority=2) == {"red": 0, "amber": 0, "green": 0, "blue": 1, "none": 0}
    assert [a.action.id for a in snapshot.exceptions] == [2, 1]
    assert [a.action.id for a in snapshot.not_updated] == [3]
    assert [a.action.id for a in snapshot.completed_this_period] == [4]


def test_overdue_is_judged_at_the_end_of_the_period():
    actions = [action(1, due=date(2021, 8, 31)), action(2, due=date(2021, 10, 31))]
    updates = [update(1, 1, Q2, "green"), update(2, 2, Q2, "green")]
    snapshot = take_snapshot(actions=actions, updates=updates, periods=PERIODS, period_id=Q2.id)
    assert [a.action.id for a in snapshot.overdue] == [1]


def test_a_revised_date_agreed_this_period_is_a_slip_with_old_and_new_dates():
    updates = [
        update(1, 1, Q1, "green"),
        update(
            2,
            1,
            Q2,
            "amber",
            revised_due_end=date(2022, 3, 31),
            revised_due_text="Mar 22",
            revised_due_reason="Recruitment delayed",
        ),
    ]
    snapshot = take_snapshot(actions=[action(1)], updates=updates, periods=PERIODS, period_id=Q2.id)
    slip = snapshot.actions[0].slip
    assert (slip.old_due, slip.new_due, slip.reason) == (date(2021, 12, 31), date(2022, 3, 31), "Recruitment delayed")
    assert snapshot.actions[0].effective_due == date(2022, 3, 31)
    next_period = take_snapshot(actions=[action(1)], updates=updates, periods=PERIODS, period_id=Q3.id)
    assert next_period.slipped == []


def test_updates_without_a_period_count_from_when_they_were_made():
    early = UpdateRecord(id=1, action_id=1, period_id=None, created_at=datetime(2021, 5, 1, tzinfo=UTC), rag="red")
    late = UpdateRecord(id=2, action_id=1, period_id=None, created_at=datetime(2021, 8, 1, tzinfo=UTC), rag="green")
    snapshot = take_snapshot(actions=[action(1)], updates=[early, late], periods=PERIODS, period_id=Q1.id)
    assert snapshot.actions[0].rag == "red"


def test_comparing_with_a_chosen_period():
    updates = [update(1, 1, Q1, "red"), update(2, 1, Q2, "red"), update(3, 1, Q3, "green")]
    snapshot = take_snapshot(
        actions=[action(1)], updates=updates, periods=PERIODS, period_id=Q3.id, compare_with_id=Q1.id
    )
    assert snapshot.previous == Q1
    assert snapshot.actions[0].change == Change.IMPROVED


def test_an_action_added_in_the_app_after_a_periods_paper_was_settled_is_not_in_it():
    board_met = PeriodRecord(
        id=2,
        label="Q2 2021/22",
        position=1,
        start=date(2021, 7, 1),
        end=date(2021, 9, 30),
        board_date=date(2021, 10, 20),
    )
    imported = action(1)
    before_board = ActionRecord(
        id=2, ref="1.1.2", priority=1, title="Added before the board", position=2, in_plan_from=date(2021, 10, 12)
    )
    after_board = ActionRecord(
        id=3, ref="1.1.3", priority=1, title="Added after the board", position=3, in_plan_from=date(2021, 11, 2)
    )
    rated_for_q2 = ActionRecord(
        id=4, ref="1.1.4", priority=1, title="Added late, rated", position=4, in_plan_from=date(2021, 11, 2)
    )
    snapshot = take_snapshot(
        actions=[imported, before_board, after_board, rated_for_q2],
        updates=[update(1, 4, board_met, "amber")],
        periods=[Q1, board_met, Q3],
        period_id=board_met.id,
    )
    assert [row.action.id for row in snapshot.actions] == [1, 2, 4]
    without_board_date = take_snapshot(actions=[imported, before_board], updates=[], periods=PERIODS, period_id=Q2.id)
    assert [row.action.id for row in without_board_date.actions] == [1]


# --- wording as it stood when a paper was settled -------------------------------------------------------------------


def edit(at: datetime, **before) -> EditRecord:
    return EditRecord(entity_type="action", entity_id=1, at=at, before=before)


def test_an_action_is_worded_as_it_stood_when_the_paper_was_settled():
    now = ActionRecord(id=1, ref="1.1.1a", priority=1, title="Third wording", lead="DoP", due_end=date(2023, 3, 31))
    edits = [
        edit(datetime(2021, 10, 1, tzinfo=UTC), title="First wording"),  # before the paper was settled: it stands
        edit(
            datetime(2021, 11, 2, tzinfo=UTC),
            title="Second wording",
            ref="1.1.1",
            due_end="2021-12-31",
            partners="Schools",  # not on the paper
        ),
        edit(datetime(2022, 1, 5, tzinfo=UTC), title="Later wording", lead="DCS"),
    ]

    settled = as_it_stood(now, edits, date(2021, 10, 20), ACTION_WORDING)

    assert (settled.ref, settled.title, settled.lead, settled.due_end) == (
        "1.1.1",
        "Second wording",  # the value the first later edit replaced
        "DCS",
        date(2021, 12, 31),
    )
    assert not hasattr(settled, "partners")


def test_edits_before_the_paper_was_settled_or_a_paper_not_yet_settled_leave_the_action_as_it_is():
    now = ActionRecord(id=1, ref="1.1.1", priority=1, title="New wording")
    edits = [edit(datetime(2021, 10, 20, 22, 59, tzinfo=UTC), title="Old wording")]  # 23:59 on 20 Oct, UK time
    assert as_it_stood(now, edits, date(2021, 10, 20), ACTION_WORDING) is now
    assert as_it_stood(now, edits, None, ACTION_WORDING) is now
    assert as_it_stood(now, edits, date(2021, 10, 19), ACTION_WORDING).title == "Old wording"
