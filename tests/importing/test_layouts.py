"""Workbooks laid out as councils lay them out, each read into the plan a careful person would read."""

from datetime import date, datetime

from openpyxl import Workbook

from tests.importing.workbooks import STANDARD_HEADINGS, cover_sheet, flat_plan, priority_sheet, read, solid
from wsoa.domain.timeframes import parse_timeframe


def updates(action):
    return [(u.period, u.rag, u.progress) for u in action.updates]


def problems_at(parsed, row):
    return [p for p in parsed.problems if p.row == row]


# -- one sheet per priority ------------------------------------------------------------------------------------------


def per_priority_workbook() -> Workbook:
    workbook = Workbook()
    cover_sheet(workbook, "Testshire Local Area Written Statement of Action")
    sheet = priority_sheet(
        workbook,
        1,
        "Weak strategic leadership",
        outcomes=[["1.1", "Governance secures improvement"], ["1.2 Families are equal partners"]],
        measures=["90% of families say they are heard", "No permanent exclusions from Sept 2021"],
        rows=[
            ["1.1", "Governance structure"],
            ["1.1.1", "Refresh the terms of reference", "Dec 20", "DCS", "Board", "Officer time", "Signed off", "Done"],
            [],
            ["Co-Production"],
            ["1.1.2", "• Recruit parents\r\n• Train them  ", "Sep 20 and ongoing", "PACC", None, None, None, None],
            ["1.2 Co-production charter"],
            ["1.2.1", "Write the charter", "Q3 2021/22", "NO", None, None, None, None],
        ],
    )
    sheet.insert_rows(3)
    sheet["A3"] = "Lead: DCS"
    return workbook


def test_one_sheet_per_priority_with_banner_outcomes_measures_and_section_rows():
    parsed = read(per_priority_workbook())

    assert parsed.title == "Testshire Local Area Written Statement of Action"
    assert [(p.number, p.title, p.lead) for p in parsed.priorities] == [(1, "Weak strategic leadership", "DCS")]
    assert [(o.ref, o.priority, o.text) for o in parsed.outcomes] == [
        ("1.1", 1, "Governance secures improvement"),
        ("1.2", 1, "Families are equal partners"),
    ]
    assert [k.text for k in parsed.kpis] == [
        "90% of families say they are heard",
        "No permanent exclusions from Sept 2021",
    ]
    assert [(a.ref, a.outcome, a.section) for a in parsed.actions] == [
        ("1.1.1", "1.1", "Governance structure"),
        ("1.1.2", "1.1", "Co-Production"),
        ("1.2.1", "1.2", "Co-production charter"),
    ]
    assert parsed.problems == []


def test_multi_line_cells_keep_inner_breaks_and_bullets_and_lose_only_their_ends():
    second = read(per_priority_workbook()).actions[1]

    assert second.title == "• Recruit parents\n• Train them"


def test_contract_document_for_a_per_priority_sheet():
    contract = read(per_priority_workbook()).to_contract_dict()

    assert contract["actions"][0] == {
        "ref": "1.1.1",
        "priority": 1,
        "outcome": "1.1",
        "section": "Governance structure",
        "title": "Refresh the terms of reference",
        "due_text": "Dec 20",
        "due_date": "2020-12-31",
        "ongoing": False,
        "lead": "DCS",
        "partners": "Board",
        "resources": "Officer time",
        "success_criteria": "Signed off",
        "updates": [{"period": "Nov 20", "rag": "blue", "progress": "Done"}],
    }
    assert (contract["actions"][1]["due_date"], contract["actions"][1]["ongoing"]) == ("2020-09-30", True)
    assert contract["actions"][1]["updates"] == []
    assert set(contract) == {
        "plan",
        "priorities",
        "outcomes",
        "actions",
        "kpis",
        "roles",
        "problems",
        "sheets",
        "notes",
        "mapping",
    }


