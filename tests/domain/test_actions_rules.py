from datetime import date

import pytest

from wsoa.domain.actions import ActionState, is_due_soon, is_overdue
from wsoa.domain.rag import add_distributions, rag_distribution

TODAY = date(2021, 3, 15)


@pytest.mark.parametrize(
    ("state", "overdue"),
    [
        (ActionState(rag="green", due_end=date(2021, 3, 14)), True),
        (ActionState(rag=None, due_end=date(2021, 3, 14)), True),
        (ActionState(rag="green", due_end=date(2021, 3, 15)), False),
        (ActionState(rag="blue", due_end=date(2020, 12, 31)), False),
        (ActionState(rag="red", due_end=None), False),
        (ActionState(rag="amber", due_end=date(2020, 12, 31), revised_due_end=date(2021, 6, 30)), False),
        (ActionState(rag="amber", due_end=date(2020, 12, 31), retired=True), False),
    ],
)
def test_overdue_means_past_the_agreed_date_and_not_complete(state, overdue):
    assert is_overdue(state, TODAY) is overdue


def test_due_soon_is_within_four_weeks_and_not_complete():
    assert is_due_soon(ActionState(rag="green", due_end=date(2021, 4, 1)), TODAY)
    assert not is_due_soon(ActionState(rag="blue", due_end=date(2021, 4, 1)), TODAY)
    assert not is_due_soon(ActionState(rag="green", due_end=date(2021, 6, 1)), TODAY)


def test_rag_distribution_always_has_every_rating():
    assert rag_distribution(["red", None, "red", "blue"]) == {"red": 2, "amber": 0, "green": 0, "blue": 1, "none": 1}
    assert add_distributions([rag_distribution(["red"]), rag_distribution(["green", None])]) == {
        "red": 1,
        "amber": 0,
        "green": 1,
        "blue": 0,
        "none": 1,
    }
