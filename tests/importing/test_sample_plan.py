"""The real Shropshire WSoA workbook reads exactly as a careful person reads it (shared/samples rules)."""

import json
from pathlib import Path

import pytest

from config import IMPORTS_DIR
from wsoa.importing.workbook import read_workbook

WORKBOOK = IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx"
EXPECTED = json.loads((IMPORTS_DIR / "demo" / "shropshire-wsoa.expected.json").read_text(encoding="utf-8"))
CORE_FIELDS = ("ref", "priority", "outcome", "title", "due_text", "lead", "partners", "rag", "progress")
MAPPED_FIELDS = ("section", "resources", "success_criteria", "due_date", "ongoing")
UNASSERTED_DUE = {(item["sheet"], item["row"]) for item in EXPECTED["unasserted_due_dates"]}


@pytest.fixture(scope="module")
def parsed():
    return read_workbook(WORKBOOK)


@pytest.fixture(scope="module")
def contract(parsed):
    return parsed.to_contract_dict()


def _actual_actions(parsed, contract):
    for action, data in zip(parsed.actions, contract["actions"], strict=True):
        latest = data["updates"][-1] if data["updates"] else {"rag": None, "progress": None}
        yield {**data, "rag": latest["rag"], "progress": latest["progress"], "sheet": action.sheet, "row": action.row}


def test_the_plan_title_priorities_and_counts(contract):
    assert contract["plan"]["title"] == EXPECTED["plan"]["title"]
    assert [(p["number"], p["title"]) for p in contract["priorities"]] == [
        (p["number"], p["title"]) for p in EXPECTED["priorities"]
    ]
    counts = EXPECTED["counts"]
    assert (len(contract["outcomes"]), len(contract["actions"]), len(contract["kpis"]), len(contract["roles"])) == (
        counts["outcomes"],
        counts["actions"],
        counts["kpis"],
        counts["roles"],
    )


def test_every_outcome_with_ref_priority_and_text(contract):
    assert [(o["ref"], o["priority"], o["text"]) for o in contract["outcomes"]] == [
        (o["ref"], o["priority"], o["text"]) for o in EXPECTED["outcomes"]
    ]


@pytest.mark.parametrize("expected", EXPECTED["actions"], ids=lambda a: f"{a['sheet']}-row{a['row']}-{a['ref']}")
def test_every_action_core_fields(parsed, contract, expected):
    actual = next(
        a for a in _actual_actions(parsed, contract) if (a["sheet"], a["row"]) == (expected["sheet"], expected["row"])
    )
    assert {f: actual[f] for f in CORE_FIELDS} == {f: expected[f] for f in CORE_FIELDS}
    assert actual["updates"] == expected["updates"]


@pytest.mark.parametrize("expected", EXPECTED["actions"], ids=lambda a: f"{a['sheet']}-row{a['row']}-{a['ref']}")
def test_every_action_mapped_fields(parsed, contract, expected):
    actual = next(
        a for a in _actual_actions(parsed, contract) if (a["sheet"], a["row"]) == (expected["sheet"], expected["row"])
    )
    fields = [
        f for f in MAPPED_FIELDS if not (f == "due_date" and (expected["sheet"], expected["row"]) in UNASSERTED_DUE)
    ]
    assert {f: actual[f] for f in fields} == {f: expected[f] for f in fields}


def test_impact_measures_and_key_roles(contract):
    assert [(k["priority"], k["text"]) for k in contract["kpis"]] == [
        (k["priority"], k["text"]) for k in EXPECTED["kpis"]
    ]
    fields = ("code", "title", "organisation", "person")
    assert [{f: r[f] for f in fields} for r in contract["roles"]] == [
        {f: r[f] for f in fields} for r in EXPECTED["roles"]
    ]


def test_every_expected_problem_is_reported_where_it_is(parsed):
    reported = {(p.sheet, p.row) for p in parsed.problems}
    for expected in EXPECTED["problems"]:
        assert (expected["sheet"], expected["row"]) in reported, expected["message"]
    assert not [p for p in parsed.problems if p.severity == "error"]


def test_review_periods_found_in_the_headings(parsed):
    assert parsed.review_periods == EXPECTED["review_periods"]


def test_reading_is_deterministic(contract):
    assert read_workbook(Path(WORKBOOK).read_bytes()).to_contract_dict() == contract