def test_outcomes_printed_with_another_priority_number_are_renumbered_and_reported():
    workbook = Workbook()
    priority_sheet(
        workbook,
        2,
        "Health services' input",
        outcomes=[["1.1 SEND is a health priority"], ["1.2 Plans include health"]],
        rows=[["2.1.1", "Add SEND to the CCG plan", "Dec 20", "CC", None, None, None, None]],
    )
    parsed = read(workbook)

    assert [(o.ref, o.printed_ref, o.priority) for o in parsed.outcomes] == [("2.1", "1.1", 2), ("2.2", "1.2", 2)]
    assert parsed.actions[0].outcome == "2.1"
    warning = problems_at(parsed, 4)[0]
    assert (warning.severity, warning.sheet, warning.column) == ("warning", "Priority 2", "A")
    assert "1.1-1.2" in warning.message


# -- one flat sheet --------------------------------------------------------------------------------------------------


def test_flat_sheet_with_priority_and_outcome_columns():
    parsed = read(
        flat_plan(
            [
                [
                    "Priority 1: Weak leadership",
                    "1.1 Governance works",
                    "1.1.1",
                    "Review the strategy",
                    "Dec 20",
                    "DCS",
                ],
                [None, "1.1 Governance works", "1.1.2", "Publish the strategy", "Mar 21", "DCS"],
                [2, "Families wait less", "2.1.1", "Cut waiting times", "Q3 2021/22", "SALT SM"],
                [2, "2.2", "2.2.1", "Report waiting times", "Ongoing", "SALT SM"],
            ],
            headings=["Priority", "Outcome", "Ref", "Action", "Deadline", "Owner"],
        )
    )

    assert parsed.title == "Testshire WSoA"
    assert [(p.number, p.title) for p in parsed.priorities] == [(1, "Weak leadership"), (2, None)]
    assert [(o.ref, o.priority, o.text) for o in parsed.outcomes] == [
        ("1.1", 1, "Governance works"),
        ("2.1", 2, "Families wait less"),
    ]
    assert [(a.ref, a.priority, a.outcome) for a in parsed.actions] == [
        ("1.1.1", 1, "1.1"),
        ("1.1.2", 1, "1.1"),
        ("2.1.1", 2, "2.1"),
        ("2.2.1", 2, None),
    ]
    assert [a.due.end for a in parsed.actions[:3]] == [date(2020, 12, 31), date(2021, 3, 31), date(2021, 12, 31)]
    assert any("outcome 2.2" in p.message and p.row == 7 for p in parsed.problems)


def test_a_priority_written_once_covers_the_rows_below_it():
    parsed = read(
        flat_plan(
            [["Priority 3 - Waiting times", "W1", "Recruit therapists"], [None, "W2", "Open a clinic"]],
            headings=["Priority", "Ref", "Action", "Deadline"],
        )
    )

    assert [(a.ref, a.priority) for a in parsed.actions] == [("W1", 3), ("W2", 3)]


def test_priority_banners_between_actions_on_a_flat_sheet():
    parsed = read(
        flat_plan(
            [
                ["Priority 1: Leadership"],
                ["A1", "Review governance", "Dec 20"],
                ["Priority 2: Health"],
                ["H1", "Add SEND to the health plan", "Jan 21"],
            ],
            headings=["Ref", "Action", "Deadline"],
        )
    )

    assert [(p.number, p.title) for p in parsed.priorities] == [(1, "Leadership"), (2, "Health")]
    assert [(a.ref, a.priority) for a in parsed.actions] == [("A1", 1), ("H1", 2)]


def test_a_sheet_with_no_priority_anywhere_becomes_one_priority_named_after_it():
    workbook = flat_plan(
        [["1", "Review governance", "Dec 20"], ["2", "Publish", "Jan 21"]], headings=["No.", "Action", "By when"]
    )
    parsed = read(workbook)

    assert [(p.number, p.title) for p in parsed.priorities] == [(1, "Action plan")]
    assert [(a.ref, a.priority, a.outcome) for a in parsed.actions] == [("1", 1, None), ("2", 1, None)]
    assert len([p for p in parsed.problems if "no priority column" in p.message]) == 1


# -- headings --------------------------------------------------------------------------------------------------------


