from datetime import date

import pytest

from wsoa.domain.honesty import ActionFacts, Flag, count_flags, honesty_flags, needs_update

TODAY = date(2021, 3, 15)
PAST = date(2021, 2, 28)
FUTURE = date(2021, 6, 30)


def flags_of(facts: ActionFacts) -> set[Flag]:
    return {flag.flag for flag in honesty_flags(facts, TODAY)}


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (ActionFacts(rag="green", due_end=PAST, updated_this_period=True), {Flag.PAST_DUE_BUT_ON_TRACK}),
        (ActionFacts(rag="amber", due_end=PAST, updated_this_period=True), {Flag.PAST_DUE_BUT_ON_TRACK}),
        (ActionFacts(rag="green", due_end=TODAY, updated_this_period=True), set()),
        (ActionFacts(rag="green", due_end=FUTURE, updated_this_period=True), set()),
        (ActionFacts(rag="green", due_end=None, updated_this_period=True), set()),
        # A revision agreed into the future clears it; a revision that has itself passed does not.
        (ActionFacts(rag="amber", due_end=PAST, revised_due_end=FUTURE, updated_this_period=True), set()),
        (
            ActionFacts(rag="green", due_end=FUTURE, revised_due_end=PAST, updated_this_period=True),
            {Flag.PAST_DUE_BUT_ON_TRACK},
        ),
        # Red past its date is honest (the overdue flag already shows it).
        (ActionFacts(rag="red", due_end=PAST, next_steps="x", risks="y", updated_this_period=True), set()),
    ],
)
def test_green_or_amber_after_the_completion_date_is_flagged(facts, expected):
    assert flags_of(facts) == expected


@pytest.mark.parametrize(
    ("evidence", "flagged"),
    [(None, True), ("", True), ("   \n ", True), ("Board minutes 20 Apr 2021", False)],
)
def test_blue_without_evidence_is_flagged(evidence, flagged):
    facts = ActionFacts(rag="blue", due_end=PAST, evidence=evidence, updated_this_period=True)
    assert (Flag.BLUE_WITHOUT_EVIDENCE in flags_of(facts)) is flagged


@pytest.mark.parametrize(
    ("next_steps", "risks", "message"),
    [
        (None, None, "Rated Red (off track) but no next steps or mitigation recorded"),
        ("Re-tender", None, "Rated Red (off track) but no mitigation recorded"),
        (None, "Agency cover", "Rated Red (off track) but no next steps recorded"),
        ("Re-tender", "Agency cover", None),
    ],
)
def test_red_without_next_steps_or_mitigation_is_flagged_naming_what_is_missing(next_steps, risks, message):
    facts = ActionFacts(rag="red", due_end=FUTURE, next_steps=next_steps, risks=risks, updated_this_period=True)
    messages = [f.message for f in honesty_flags(facts, TODAY) if f.flag == Flag.RED_WITHOUT_RECOVERY]
    assert messages == ([message] if message else [])


@pytest.mark.parametrize(
    ("facts", "flagged"),
    [
        (ActionFacts(rag="green", due_end=FUTURE, updated_this_period=False), True),
        (ActionFacts(rag=None, due_end=None, updated_this_period=False), True),
        (ActionFacts(rag="green", due_end=FUTURE, updated_this_period=True), False),
        # Complete actions need no more updates; with no period open there is nothing to update against.
        (ActionFacts(rag="blue", due_end=FUTURE, evidence="x", updated_this_period=False), False),
        (ActionFacts(rag="green", due_end=FUTURE, updated_this_period=False, period_open=False), False),
    ],
)
def test_no_update_this_period_is_flagged_unless_complete_or_no_period(facts, flagged):
    assert (Flag.NOT_UPDATED in flags_of(facts)) is flagged
    assert needs_update(facts) is flagged


def test_a_retired_action_raises_no_flags():
    facts = ActionFacts(rag="green", due_end=PAST, updated_this_period=False, retired=True)
    assert honesty_flags(facts, TODAY) == []
    assert not needs_update(facts)


def test_flags_come_worst_first_with_readable_messages():
    facts = ActionFacts(rag="amber", due_end=PAST)
    flags = honesty_flags(facts, TODAY)
    assert [f.flag for f in flags] == [Flag.PAST_DUE_BUT_ON_TRACK, Flag.NOT_UPDATED]
    assert flags[0].message == "Rated Amber but its completion date (28 Feb 2021) has passed"


def test_flag_counts_count_actions_and_always_have_every_flag():
    lists = [
        honesty_flags(ActionFacts(rag="blue", due_end=PAST), TODAY),
        honesty_flags(ActionFacts(rag="blue", due_end=PAST), TODAY),
        honesty_flags(ActionFacts(rag="green", due_end=FUTURE, updated_this_period=True), TODAY),
    ]
    assert count_flags(lists) == {
        Flag.PAST_DUE_BUT_ON_TRACK: 0,
        Flag.BLUE_WITHOUT_EVIDENCE: 2,
        Flag.RED_WITHOUT_RECOVERY: 0,
        Flag.NOT_UPDATED: 0,
    }
