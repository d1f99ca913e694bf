"""Workbooks laid out as other councils lay them out, read into the same plan."""

from datetime import datetime

import pytest

from tests.importing.workbooks import flat_plan, save, solid
from wsoa.importing.workbook import read_workbook


def read(workbook):
    return read_workbook(save(workbook))


def test_flat_sheet_with_priority_column_and_synonym_headings():
    parsed = read(
        flat_plan(
            [
                ["Priority 1: Weak leadership", "1.1.1", "Review the strategy", "Dec 20", "DCS", "Board", "G", "Done"],
                [2, "2.1.1", "Cut waiting times", "Q3 2021/22", "SALT SM", None, "Amber", "Slipping"],
            ]
        )
    )
    assert [(p.number, p.title) for p in parsed.priorities] == [(1, "Weak leadership"), (2, None)]
    first, second = parsed.actions
    assert (first.ref, first.priority, first.title, first.lead, first.partners) == (
        "1.1.1",
        1,
        "Review the strategy",
        "DCS",
        "Board",
    )
    assert first.due.end.isoformat() == "2020-12-31"
    assert second.due.end.isoformat() == "2021-12-31"
    assert [(u.period, u.rag, u.progress) for u in first.updates] == [(None, "green", "Done")]
    assert second.updates[0].rag == "amber"
    assert parsed.column_mappings["Action plan"]["Deadline"] == "due"


def test_rag_from_fill_colour_alone_rgb_indexed_and_theme():
    workbook = flat_plan(
        [
            [1, "1.1.1", "Red by rgb", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.2", "Green by index", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.3", "Blue by theme", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.4", "Amber by theme tint", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.5", "White is no rating", "Dec 20", "DCS", None, None, "x"],
        ]
    )
    sheet = workbook.active
    sheet["G4"].fill = solid("FFFF0000")
    sheet["G5"].fill = solid(indexed=17)  # Office palette green
    sheet["G6"].fill = solid(theme=4, tint=0.4)  # accent1, lightened: blue in openpyxl's default Office theme
    sheet["G7"].fill = solid(theme=9)  # accent6: orange
    sheet["G8"].fill = solid("FFFFFFFF")
    parsed = read(workbook)
    assert [a.updates[0].rag for a in parsed.actions] == ["red", "green", "blue", "amber", None]


def test_rag_words_complete_and_a_progress_cell_starting_with_a_rating():
    parsed = read(
        flat_plan(
            [
                [1, "1.1.1", "Finished", "Dec 20", "DCS", None, "Complete", "All done"],
                [1, "1.1.2", "Waiting", "Dec 20", "DCS", None, None, "Amber - waiting for the data"],
                [1, "1.1.3", "Odd word", "Dec 20", "DCS", None, "Purple", "Hmm"],
            ]
        )
    )
    assert [a.updates[0].rag for a in parsed.actions] == ["blue", "amber", None]
    problem = next(p for p in parsed.problems if "Purple" in p.message)
    assert (problem.sheet, problem.row, problem.column) == ("Action plan", 6, "G")


def test_two_review_periods_of_progress_become_two_updates_oldest_first():
    parsed = read(
        flat_plan(
            [[1, "1.1.1", "Review", "Dec 20", "DCS", "Started", "A", "Finished", "B"]],
            headings=[
                "Priority",
                "Ref",
                "Action",
                "Deadline",
                "Owner",
                "Progress Jun 21",
                "RAG Jun 21",
                "Progress Mar 21",
                "RAG Mar 21",
            ],
        )
    )
    assert parsed.review_periods == ["Mar 21", "Jun 21"]
    assert [(u.period, u.rag, u.progress) for u in parsed.actions[0].updates] == [
        ("Mar 21", "blue", "Finished"),
        ("Jun 21", "amber", "Started"),
    ]


def test_glossary_sheet_becomes_roles_skipping_group_headings():
    workbook = flat_plan([[1, "1.1.1", "Review", "Dec 20", "DCS", None, None, None]])
    glossary = workbook.create_sheet("Key roles")
    glossary.append(["Code", "Role", "Organisation", "Name"])
    glossary.append(["Council representatives:"])
    glossary.append(["DCS", "Director of Children's Services", "Council", "Karen Bradshaw"])
    glossary.append([None, "Advocacy groups", None, None])
    parsed = read(workbook)
    assert [(r.code, r.title, r.person) for r in parsed.roles] == [
        ("DCS", "Director of Children's Services", "Karen Bradshaw"),
        (None, "Advocacy groups", None),
    ]