def test_header_synonyms_other_councils_use():
    headings = ["No.", "What we will do", "By when", "Responsible lead", "Delivery partners", "Resource",
                "Measure of success", "Update", "RAG status"]  # fmt: skip
    parsed = read(
        flat_plan(
            [
                [
                    "4.2.1",
                    "Train SENCOs",
                    "Spring term 2021",
                    "EIS M'gr",
                    "Schools",
                    "£5,000",
                    "All trained",
                    "Half done",
                    "A",
                ]
            ],
            headings=headings,
        )
    )

    action = parsed.actions[0]
    assert (action.ref, action.title, action.due_text, action.lead, action.partners) == (
        "4.2.1",
        "Train SENCOs",
        "Spring term 2021",
        "EIS M'gr",
        "Schools",
    )
    assert (action.resources, action.success_criteria) == ("£5,000", "All trained")
    assert updates(action) == [(None, "amber", "Half done")]
    assert parsed.column_mappings["Action plan"] == {
        "No.": "ref",
        "What we will do": "title",
        "By when": "due",
        "Responsible lead": "lead",
        "Delivery partners": "partners",
        "Resource": "resources",
        "Measure of success": "success criteria",
        "Update": "progress (no review period)",
        "RAG status": "RAG rating",
    }
    assert [p.column for p in parsed.problems] == ["H"]  # the progress column names no period


def test_the_header_row_is_found_by_what_it_says_not_where_it_is():
    workbook = flat_plan([["1.1.1", "Review", "Dec 20", "DCS"]], headings=["Ref", "Action", "Deadline", "Lead"])
    sheet = workbook.active
    sheet.insert_rows(1, amount=12)
    sheet["A2"] = "Written Statement of Action: progress tracker"
    sheet["C5"] = "Version 3, November 2020"

    parsed = read(workbook)

    assert [(a.ref, a.row) for a in parsed.actions] == [("1.1.1", 16)]


def test_unmapped_columns_and_cells_under_no_heading_are_kept_as_extra_fields():
    parsed = read(
        flat_plan(
            [["1.1.1", "Review", "Dec 20", "Officer notes here", "DCS", None, "Stray note"]],
            headings=["Ref", "Action", "Deadline", "Comments", "Lead"],
        )
    )

    assert parsed.actions[0].extra == {"Comments": "Officer notes here", "Column G": "Stray note"}
    assert parsed.column_mappings["Action plan"]["Comments"] is None


# -- RAG -------------------------------------------------------------------------------------------------------------


