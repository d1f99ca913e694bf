"""The importer against a corpus of workbooks laid out as published council plans are (tests/importing/corpus/).

Each workbook's expected import was written from the rows it was built from (build_corpus.py), not by running the
importer. Every field of every expected priority, outcome and action (its ref, priority, outcome, text, completion
date as written, lead, and each update's period, rating and progress) counts one; an action the importer did not
find loses all its fields, one it found that the workbook does not hold costs one. At least 98% must be right, and
every expected problem and note must be reported.
"""

import json
from pathlib import Path

import pytest

from wsoa.importing.workbook import read_workbook

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = {path.name.removesuffix(".expected.json"): path for path in sorted(CORPUS.glob("*.expected.json"))}
SCORED = [name for name, path in EXPECTED.items() if not json.loads(path.read_text(encoding="utf-8"))["refused"]]
TARGET = 0.98
ACTION_FIELDS = ("priority", "outcome", "title", "due_text", "lead")


def expected_of(name: str) -> dict:
    return json.loads(EXPECTED[name].read_text(encoding="utf-8"))


def score(parsed, expected: dict) -> tuple[int, int, list[str]]:
    """(fields right, fields counted, what was wrong)."""
    right = total = 0
    wrong: list[str] = []

    def check(what: str, actual, wanted) -> None:
        nonlocal right, total
        total += 1
        if actual == wanted:
            right += 1
        else:
            wrong.append(f"{what}: {actual!r} != {wanted!r}")

    priorities = {str(p.number): p.title for p in parsed.priorities}
    for number, title in expected["priorities"].items():
        check(f"priority {number} exists", number in priorities, True)
        if title is not None:
            check(f"priority {number} title", priorities.get(number), title)
    outcomes = {o.ref: o.priority for o in parsed.outcomes}
    for ref, priority in expected["outcomes"].items():
        check(f"outcome {ref}", outcomes.get(ref), priority)
    actual = {(a.sheet, a.ref): a for a in parsed.actions}
    for wanted in expected["actions"]:
        key = (wanted["sheet"], wanted["ref"])
        action = actual.pop(key, None)
        check(f"{key} found", action is not None, True)
        for name in ACTION_FIELDS:
            check(f"{key} {name}", getattr(action, name, None), wanted[name])
        updates = [(u.period, u.rag, u.progress) for u in action.updates] if action else []
        wanted_updates = [(u["period"], u["rag"], u["progress"]) for u in wanted["updates"]]
        check(f"{key} number of updates", len(updates), len(wanted_updates))
        for index, update in enumerate(wanted_updates):
            got = updates[index] if index < len(updates) else (None, None, None)
            for position, name in enumerate(("period", "rag", "progress")):
                check(f"{key} update {index} {name}", got[position], update[position])
    for key in actual:
        check(f"{key} is not in the workbook", "imported", "absent")
    return right, total, wrong


@pytest.mark.parametrize("name", SCORED)
def test_each_corpus_workbook_imports_98_percent_of_its_fields_right(name):
    expected = expected_of(name)
    parsed = read_workbook(CORPUS / expected["workbook"])

    right, total, wrong = score(parsed, expected)

    assert total >= 20, "the expected import is too small to score"
    assert right / total >= TARGET, f"{right}/{total} fields right ({right / total:.1%}): " + "; ".join(wrong[:12])


@pytest.mark.parametrize("name", SCORED)
def test_each_corpus_workbook_reports_every_expected_problem_and_note(name):
    expected = expected_of(name)
    parsed = read_workbook(CORPUS / expected["workbook"])

    messages = [problem.message for problem in parsed.problems]
    for wanted in expected["problems"]:
        assert any(wanted in message for message in messages), f"not reported: {wanted!r} in {messages}"
    for wanted in expected["notes"]:
        assert any(wanted in note for note in parsed.notes), f"no note saying {wanted!r}: {parsed.notes}"
    assert not [p for p in parsed.problems if p.severity == "error"], "no row of these workbooks is in error"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_sheet_of_each_corpus_workbook_is_accounted_for(name):
    expected = expected_of(name)
    parsed = read_workbook(CORPUS / expected["workbook"])

    read_as = {sheet.name: sheet.read_as or "skipped" for sheet in parsed.sheets}
    assert read_as == expected["sheets"]
    assert all(sheet.detail for sheet in parsed.sheets)


def test_the_corpus_holds_at_least_eight_scored_workbooks_unlike_the_sample():
    assert len(SCORED) >= 8
    layouts = {expected_of(name)["layout"] for name in SCORED}
    assert len(layouts) == len(SCORED)
    for name in SCORED:
        assert (CORPUS / f"{name}.xlsx").is_file()
