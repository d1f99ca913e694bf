"""Column headings councils write, read as fields from synonym lists kept as data."""

import tomllib

import pytest

from config import IMPORTS_DIR
from wsoa.importing.headers import find_header_row, load_synonyms, match_heading, normalise, period_in

FIELDS = load_synonyms().fields


@pytest.mark.parametrize(
    ("heading", "field_name"),
    [
        ("Outcome Ref", "ref"),
        ("Action Ref", "ref"),
        ("No.", "ref"),
        ("Ref No", "ref"),
        ("Actions", "title"),
        ("What we will do", "title"),
        ("Completion Date", "due"),
        ("Target date", "due"),
        ("By when", "due"),
        ("Timescale", "due"),
        ("Deadline", "due"),
        ("Lead", "lead"),
        ("Lead Officer", "lead"),
        ("Responsible lead", "lead"),
        ("Owner", "lead"),
        ("Lead agency", "lead"),
        ("Delivery Partners", "partners"),
        ("Resources (cost and/or time)", "resources"),
        ("Resource", "resources"),
        ("How will we know?", "success_criteria"),
        ("How will we know", "success_criteria"),
        ("Success criteria", "success_criteria"),
        ("Measure of success", "success_criteria"),
        ("What will be different", "success_criteria"),
        ("Progress against actions/impact & RAG rating Nov 20", "progress"),
        ("Progress and RAG rating", "progress"),
        ("Progress Mar 21", "progress"),
        ("Update", "progress"),
        ("Status update Jun 21", "progress"),
        ("RAG", "rag"),
        ("RAG status", "rag"),
        ("RAG Mar 21", "rag"),
        ("Status", "rag"),
        ("Priority", "priority"),
        ("Outcome", "outcome"),
        ("Section", "section"),
        ("  COMPLETION   date ", "due"),
        ("Who else is involved", None),
        ("RAG notes", None),
        ("Comments", None),
        ("", None),
    ],
)
def test_headings_map_to_fields(heading, field_name):
    assert match_heading(heading, FIELDS) == field_name


@pytest.mark.parametrize(
    ("heading", "period"),
    [
        ("Progress against actions/impact & RAG rating Nov 20", "Nov 20"),
        ("Progress Mar 21", "Mar 21"),
        ("RAG Mar-21", "Mar-21"),
        ("Update March 2021", "March 2021"),
        ("Progress Q3 2021/22", "Q3 2021/22"),
        ("Progress (Spring term 2021)", "Spring term 2021"),
        ("Progress and RAG rating", None),
        ("Update 2", None),
    ],
)
def test_review_periods_named_in_headings(heading, period):
    assert period_in(heading) == period


def test_normalise_ignores_case_spacing_and_punctuation():
    assert normalise("  How will we KNOW? ") == "how will we know"
    assert normalise("Resources (cost and/or time)") == "resources cost and or time"


def test_the_header_row_needs_the_action_column_and_two_more():
    rows = [
        [(0, "Priority 1")],
        [(0, "Outcome Ref"), (1, "Actions"), (2, "Completion Date"), (3, "Lead")],
        [(0, "1.1.1"), (1, "Do it"), (2, "Dec 20")],
    ]
    found = find_header_row(rows, FIELDS, required={"title"}, minimum=3)

    assert found.index == 1
    assert found.fields == {0: "ref", 1: "title", 2: "due", 3: "lead"}
    assert find_header_row([[(0, "Ref"), (1, "Lead"), (2, "Deadline")]], FIELDS, required={"title"}, minimum=3) is None


def test_the_header_is_looked_for_only_near_the_top():
    rows = [[(0, "note")]] * 60 + [[(0, "Ref"), (1, "Action"), (2, "Deadline")]]

    assert find_header_row(rows, FIELDS, required={"title"}, minimum=3) is None


def test_an_area_extends_the_synonyms_without_code(tmp_path):
    data = tmp_path / "synonyms.toml"
    data.write_text(
        '[fields]\ntitle = ["Piece of work"]\ndue = ["Finish by"]\nlead = ["Named lead"]\n', encoding="utf-8"
    )
    synonyms = load_synonyms(data)

    assert [match_heading(h, synonyms.fields) for h in ("Piece of work", "Finish by", "Named lead")] == [
        "title",
        "due",
        "lead",
    ]


@pytest.mark.parametrize("file_name", ["header-synonyms.toml", "rag-words.toml"])
def test_no_word_in_the_data_files_means_two_things(file_name):
    data = tomllib.loads((IMPORTS_DIR / file_name).read_text(encoding="utf-8"))
    tables = data.values() if file_name == "header-synonyms.toml" else [data]
    for table in tables:
        meaning: dict[str, str] = {}
        for name, words in table.items():
            for word in words:
                assert meaning.setdefault(normalise(word), name) == name, f"{word!r} is listed twice"
