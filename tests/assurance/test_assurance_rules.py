"""The pure rules: comment threads and versions, open challenges, who may sign off, the latest decision."""

from dataclasses import dataclass
from datetime import UTC, datetime

from wsoa.domain.assurance import Reviewer, may_sign_off, sign_off_state, threads

AT = datetime(2021, 3, 1, tzinfo=UTC)


@dataclass
class C:
    id: int
    original_id: int | None = None
    answers_id: int | None = None
    is_challenge: bool = False
    created_at: datetime = AT


def test_versions_group_under_the_first_and_an_answer_closes_a_challenge():
    comments = [
        C(1, is_challenge=True),
        C(2),
        C(3, original_id=1),
        C(4, answers_id=1),
        C(5, original_id=4, answers_id=1),
    ]
    first, second = threads(comments)
    assert [v.id for v in first.versions] == [1, 3]
    assert first.edited
    assert first.current.id == 3
    assert [a.id for a in first.answers] == [4]
    assert first.answers[0].current.id == 5
    assert first.is_challenge
    assert not first.is_open
    assert not second.is_challenge
    assert not second.is_open
    assert threads([C(1, is_challenge=True)])[0].is_open


def test_who_may_sign_off():
    roles = ["SRO", None]
    assert may_sign_off(Reviewer("lead", frozenset({"sro"}), 2), roles, author_id=1)
    assert not may_sign_off(Reviewer("lead", frozenset({"DoP"}), 2), roles, author_id=1)
    assert not may_sign_off(Reviewer("lead", frozenset({"SRO"}), 1), roles, author_id=1)  # their own
    assert may_sign_off(Reviewer("editor", frozenset(), 2), roles, author_id=1)
    assert not may_sign_off(Reviewer("editor", frozenset(), 1), roles, author_id=1)
    assert not may_sign_off(Reviewer("viewer", frozenset({"SRO"}), 2), roles, author_id=1)


def test_the_latest_decision_stands():
    assert sign_off_state([]) == "waiting"
    assert sign_off_state([(1, "returned"), (2, "signed_off")]) == "signed_off"
    assert sign_off_state([(2, "signed_off"), (3, "returned")]) == "returned"