def test_rag_from_fill_colour_alone_rgb_indexed_and_theme_with_tint():
    workbook = flat_plan(
        [
            [1, "1.1.1", "Red by rgb", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.2", "Green by palette index", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.3", "Blue by theme tint", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.4", "Amber by theme", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.5", "Excel's pale 'Good' green", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.6", "White is no rating", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.7", "Grey is no rating", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.8", "Purple is no rating", "Dec 20", "DCS", None, None, "x"],
            [1, "1.1.9", "A dark shade of a theme green", "Dec 20", "DCS", None, None, "x"],
        ]
    )
    sheet = workbook.active
    sheet["G4"].fill = solid("FFFF0000")
    sheet["G5"].fill = solid(indexed=17)  # Office palette 17 is 008000
    sheet["G6"].fill = solid(theme=4, tint=0.3999)  # accent1 (4F81BD in openpyxl's default theme), lighter 40%
    sheet["G7"].fill = solid(theme=9)  # accent6: F79646 orange
    sheet["G8"].fill = solid("FFC6EFCE")
    sheet["G9"].fill = solid("FFFFFFFF")
    sheet["G10"].fill = solid("FFA5A5A5")
    sheet["G11"].fill = solid("FF7030A0")
    sheet["G12"].fill = solid(theme=6, tint=-0.4999)  # accent3 (9BBB59), darker 50%
    parsed = read(workbook)

    assert [a.updates[0].rag for a in parsed.actions] == [
        "red",
        "green",
        "blue",
        "amber",
        "green",
        None,
        None,
        None,
        "green",
    ]


def test_a_filled_progress_cell_rates_the_action_when_there_is_no_rag_column():
    workbook = flat_plan(
        [["1.1.1", "Review", "Dec 20", "Meeting held"]], headings=["Ref", "Action", "Deadline", "Progress Mar 21"]
    )
    workbook.active["D4"].fill = solid("FF00B050")

    assert updates(read(workbook).actions[0]) == [("Mar 21", "green", "Meeting held")]


def test_rag_words_complete_leading_words_and_unknown_words():
    parsed = read(
        flat_plan(
            [
                [1, "1.1.1", "Finished", "Dec 20", "DCS", None, "Complete", "All done"],
                [1, "1.1.2", "Waiting", "Dec 20", "DCS", None, None, "Amber - waiting for the data"],
                [1, "1.1.3", "On course", "Dec 20", "DCS", None, "Green (on track)", None],
                [1, "1.1.4", "Hyphenated", "Dec 20", "DCS", None, "On-track", None],
                [1, "1.1.5", "Not yet", "Dec 20", "DCS", None, "Not started", None],
                [1, "1.1.6", "Odd word", "Dec 20", "DCS", None, "Purple", "Hmm"],
                [1, "1.1.7", "Prose, not a rating", "Dec 20", "DCS", None, None, "Delayed, because of Covid"],
            ]
        )
    )

    assert [a.updates[0].rag if a.updates else None for a in parsed.actions] == [
        "blue",
        "amber",
        "green",
        "green",
        None,
        None,
        None,
    ]
    unknown = [p for p in parsed.problems if "Unknown RAG word" in p.message]
    assert [(p.sheet, p.row, p.column, p.severity) for p in unknown] == [("Action plan", 9, "G", "warning")]
    assert "'Purple'" in unknown[0].message
    assert parsed.actions[5].extra == {"Unread rating (RAG)": "Purple"}  # the word is kept, not lost


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
                "Progress March 2021",
                "RAG Mar-21",
            ],
        )
    )

    assert parsed.review_periods == ["March 2021", "Jun 21"]
    assert updates(parsed.actions[0]) == [("March 2021", "blue", "Finished"), ("Jun 21", "amber", "Started")]
    assert parsed.column_mappings["Action plan"]["RAG Mar-21"] == "RAG rating (March 2021)"


def test_a_second_header_row_names_the_periods_under_a_merged_progress_heading():
    workbook = flat_plan(
        [["1.1.1", "Review", "Dec 20", "Draft written", "Agreed"]],
        headings=["Ref", "Action", "Deadline", "Progress", None],
    )
    sheet = workbook.active
    sheet.insert_rows(4)
    sheet["D4"], sheet["E4"] = "Q3 2020/21", "Q4 2020/21"
    sheet.merge_cells("D3:E3")

    parsed = read(workbook)

    assert parsed.review_periods == ["Q3 2020/21", "Q4 2020/21"]
    assert updates(parsed.actions[0]) == [("Q3 2020/21", None, "Draft written"), ("Q4 2020/21", None, "Agreed")]
    assert [p.message for p in parsed.problems] == []


# -- other sheets ----------------------------------------------------------------------------------------------------


def test_key_roles_glossary_becomes_roles_skipping_group_headings():
    workbook = flat_plan([[1, "1.1.1", "Review", "Dec 20", "DCS", None, None, None]])
    glossary = workbook.create_sheet("Key roles")
    glossary.append(["Key roles"])
    glossary.append([])
    glossary.append(["Code", "Role", "Organisation", "Name"])
    glossary.append(["Council representatives:"])
    glossary.append(["DCS", "Director of Children's Services", "Council", "Karen Bradshaw"])
    glossary.append(["Health"])
    glossary.merge_cells("A6:D6")
    glossary.append(["EAS M’ger", "Education Access Service", "Council", "Christine Kerry"])
    glossary.append([None, "Advocacy groups", None, None])
    parsed = read(workbook)

    assert [(r.code, r.title, r.organisation, r.person, r.row) for r in parsed.roles] == [
        ("DCS", "Director of Children's Services", "Council", "Karen Bradshaw", 5),
        ("EAS M’ger", "Education Access Service", "Council", "Christine Kerry", 7),
        (None, "Advocacy groups", None, None, 8),
    ]
    assert parsed.column_mappings["Key roles"] == {
        "Code": "code",
        "Role": "title",
        "Organisation": "organisation",
        "Name": "person",
    }


