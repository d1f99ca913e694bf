"""Layout inference: what a table's columns mean read from their cells, and where its heading row is."""

from datetime import date

import pytest
from openpyxl import Workbook

from tests.importing.corpus.build_corpus import FILLS, NONSENSE, app_areas_of_weakness, unknown_headings
from tests.importing.workbooks import read, save
from wsoa.importing.layout import find_table, infer_columns
from wsoa.importing.workbook import read_workbook

ACTION = "Review the SEND strategy with the parent carer forum and publish it"
PROGRESS = "In March 2021 the draft strategy was shared with partners for comment"


def rows_of(*rows: list) -> list[dict[int, object]]:
    return [{column: value for column, value in enumerate(row) if value is not None} for row in rows]


def fields(found) -> list[str | None]:
    width = max(found, default=-1) + 1
    return [found[column].field if column in found else None for column in range(width)]


# (what the case shows, rows under the heading row, the field each column should be read as)
COLUMN_CASES = [
    (
        "refs, action, lead code, timescale text, RAG word, progress naming a month",
        [["1.1.1", ACTION, "DCS", "Dec 21", "Green", PROGRESS], ["1.1.2", ACTION, "HoS", "Mar 22", "Amber", PROGRESS]],
        ["ref", "title", "lead", "due", "rag", "progress"],
    ),
    (
        "Excel dates are completion dates",
        [["2.1", ACTION, "DCO", date(2021, 3, 31)], ["2.2", ACTION, "DCO", date(2021, 6, 30)]],
        ["ref", "title", "lead", "due"],
    ),
    (
        "start and end dates: the later column is the completion date",
        [["3.1", ACTION, "Jun 20", "Sep 20", "CCG"], ["3.2", ACTION, "Jul 20", "Dec 20", "CCG"]],
        ["ref", "title", "extra", "due", "lead"],
    ),
    (
        "letter refs (A2.3) and one-letter RAG words",
        [["A2.1", ACTION, "G", "PEP"], ["A2.2", ACTION, "R", "PEP"], ["A2.3", ACTION, "B", "HoS"]],
        ["ref", "title", "rag", "lead"],
    ),
    (
        "long text after the dates and leads is progress even when it names no period",
        [["1.1", ACTION, "DCS", "Dec 21", "The board agreed the terms of reference and meets monthly"],
         ["1.2", ACTION, "DCS", "Jan 22", "Two of the three sessions were held; the third was moved"]],
        ["ref", "title", "lead", "due", "progress"],
    ),
    (
        "long text between the action and the dates, naming no period, is kept rather than guessed",
        [["1.1", ACTION, "Every plan audited is rated good or better by March", "DCS", "Dec 21"],
         ["1.2", ACTION, "Families say they were listened to in nine cases out of ten", "DCS", "Jan 22"]],
        ["ref", "title", None, "lead", "due"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("rows", "expected"), [case[1:] for case in COLUMN_CASES], ids=[c[0] for c in COLUMN_CASES])
def test_columns_are_read_from_their_cells(rows, expected):
    found = infer_columns(rows_of(*rows), 0)

    assert fields(found) == expected
    assert all(inferred.why for inferred in found.values())


def test_fills_alone_make_a_rag_column():
    colours = {(0, 2): "green", (1, 2): "red"}
    found = infer_columns(
        rows_of(["1.1", ACTION, None, "DCS"], ["1.2", ACTION, None, "DCS"]),
        0,
        fills=lambda row, column: colours.get((row, column)),
    )

    assert found[2].field == "rag"
    assert "coloured" in found[2].why


def test_the_glossary_codes_name_the_lead_column_among_short_columns():
    rows = rows_of(["1.1", ACTION, "Yes", "SENCO network"], ["1.2", ACTION, "No", "HoS and DCO"])

    found = infer_columns(rows, 0, codes=frozenset({"HoS", "DCO", "SENCO"}))

    assert found[3].field == "lead"
    assert "glossary" in found[3].why


@pytest.mark.parametrize(
    ("rows", "header", "first_ref"),
    [
        pytest.param(
            [["Plan title"], [], ["Blah", "Blither", "Snark"], ["1.1", ACTION, "DCS"], ["1.2", ACTION, "DCS"]],
            2,
            3,
            id="heading row of unknown words just above the first ref",
        ),
        pytest.param([["1.1", ACTION, "DCS"], ["1.2", ACTION, "DCS"]], None, 0, id="no heading row at all"),
        pytest.param(
            [["Zorb", "Quibble", "Wibble"], ["1", ACTION, "Dec 21"], ["2", ACTION, "Mar 22"], ["3", ACTION, "Jun 22"]],
            0,
            1,
            id="bare numbers as refs when there are dates beside them",
        ),
    ],
)
def test_the_table_and_its_heading_row_are_found_by_position(rows, header, first_ref):
    table = find_table(rows_of(*rows))

    assert table is not None
    assert (table.header, table.first_ref, table.ref_column) == (header, first_ref, 0)


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([["1", "The quality of EHC plans"], ["2", "Oversight of new plans"]], id="a numbered list"),
        pytest.param([["1.1", "DCS"], ["1.2", "HoS"]], id="refs with no text beside them"),
        pytest.param([["Staffing", 120000], ["Training", 20000]], id="a budget"),
    ],
)
def test_rows_that_are_not_an_action_table_are_not_read_as_one(rows):
    assert find_table(rows_of(*rows)) is None


