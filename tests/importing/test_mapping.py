"""The column mapping: its TOML and JSON forms, which entry wins, and the mapping an import used."""

import pytest

from tests.importing.workbooks import flat_plan, read, save
from wsoa.importing.mapping import Mapping, MappingProblem, mapping_of
from wsoa.importing.parsed import ColumnRead
from wsoa.importing.workbook import read_workbook

TOML = """
[[columns]]
heading = "What we are doing"
field = "title"

[[columns]]
sheet = "Area 2"
heading = "What we are doing"
field = "ignore"

[[columns]]
sheet = "Area 2"
column = "c"
field = "lead"
"""


def test_entries_for_a_sheet_win_over_entries_for_every_sheet():
    mapping = Mapping.from_toml(TOML)

    assert mapping.for_sheet("Area 1").field_for(1, "What we are doing") == "title"
    assert mapping.for_sheet("Area 2").field_for(1, "what we are doing?") == "ignore"
    assert mapping.for_sheet("Area 2").field_for(2, "Anything") == "lead"  # by letter, whatever the heading
    assert mapping.for_sheet("Area 1").field_for(2, "Anything") is None


def test_toml_and_json_forms_read_back_as_written():
    mapping = Mapping.from_toml(TOML)

    assert Mapping.from_toml(mapping.as_toml()) == mapping
    assert Mapping.from_document(mapping.as_document()) == mapping
    assert mapping.as_document()["columns"][2] == {"sheet": "Area 2", "column": "C", "field": "lead"}


def test_quotes_and_line_breaks_in_headings_survive_toml():
    mapping = Mapping.from_document({"columns": [{"heading": 'Lead "officer"\nname\\role', "field": "lead"}]})

    assert Mapping.from_toml(mapping.as_toml()) == mapping


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({"columns": "title"}, "must be a list of [[columns]] entries"),
        ({"columns": ["title"]}, "entry 1 must be a table"),
        ({"columns": [{"heading": "A", "field": "title", "colour": "red"}]}, "unknown key 'colour'"),
        ({"columns": [{"heading": "A", "column": "B", "field": "title"}]}, "either a heading or a column letter"),
        ({"columns": [{"heading": 3, "field": "title"}]}, "heading must be text"),
        ({"columns": [{"heading": "  ", "field": "title"}]}, "the heading is empty"),
        ({"columns": [{"column": "AAAA", "field": "title"}]}, "is not a column letter"),
    ],
)
def test_a_mapping_that_cannot_be_used_says_which_entry_and_why(document, reason):
    with pytest.raises(MappingProblem) as refused:
        Mapping.from_document(document)

    assert reason in refused.value.reason
    assert "\n" not in refused.value.reason


def test_the_mapping_used_names_columns_by_heading_unless_two_share_one():
    reads = [
        ColumnRead("S", "A", "Ref", "ref", "heading", ""),
        ColumnRead("S", "B", "Notes", "extra", "heading", ""),
        ColumnRead("S", "C", "Notes", "progress", "contents", ""),
        ColumnRead("S", "D", None, "rag", "contents", ""),
    ]

    assert mapping_of(reads).as_document()["columns"] == [
        {"sheet": "S", "heading": "Ref", "field": "ref"},
        {"sheet": "S", "column": "B", "field": "extra"},
        {"sheet": "S", "column": "C", "field": "progress"},
        {"sheet": "S", "column": "D", "field": "rag"},
    ]


def test_reading_with_the_mapping_an_import_used_reads_the_same():
    workbook = flat_plan([[1, "1.1.1", "Review", "Dec 20", "DCS", "Board", "Green", "Done"]])
    first = read(workbook)

    again = read_workbook(save(workbook), mapping=first.mapping())

    assert again.to_contract_dict()["actions"] == first.to_contract_dict()["actions"]
    assert {column.how for column in again.columns} == {"mapping"}


def test_an_ignored_column_is_not_kept_anywhere():
    workbook = flat_plan([[1, "1.1.1", "Review", "Dec 20", "DCS", "Board", "Green", "Done"]])
    mapping = Mapping.from_document({"columns": [{"heading": "Partners", "field": "ignore"}]})

    action = read_workbook(save(workbook), mapping=mapping).actions[0]

    assert action.partners is None
    assert "Board" not in action.extra.values()