def test_cover_and_contents_sheets_are_skipped_without_problems():
    workbook = Workbook()
    cover_sheet(workbook, "Testshire WSoA")
    notes = workbook.create_sheet("Notes")
    notes.append(["How to use this workbook"])
    notes.append(["Leads update column H every six weeks."])
    priority_sheet(workbook, 1, "Leadership", rows=[["1.1.1", "Review", "Dec 20", "DCS"]])
    parsed = read(workbook)

    assert parsed.title == "Testshire WSoA"
    assert [a.ref for a in parsed.actions] == ["1.1.1"]
    assert parsed.problems == []


# -- layout quirks ---------------------------------------------------------------------------------------------------


def test_hidden_columns_are_read_and_noted():
    workbook = flat_plan(
        [["1.1.1", "Review", "Dec 20", "DCS", "kept"]], headings=["Ref", "Action", "Deadline", "Lead", "Officer notes"]
    )
    workbook.active.column_dimensions["E"].hidden = True
    parsed = read(workbook)

    assert parsed.actions[0].extra == {"Officer notes": "kept"}
    assert parsed.hidden_columns == {"Action plan": ["E"]}
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "E")]


def test_key_and_legend_rows_are_not_actions():
    parsed = read(
        flat_plan(
            [
                ["Key: Red = off track, Amber = at risk, Green = on track"],
                ["1.1.1", "Review", "Dec 20"],
                ["Key"],
                ["Red", "Off track"],
                ["Amber", "At risk"],
                ["Blue = complete", "Green = on track"],
                ["Red", "Amber", "Green", "Blue"],
            ],
            headings=["Ref", "Action", "Deadline"],
        )
    )

    assert [a.ref for a in parsed.actions] == ["1.1.1"]
    assert parsed.problems == []


def test_a_value_in_a_merged_cell_applies_to_every_row_it_spans():
    workbook = flat_plan(
        [
            ["1.1", "1.1.1", "Review", "Dec 20", "DCS"],
            [None, "1.1.2", "Publish", "Jun 21", None],
            [None, "1.1.3", "Consult", "Jul 21", None],
        ],
        headings=["Outcome", "Ref", "Action", "Deadline", "Lead"],
    )
    sheet = workbook.active
    sheet.merge_cells("E4:E5")
    sheet.merge_cells("A4:A6")
    parsed = read(workbook)

    # With no outcome rows, outcome 1.1 is worked out (from the outcome cell and the refs) rather than dropped.
    assert [(a.ref, a.lead, a.outcome) for a in parsed.actions] == [
        ("1.1.1", "DCS", "1.1"),
        ("1.1.2", "DCS", "1.1"),
        ("1.1.3", None, "1.1"),
    ]


def test_a_merged_ref_spanning_two_rows_keeps_both_and_says_why():
    workbook = flat_plan(
        [["1.1.1", "Review", "Dec 20"], [None, "Review again", "Jun 21"]], headings=["Ref", "Action", "Deadline"]
    )
    workbook.active.merge_cells("A4:A5")
    parsed = read(workbook)

    assert [(a.ref, a.title) for a in parsed.actions] == [("1.1.1", "Review"), ("1.1.1", "Review again")]
    assert "merged ref cell" in problems_at(parsed, 5)[0].message


