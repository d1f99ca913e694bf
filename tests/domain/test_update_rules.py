from datetime import date

import pytest

from wsoa.domain.updates import CurrentDue, Problem, UpdateDraft, check_update, moved_due, tidy_lines

DEC_20 = CurrentDue("Dec 20", date(2020, 12, 31))


def draft(**fields) -> UpdateDraft:
    return UpdateDraft(**({"rag": "green", "narrative": "Going well"} | fields))


def test_a_plain_update_has_no_problems():
    assert check_update(draft(), DEC_20) == []


@pytest.mark.parametrize("narrative", [None, "", "   \n  "])
def test_a_progress_update_is_required(narrative):
    assert check_update(draft(narrative=narrative), DEC_20) == [Problem("narrative", "Enter a progress update")]


def test_marking_blue_needs_evidence_of_completion():
    assert check_update(draft(rag="blue", evidence=" \n"), DEC_20) == [
        Problem("evidence", "Enter the evidence that this action is complete")
    ]
    assert check_update(draft(rag="blue", evidence="https://example.org/minutes"), DEC_20) == []


@pytest.mark.parametrize(
    ("revised", "moves"),
    [
        ("", False),
        ("Dec 20", False),
        ("dec  20", False),
        ("31/12/2020", False),  # the same day written differently is not a move
        ("Mar 21", True),
        ("Q4 2020/21", True),
        ("TBC", True),
        ("Ongoing", True),
    ],
)
def test_the_date_moves_only_when_it_differs_from_the_current_one(revised, moves):
    assert (moved_due(draft(revised_due_text=revised), DEC_20) is not None) is moves


def test_a_moved_date_needs_a_reason_and_who_agreed_it():
    problems = check_update(draft(revised_due_text="Mar 21"), DEC_20)
    assert problems == [
        Problem("revised_due_reason", "Enter why the completion date is moving"),
        Problem("revised_due_agreed_by", "Enter who agreed the new completion date"),
    ]
    assert (
        check_update(
            draft(revised_due_text="Mar 21", revised_due_reason="Covid", revised_due_agreed_by="Board"), DEC_20
        )
        == []
    )


def test_an_unreadable_revised_date_is_explained():
    [problem] = check_update(draft(revised_due_text="when we can"), DEC_20)
    assert problem.field == "revised_due_text"
    assert problem.message.startswith("Enter the revised completion date as a month and year")


def test_the_current_date_is_the_latest_revision_when_there_is_one():
    revised = CurrentDue("Mar 21", date(2021, 3, 31))
    assert moved_due(draft(revised_due_text="Mar 21"), revised) is None
    assert moved_due(draft(revised_due_text="Dec 20"), revised) is not None


@pytest.mark.parametrize(("rag", "confidence"), [("purple", None), ("green", "high")])
def test_ratings_outside_the_scale_are_refused(rag, confidence):
    fields = {p.field for p in check_update(draft(rag=rag, confidence=confidence), DEC_20)}
    assert fields == ({"rag"} if rag == "purple" else {"confidence"})


def test_evidence_is_kept_one_link_per_line_without_blanks():
    assert tidy_lines("  https://a.example \n\n doc 2 \n") == "https://a.example\ndoc 2"
    assert tidy_lines(" \n ") is None
