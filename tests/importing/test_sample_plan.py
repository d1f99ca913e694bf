"""The real Shropshire WSoA workbook reads exactly as a careful person reads it (shared/samples/README.md rules)."""

import json
from pathlib import Path

import pytest

from config import BASE_DIR, IMPORTS_DIR
from wsoa.importing.workbook import read_workbook

WORKBOOK = IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx"
EXPECTED = json.loads((IMPORTS_DIR / "demo" / "shropshire-wsoa.expected.json").read_text(encoding="utf-8"))
SHARED_SAMPLES = BASE_DIR.parent / "shared" / "samples"
CORE_FIELDS = ("ref", "priority", "outcome", "title", "due_text", "lead", "partners", "rag", "progress")
MAPPED_FIELDS = ("section", "resources", "success_criteria", "due_date", "ongoing")
UNASSERTED_DUE = {(item["sheet"], item["row"]) for item in EXPECTED["unasserted_due_dates"]}
ACTION_IDS = [f"{a['sheet']}-row{a['row']}-{a['ref']}" for a in EXPECTED["actions"]]


@pytest.fixture(scope="module")
def parsed():
    return read_workbook(WORKBOOK)


@pytest.fixture(scope="module")
def actual_actions(parsed):
    """Each action's contract fields plus where it is, and rag/progress as the latest update's."""
    actions = {}
    for action, data in zip(parsed.actions, parsed.to_contract_dict()["actions"], strict=True):
        latest = data["updates"][-1] if data["updates"] else {"rag": None, "progress": None}
        actions[(action.sheet, action.row)] = {**data, "rag": latest["rag"], "progress": latest["progress"]}
    return actions


def test_the_demo_copy_is_the_shared_sample():
    shared = SHARED_SAMPLES / "shropshire-wsoa-2020.xlsx"
    if not shared.exists():
        pytest.skip("the shared samples folder is not beside this checkout")
    assert shared.read_bytes() == WORKBOOK.read_bytes()
    assert json.loads((SHARED_SAMPLES / "shropshire-wsoa-2020.expected.json").read_text(encoding="utf-8")) == EXPECTED


def test_plan_title_and_every_priority(parsed):
    assert parsed.title == EXPECTED["plan"]["title"]
    assert [(p.number, p.title, p.sheet) for p in parsed.priorities] == [
        (p["number"], p["title"], p["sheet"]) for p in EXPECTED["priorities"]
    ]


def test_every_outcome_with_ref_priority_and_text(parsed):
    assert [(o.ref, o.priority, o.text, o.sheet, o.row) for o in parsed.outcomes] == [
        (o["ref"], o["priority"], o["text"], o["sheet"], o["row"]) for o in EXPECTED["outcomes"]
    ]
    printed = {o["ref"]: o["printed_ref"] for o in EXPECTED["outcomes"] if "printed_ref" in o}
    assert {o.ref: o.printed_ref for o in parsed.outcomes if o.printed_ref} == printed


def test_every_action_is_found_where_it_is_and_nothing_else(actual_actions):
    assert list(actual_actions) == [(a["sheet"], a["row"]) for a in EXPECTED["actions"]]


@pytest.mark.parametrize("expected", EXPECTED["actions"], ids=ACTION_IDS)
def test_every_action_core_fields_and_updates(actual_actions, expected):
    actual = actual_actions[(expected["sheet"], expected["row"])]

    assert {f: actual[f] for f in CORE_FIELDS} == {f: expected[f] for f in CORE_FIELDS}
    assert actual["updates"] == expected["updates"]


@pytest.mark.parametrize("expected", EXPECTED["actions"], ids=ACTION_IDS)
def test_every_action_mapped_fields(actual_actions, expected):
    actual = actual_actions[(expected["sheet"], expected["row"])]
    fields = [f for f in MAPPED_FIELDS if f != "due_date" or (expected["sheet"], expected["row"]) not in UNASSERTED_DUE]

    assert {f: actual[f] for f in fields} == {f: expected[f] for f in fields}


def test_no_cell_of_an_action_row_was_left_over(parsed):
    assert [a.extra for a in parsed.actions if a.extra] == []


def test_impact_measures_and_key_roles(parsed):
    assert [(k.priority, k.text) for k in parsed.kpis] == [(k["priority"], k["text"]) for k in EXPECTED["kpis"]]
    fields = ("code", "title", "organisation", "person")
    assert [{f: getattr(r, f) for f in fields} for r in parsed.roles] == [
        {f: r[f] for f in fields} for r in EXPECTED["roles"]
    ]


def test_every_expected_problem_is_reported_where_it_is(parsed):
    reported = {(p.sheet, p.row, p.severity) for p in parsed.problems}
    for expected in EXPECTED["problems"]:
        assert (expected["sheet"], expected["row"], expected["severity"]) in reported, expected["message"]
    expected_errors = [p for p in EXPECTED["problems"] if p["severity"] == "error"]
    assert len([p for p in parsed.problems if p.severity == "error"]) == len(expected_errors)


def test_counts(parsed):
    counts, expected = parsed.counts(), EXPECTED["counts"]

    assert {k: counts[k] for k in ("priorities", "outcomes", "actions", "kpis", "roles", "rag")} == {
        k: expected[k] for k in ("priorities", "outcomes", "actions", "kpis", "roles", "rag")
    }
    assert counts["problems"]["error"] == expected["problems"]["error"]
    assert counts["problems"]["warning"] >= expected["problems"]["warning"]  # extra warnings are acceptable


def test_review_periods_found_in_the_headings(parsed):
    assert parsed.review_periods == EXPECTED["review_periods"]


def test_column_mappings_for_the_preview(parsed):
    assert parsed.column_mappings["Priority 5"]["Resource"] == "resources"
    assert parsed.column_mappings["Priority 6"]["Progress and RAG rating"] == "progress (no review period)"
    assert parsed.column_mappings["Key roles"] == {
        "Code": "code",
        "Role": "title",
        "Organisation": "organisation",
        "Name": "person",
    }


def test_reading_is_deterministic(parsed):
    assert read_workbook(Path(WORKBOOK).read_bytes()).to_contract_dict() == parsed.to_contract_dict()