def test_excel_dates_in_the_due_column_read_as_displayed():
    workbook = flat_plan(
        [
            ["1.1.1", "A", datetime(2021, 3, 31)],
            ["1.1.2", "B", datetime(2021, 3, 31)],
            ["1.1.3", "C", date(2021, 6, 30)],
            ["1.1.4", "D", datetime(2021, 9, 30)],
        ],
        headings=["Ref", "Action", "Deadline"],
    )
    sheet = workbook.active
    sheet["C4"].number_format = "dd/mm/yyyy"
    sheet["C5"].number_format = "mmm-yy"
    sheet["C6"].number_format = "d mmmm yyyy"
    parsed = read(workbook)  # C7 keeps openpyxl's default datetime format, yyyy-mm-dd h:mm:ss

    assert [a.due_text for a in parsed.actions] == ["31/03/2021", "Mar-21", "30 June 2021", "2021-09-30"]
    assert [a.due.end for a in parsed.actions] == [
        date(2021, 3, 31),
        date(2021, 3, 31),
        date(2021, 6, 30),
        date(2021, 9, 30),
    ]
    assert parsed.to_contract_dict()["actions"][0]["due_date"] == "2021-03-31"


def test_an_excel_date_shown_without_its_day_means_the_month_it_shows():
    workbook = flat_plan(
        [
            ["1.1.1", "A", datetime(2021, 3, 15)],
            ["1.1.2", "B", datetime(2021, 6, 1)],
            ["1.1.3", "C", datetime(2021, 3, 15)],
        ],
        headings=["Ref", "Action", "Deadline"],
    )
    sheet = workbook.active
    sheet["C4"].number_format = "mmm-yy"
    sheet["C5"].number_format = "mmmm yyyy"
    sheet["C6"].number_format = "d-mmm-yy"
    parsed = read(workbook)

    assert [a.due_text for a in parsed.actions] == ["Mar-21", "June 2021", "15-Mar-21"]
    # The reader sees a month, so it is due by the month's end, as "Mar 21" typed as text (or exported) would be.
    assert [a.due.end for a in parsed.actions] == [date(2021, 3, 31), date(2021, 6, 30), date(2021, 3, 15)]
    assert [parse_timeframe(a.due_text).end for a in parsed.actions] == [a.due.end for a in parsed.actions]


def test_blank_spacer_rows_and_a_repeated_header_are_skipped():
    headings = ["Ref", "Action", "Deadline"]
    parsed = read(
        flat_plan([["1.1.1", "Review", "Dec 20"], [], [], headings, ["1.1.2", "Publish", "Jan 21"]], headings=headings)
    )

    assert [(a.ref, a.row) for a in parsed.actions] == [("1.1.1", 4), ("1.1.2", 8)]
    assert parsed.problems == []


# -- problems --------------------------------------------------------------------------------------------------------


def test_a_malformed_sheet_reports_each_problem_and_keeps_every_valid_row():
    parsed = read(
        flat_plan(
            [
                [1, "1.1.1", "Good action", "Dec 20", "DCS", None, "G", None],  # row 4
                [1, "1.1.1", "Same ref again", "Dec 20", "DCS", None, None, None],
                [1, "1.1.2", None, "Dec 20", "DCS", None, None, None],
                [1, None, "No ref at all", "Dec 20", "DCS", None, None, None],
                [1, "1.1.3", "Impossible date", "31/02/2021", "DCS", None, None, None],
                [1, "1.1.4", "Unknown RAG", "Dec 20", "DCS", None, "Sort of", None],
                [1, "see above", "Ref is a note", "Jan 21 to Dec 20", "DCS", None, None, None],  # row 10
                [1, None, None, None, "DCS", None, None, "Orphan progress"],
            ],
            headings=["Priority", "Ref", "Action", "Deadline", "Owner", "Partners", "RAG", "Progress"],
        )
    )

    assert [a.title for a in parsed.actions] == [
        "Good action",
        "Same ref again",
        "No ref at all",
        "Impossible date",
        "Unknown RAG",
        "Ref is a note",
    ]
    located = {(p.row, p.column): p for p in parsed.problems}
    assert "Duplicate action ref 1.1.1" in located[(5, "B")].message
    assert located[(6, "C")].severity == "error"
    assert "no action text" in located[(6, "C")].message
    assert "no ref" in located[(7, "B")].message
    assert "not a real date" in located[(8, "D")].message
    assert "Unknown RAG word 'Sort of'" in located[(9, "G")].message
    assert "not an action ref" in located[(10, "B")].message
    assert "inverted" in located[(10, "D")].message
    assert "no ref or action ('DCS')" in located[(11, "C")].message
    assert "names no review period" in located[(3, "H")].message
    assert parsed.actions[5].extra == {"Ref": "see above"}
    assert [p.severity for p in parsed.problems].count("error") == 1
    assert [(p.row or 0) for p in parsed.problems] == sorted(p.row or 0 for p in parsed.problems)