def test_legend_rows_hidden_columns_merged_cells_and_excel_dates():
    workbook = flat_plan(
        [
            [1, "1.1.1", "Review", datetime(2021, 3, 31), "DCS", None, None, None, "kept"],
            [1, "1.1.2", "Publish", "Jun 21", None, None, None, None, None],
            ["Key: Red = off track, Amber = at risk, Green = on track"],
        ],
        headings=["Priority", "Ref", "Action", "Deadline", "Owner", "Partners", "RAG", "Update", "Officer notes"],
    )
    sheet = workbook.active
    sheet.column_dimensions["I"].hidden = True
    sheet.merge_cells("E4:E5")  # one owner for both actions
    parsed = read(workbook)
    assert [a.ref for a in parsed.actions] == ["1.1.1", "1.1.2"]
    assert parsed.actions[0].due_text == "31 Mar 2021"
    assert parsed.actions[0].due.end.isoformat() == "2021-03-31"
    assert [a.lead for a in parsed.actions] == ["DCS", "DCS"]
    assert parsed.actions[0].extra == {"Officer notes": "kept"}


def test_a_malformed_sheet_reports_each_problem_and_keeps_every_valid_row():
    parsed = read(
        flat_plan(
            [
                [1, "1.1.1", "Good action", "Dec 20", "DCS", None, "G", None],
                [1, "1.1.1", "Same ref again", "Dec 20", "DCS", None, None, None],
                [1, "1.1.2", None, "Dec 20", "DCS", None, None, None],
                [1, None, "No ref at all", "Dec 20", "DCS", None, None, None],
                [1, "1.1.3", "Impossible date", "31/02/2021", "DCS", None, None, None],
                [1, "1.1.4", "Unknown RAG", "Dec 20", "DCS", None, "Sort of", None],
            ]
        )
    )
    titles = [a.title for a in parsed.actions]
    assert titles == ["Good action", "Same ref again", "No ref at all", "Impossible date", "Unknown RAG"]
    located = {(p.row, p.column): p for p in parsed.problems}
    assert "Duplicate action ref 1.1.1" in located[(5, "B")].message
    assert located[(6, "B")].severity == "error"
    assert "no action text" in located[(6, "B")].message
    assert "no ref" in located[(7, "B")].message
    assert "not a real date" in located[(8, "D")].message
    assert "Unknown RAG word 'Sort of'" in located[(9, "G")].message


def test_an_action_whose_outcome_does_not_exist_is_kept_and_reported():
    workbook = flat_plan([], headings=["Ref", "Action", "Deadline", "Owner"])
    sheet = workbook.active
    sheet.title = "Priority 1"
    for row in (["1.1", "Governance"], ["1.1.1", "Good", "Dec 20", "DCS"], ["1.9.1", "Orphan", "Dec 20", "DCS"]):
        sheet.append(row)
    parsed = read(workbook)
    assert [(a.ref, a.outcome, a.section) for a in parsed.actions] == [
        ("1.1.1", "1.1", "Governance"),
        ("1.9.1", None, "Governance"),
    ]
    assert any("outcome 1.9" in p.message for p in parsed.problems)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"ref,action\n1.1.1,Review\n", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old-style .xls"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 600,
            "password protected",
        ),
        (b"PK\x03\x04" + b"\x00" * 100, "damaged"),
        (b"", "empty"),
    ],
)
def test_unreadable_files_are_refused_with_one_line(content, reason):
    from wsoa.importing.problems import WorkbookUnreadable

    with pytest.raises(WorkbookUnreadable, match=reason) as refused:
        read_workbook(content)
    assert "\n" not in str(refused.value)


def test_oversized_files_and_zip_bombs_are_refused():
    import zipfile
    from io import BytesIO

    from wsoa.importing.problems import WorkbookUnreadable

    with pytest.raises(WorkbookUnreadable, match="larger than"):
        read_workbook(b"PK" + b"\x00" * 2048, max_bytes=1024)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    with pytest.raises(WorkbookUnreadable, match="zip bomb"):
        read_workbook(buffer.getvalue())


def test_a_truncated_real_workbook_is_refused_not_crashed():
    from wsoa.importing.problems import WorkbookUnreadable

    content = save(flat_plan([[1, "1.1.1", "Review", "Dec 20", "DCS", None, None, None]]))
    with pytest.raises(WorkbookUnreadable):
        read_workbook(content[: len(content) // 2])