# -- the same import with nonsense headings as with the real ones ------------------------------------------------------


def without_locations(parsed) -> dict:
    document = parsed.to_contract_dict()
    return {key: document[key] for key in ("priorities", "outcomes", "actions", "kpis", "roles")}


def test_nonsense_headings_import_the_same_as_the_real_ones():
    real, _ = unknown_headings(["Ref", "Action", "Lead", "Completion date", "RAG", "Progress"], name="real")
    nonsense, expected = unknown_headings(NONSENSE)

    from_real, from_nonsense = read(real), read(nonsense)

    assert without_locations(from_nonsense) == without_locations(from_real)
    assert len(from_nonsense.actions) == len(expected.actions)
    reads = {(c.sheet, c.heading): (c.field, c.how) for c in from_nonsense.columns}
    assert reads[("Priority 1", "Zorb")] == ("ref", "contents")
    assert reads[("Priority 1", "Quibble")] == ("title", "contents")
    assert reads[("Priority 1", "Blither")] == ("progress", "contents")


def test_an_accelerated_progress_plan_with_nonsense_headings_imports_the_same():
    workbook, _ = app_areas_of_weakness()
    real = read_workbook(save(workbook))
    for sheet in workbook.worksheets[1:]:
        for cell, word in zip(sheet[1], ["Fnord", "Gribble", "Plonk", "Wozzle", "Tarn"], strict=True):
            cell.value = word
    nonsense = read_workbook(save(workbook))

    assert without_locations(nonsense) == without_locations(real)
    assert len(real.actions) == 7


def test_fill_only_ratings_under_a_nonsense_heading_are_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Glorp", "Splunge", "Frabble", "Womble", "Yibble"])
    for ref, colour in (("1.1", "green"), ("1.2", "amber"), ("1.3", "blue")):
        sheet.append([ref, ACTION, "DCS", "Dec 21", None])
        sheet.cell(sheet.max_row, 5).fill = FILLS[colour]

    parsed = read(workbook)

    assert [a.latest.rag for a in parsed.actions] == ["green", "amber", "blue"]


def test_a_second_table_with_unknown_headings_is_read_with_its_own_heading_row():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Ref", "Action", "Lead", "Deadline", "RAG"])
    sheet.append(["1.1", ACTION, "DCS", "Dec 21", "Green"])
    sheet.append(["1.2", ACTION, "DCS", "Jan 22", "Amber"])
    sheet.append([])
    sheet.append(["Workstream two"])
    sheet.append([None, "Blorp", "Snib", "Frumious", "Vorpal", "Tulgey"])  # the second table starts a column later
    sheet.append([None, "2.1", "Agree a toolkit with every school and setting", "SEP", "Apr 22", "Red"])
    sheet.append([None, "2.2", "Train every SENCO in the toolkit this year", "SEP", "Jul 22", "Blue"])

    parsed = read(workbook)

    assert [(a.ref, a.title[:20], a.lead, a.due_text, a.latest.rag) for a in parsed.actions] == [
        ("1.1", ACTION[:20], "DCS", "Dec 21", "green"),
        ("1.2", ACTION[:20], "DCS", "Jan 22", "amber"),
        ("2.1", "Agree a toolkit with", "SEP", "Apr 22", "red"),
        ("2.2", "Train every SENCO in", "SEP", "Jul 22", "blue"),
    ]
    assert not [p for p in parsed.problems if "not imported" in p.message or "without a ref" in p.message]
    assert ("Blorp", "ref") in [(c.heading, c.field) for c in parsed.columns]


def test_an_action_missing_its_ref_is_not_taken_for_a_heading_row():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ref", "Action", "Lead", "Deadline"])
    sheet.append(["1.1", ACTION, "DCS", "Dec 21"])
    sheet.append([None, "Review the offer", "DCS", "Jan 22"])
    sheet.append(["1.3", ACTION, "DCS", "Feb 22"])

    parsed = read(workbook)

    assert [a.ref for a in parsed.actions] == ["1.1", "", "1.3"]