def test_an_action_whose_outcome_does_not_exist_is_kept_and_reported():
    workbook = Workbook()
    priority_sheet(
        workbook,
        1,
        "Leadership",
        outcomes=[["1.1", "Governance works"]],
        rows=[["1.1.1", "Good", "Dec 20", "DCS"], ["1.9.1", "Orphan", "Dec 20", "DCS"]],
    )
    parsed = read(workbook)

    assert [(a.ref, a.outcome) for a in parsed.actions] == [("1.1.1", "1.1"), ("1.9.1", None)]
    problem = next(p for p in parsed.problems if "outcome 1.9" in p.message)
    assert (problem.sheet, problem.row, problem.column) == ("Priority 1", 8, "A")


def test_every_non_empty_cell_of_an_action_row_lands_in_a_field_or_extra():
    headings = STANDARD_HEADINGS + ["RAG", "Next steps"]
    row = ["1.1.1", "Review", "Dec 20", "DCS", "Board", "£1k", "Signed", "Met", "G", "Publish", "under no heading"]
    workbook = Workbook()
    priority_sheet(workbook, 1, "Leadership", headings=headings, rows=[row])
    action = read(workbook).actions[0]

    found = [action.ref, action.title, action.due_text, action.lead, action.partners, action.resources]
    found += [action.success_criteria, action.updates[0].progress, *action.extra.values()]
    assert sorted(found) == sorted(v for v in row if v != "G")
    assert action.updates[0].rag == "green"


def test_a_table_with_headings_nobody_listed_is_reported_not_silently_skipped():
    workbook = flat_plan([[1, "1.1.1", "Review", "Dec 20", "DCS", None, None, None]])
    unknown = workbook.create_sheet("Workstream B")
    for row in (
        ["Task", "Person", "Date"],
        ["Audit files", "Head of SEN", "Jan 21"],
        ["Train staff", "SENCO", "Feb 21"],
    ):
        unknown.append(row)
    parsed = read(workbook)

    problem = next(p for p in parsed.problems if p.sheet == "Workstream B")
    assert (problem.severity, problem.row) == ("warning", None)
    # The fix offered is the column mapping, never a file on the server.
    assert "column mapping" in problem.message
    assert ".toml" not in problem.message
    report = next(sheet for sheet in parsed.sheets if sheet.name == "Workstream B")
    assert report.read_as is None
    assert "no action table" in report.detail
    assert [(c.column, c.heading) for c in parsed.columns if c.sheet == "Workstream B"] == [
        ("A", "Task"),
        ("B", "Person"),
        ("C", "Date"),
    ]


def test_note_rows_are_reported_not_imported():
    parsed = read(
        flat_plan(
            [["1.1.1", "Review", "Dec 20"], ["Note: 1.1.2 merged into 1.1.1"]], headings=["Ref", "Action", "Deadline"]
        )
    )

    assert [a.ref for a in parsed.actions] == ["1.1.1"]
    assert [(p.row, p.column) for p in parsed.problems] == [(5, "A")]


def test_two_columns_with_the_same_heading_are_both_kept():
    parsed = read(
        flat_plan(
            [["1.1.1", "Review", "Dec 20", "First comment", "Second comment"]],
            headings=["Ref", "Action", "Deadline", "Comments", "Comments"],
        )
    )

    assert parsed.actions[0].extra == {"Comments": "First comment", "Comments (column E)": "Second comment"}
    assert parsed.column_mappings["Action plan"] == {
        "Ref": "ref",
        "Action": "title",
        "Deadline": "due",
        "Comments": None,
        "Comments (column E)": None,
    }
