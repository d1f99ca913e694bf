"""KPI numbers, dates, milestone and benchmark lines, definitions, values and value uploads, as people type them."""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from wsoa.domain.kpi_values import (
    Benchmark,
    KpiDraft,
    Milestone,
    NotADate,
    NotANumber,
    Problem,
    ValueDraft,
    benchmarks_text,
    check_definition,
    format_value,
    milestones_text,
    parse_benchmarks,
    parse_milestones,
    parse_number,
    parse_value_date,
    resolve_value,
)
from wsoa.importing.kpi_values import MAX_UPLOAD_ROWS, KpiRef, UploadUnreadable, parse_value_upload, read_table

TODAY = date(2021, 6, 30)


# ---------------------------------------------------------------------------------------------------------------
# Numbers and dates.


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("92", Decimal("92")),
        (" 12.5 ", Decimal("12.5")),
        ("1,200", Decimal("1200")),
        ("85%", Decimal("85")),
        ("-3", Decimal("-3")),
        (".5", Decimal("0.5")),
        ("0", Decimal("0")),
        (0, Decimal("0")),
        (7, Decimal("7")),
        (0.15, Decimal("0.15")),
        (Decimal("6.2"), Decimal("6.2")),
        ("1 200", Decimal("1200")),
    ],
)
def test_numbers_are_read_as_people_write_them(raw, expected):
    assert parse_number(raw) == expected


def test_zero_is_a_number_not_a_blank():
    assert parse_number("0") is not None
    assert parse_number("0") == 0


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_a_blank_number_is_none(raw):
    assert parse_number(raw) is None


@pytest.mark.parametrize("raw", ["n/a", "TBC", "twelve", "1e5", "NaN", "inf", "12..5", "--3", "5-", True, float("nan")])
def test_words_and_oddities_are_not_numbers(raw):
    with pytest.raises(NotANumber):
        parse_number(raw)


def test_absurdly_large_numbers_are_refused_rather_than_overflowing_the_column():
    with pytest.raises(NotANumber):
        parse_number("99999999999")


def test_numbers_keep_four_decimal_places_as_the_database_does():
    assert parse_number("1.23456") == Decimal("1.2346")


@pytest.mark.parametrize(
    ("raw", "expected", "label"),
    [
        ("31/03/2021", date(2021, 3, 31), None),
        ("2021-03-31", date(2021, 3, 31), None),
        ("31 Mar 2021", date(2021, 3, 31), None),
        (date(2021, 3, 31), date(2021, 3, 31), None),
        (datetime(2021, 3, 31, 0, 0), date(2021, 3, 31), None),
        ("Mar 21", date(2021, 3, 31), "Mar 21"),
        ("Q3 2021/22", date(2021, 12, 31), "Q3 2021/22"),
        ("Spring term 2021", date(2021, 4, 30), "Spring term 2021"),
    ],
)
def test_a_date_or_a_period_gives_the_day_it_stands_for(raw, expected, label):
    assert parse_value_date(raw) == (expected, label)


@pytest.mark.parametrize("raw", ["31/02/2021", "banana", "Ongoing", "Sep 20 and ongoing", 44286, "", "31/03/1899"])
def test_things_that_are_not_a_single_date_or_period_are_refused(raw):
    with pytest.raises(NotADate):
        parse_value_date(raw)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (Decimal("92"), "%", "92%"),
        (Decimal("92.50"), "%", "92.5%"),
        (Decimal("6.2"), "rate per 10,000", "6.2 per 10,000"),
        (Decimal("18"), "weeks", "18 weeks"),
        (Decimal("1"), "days", "1 day"),
        (Decimal("1200"), "number", "1,200"),
        (Decimal("0"), "number", "0"),
        (None, "%", ""),
    ],
)
def test_values_are_shown_with_their_unit(value, unit, expected):
    assert format_value(value, unit) == expected


# ---------------------------------------------------------------------------------------------------------------
# Milestones and benchmarks.


def test_milestone_lines_are_read_and_sorted_by_date():
    milestones, problems = parse_milestones("31/03/2022, 92\n\n30/09/2021, 1,200\nMar 21\t40")
    assert problems == []
    assert milestones == [
        Milestone(date(2021, 3, 31), Decimal("40")),
        Milestone(date(2021, 9, 30), Decimal("1200")),
        Milestone(date(2022, 3, 31), Decimal("92")),
    ]


def test_each_bad_milestone_line_is_reported_by_its_line_number_and_good_lines_are_kept():
    milestones, problems = parse_milestones("31/03/2021, 60\nnonsense\n31/02/2021, 5\n30/06/2021, lots\n31/03/2021, 61")
    assert milestones == [Milestone(date(2021, 3, 31), Decimal("60"))]
    assert [p.line for p in problems] == [2, 3, 4, 5]
    assert "comma" in problems[0].message
    assert "date" in problems[1].message
    assert "'lots' must be a number" in problems[2].message
    assert "already a milestone for 31 Mar 2021 on line 1" in problems[3].message
    assert str(problems[0]).startswith("Line 2: ")


def test_a_milestone_of_zero_is_kept():
    milestones, problems = parse_milestones("01/09/2021, 0")
    assert problems == []
    assert milestones == [Milestone(date(2021, 9, 1), Decimal("0"))]


def test_benchmarks_have_a_label_a_value_and_an_optional_date():
    benchmarks, problems = parse_benchmarks(
        "England average, 0.06, 31/08/2020\nStatistical neighbours, 12\nNeighbours, mean, 14.5"
    )
    assert problems == []
    assert benchmarks == [
        Benchmark("England average", Decimal("0.06"), date(2020, 8, 31)),
        Benchmark("Statistical neighbours", Decimal("12"), None),
        Benchmark("Neighbours, mean", Decimal("14.5"), None),
    ]


def test_bad_benchmark_lines_are_reported_by_line():
    benchmarks, problems = parse_benchmarks("England average\n0.06\nEngland, 0.06, 31/02/2020\nEngland, lots")
    assert benchmarks == []
    assert [p.line for p in problems] == [1, 2, 3, 4]


def test_milestones_and_benchmarks_round_trip_through_the_text_people_edit():
    milestones = [Milestone(date(2021, 3, 31), Decimal("1200.5")), Milestone(date(2021, 9, 1), Decimal("0"))]
    benchmarks = [Benchmark("England average", Decimal("0.06"), date(2020, 8, 31)), Benchmark("SN", Decimal("3"))]
    assert parse_milestones(milestones_text(milestones)) == (milestones, [])
    assert parse_benchmarks(benchmarks_text(benchmarks)) == (benchmarks, [])


# ---------------------------------------------------------------------------------------------------------------
# Definitions.


def draft(**changes) -> KpiDraft:
    fields = {
        "name": "SALT: seen within 18 weeks",
        "text": "92% CYP seen within 18 weeks",
        "unit": "%",
        "direction": "higher",
        "baseline_value": Decimal("14"),
        "baseline_date": date(2020, 1, 31),
        "target_value": Decimal("92"),
        "target_date": date(2020, 11, 30),
    }
    fields.update(changes)
    return KpiDraft(**fields)


def fields_of(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


def test_a_complete_definition_has_no_problems():
    assert check_definition(draft()) == []


def test_a_definition_needs_a_name_words_unit_and_direction():
    problems = check_definition(draft(name=" ", text="", unit="furlongs", direction=None))
    assert fields_of(problems) == ["name", "text", "unit", "direction"]
    assert problems[0].message == "Enter a name for the KPI"


def test_a_target_of_zero_with_lower_is_better_is_a_real_target():
    assert check_definition(draft(direction="lower", baseline_value=Decimal("5"), target_value=Decimal("0"))) == []


def test_a_zero_target_without_its_date_is_still_noticed():
    problems = check_definition(
        draft(direction="lower", baseline_value=Decimal(5), target_value=Decimal(0), target_date=None)
    )
    assert problems == [Problem("target_date", "Enter the date the target is due")]


def test_a_baseline_or_target_needs_both_its_value_and_its_date():
    problems = check_definition(draft(baseline_value=None, target_date=None))
    assert fields_of(problems) == ["baseline_value", "target_date"]


def test_the_target_date_must_follow_the_baseline_date():
    problems = check_definition(draft(target_date=date(2020, 1, 1)))
    assert problems == [Problem("target_date", "Target date must be after the baseline date")]


@pytest.mark.parametrize(("direction", "target"), [("higher", "10"), ("lower", "95")])
def test_a_target_on_the_wrong_side_of_the_baseline_questions_the_direction(direction, target):
    problems = check_definition(draft(direction=direction, target_value=Decimal(target)))
    assert fields_of(problems) == ["direction"]


def test_a_band_needs_at_least_one_limit_and_the_right_way_round():
    assert fields_of(check_definition(draft(direction="band", target_value=None, target_date=None))) == ["band_low"]
    problems = check_definition(
        draft(direction="band", band_low=Decimal(10), band_high=Decimal(5), target_value=None, target_date=None)
    )
    assert fields_of(problems) == ["band_high"]
    assert check_definition(draft(direction="band", band_low=Decimal(5), target_value=None, target_date=None)) == []


def test_tolerance_cannot_be_negative():
    assert fields_of(check_definition(draft(tolerance=Decimal("-1")))) == ["tolerance"]
    assert check_definition(draft(tolerance=Decimal("0"))) == []


def test_milestones_sit_between_the_baseline_and_the_target():
    milestones = [Milestone(date(2019, 1, 1), Decimal(1)), Milestone(date(2020, 6, 30), Decimal(50))]
    milestones.append(Milestone(date(2021, 1, 1), Decimal(95)))
    problems = check_definition(draft(milestones=milestones))
    assert problems == [
        Problem("milestones", "Milestone for 1 Jan 2019 must be after the baseline date"),
        Problem("milestones", "Milestone for 1 Jan 2021 must be before the target date"),
    ]


def test_milestones_need_a_target_to_lead_to():
    problems = check_definition(
        draft(target_value=None, target_date=None, milestones=[Milestone(date(2020, 6, 30), Decimal(50))])
    )
    assert fields_of(problems) == ["target_date"]


# ---------------------------------------------------------------------------------------------------------------
# Values.


def test_a_plain_value_is_taken_as_it_is():
    assert resolve_value(ValueDraft(on=TODAY, value=Decimal(80)), unit="%", is_ratio=False, today=TODAY) == (
        Decimal(80),
        [],
    )


def test_a_value_of_zero_is_a_value():
    value, problems = resolve_value(ValueDraft(on=TODAY, value=Decimal(0)), unit="number", is_ratio=False, today=TODAY)
    assert problems == []
    assert value == 0


def test_a_value_needs_a_date_not_in_the_future_and_the_value():
    value, problems = resolve_value(ValueDraft(on=None), unit="%", is_ratio=False, today=TODAY)
    assert value is None
    assert problems == [Problem("on", "Enter the date the value is for"), Problem("value", "Enter the value")]
    _, problems = resolve_value(
        ValueDraft(on=date(2021, 7, 1), value=Decimal(1)), unit="%", is_ratio=False, today=TODAY
    )
    assert problems == [Problem("on", "Date the value is for must be today or in the past")]


@pytest.mark.parametrize(
    ("unit", "numerator", "denominator", "expected"),
    [
        ("%", "92", "100", "92"),
        ("%", "2", "3", "66.6667"),
        ("rate per 10,000", "6", "9000", "6.6667"),
        ("number", "3", "4", "0.75"),
    ],
)
def test_a_ratio_value_is_worked_out_from_its_numerator_and_denominator(unit, numerator, denominator, expected):
    value, problems = resolve_value(
        ValueDraft(on=TODAY, numerator=Decimal(numerator), denominator=Decimal(denominator)),
        unit=unit,
        is_ratio=True,
        today=TODAY,
    )
    assert problems == []
    assert value == Decimal(expected)


def test_a_ratio_value_typed_as_well_must_agree_with_the_parts():
    good = ValueDraft(on=TODAY, value=Decimal("66.7"), numerator=Decimal(2), denominator=Decimal(3))
    assert resolve_value(good, unit="%", is_ratio=True, today=TODAY)[1] == []
    bad = ValueDraft(on=TODAY, value=Decimal("70"), numerator=Decimal(2), denominator=Decimal(3))
    value, problems = resolve_value(bad, unit="%", is_ratio=True, today=TODAY)
    assert value is None
    assert fields_of(problems) == ["value"]
    assert "66.67%" in problems[0].message


@pytest.mark.parametrize(
    ("numerator", "denominator", "field", "message"),
    [
        ("5", None, "denominator", "Enter the denominator"),
        (None, "5", "numerator", "Enter the numerator"),
        ("5", "0", "denominator", "Denominator must be more than 0"),
        ("-1", "5", "numerator", "Numerator must be 0 or more"),
        ("6", "5", "numerator", "Numerator must not be more than the denominator"),
    ],
)
def test_a_ratio_needs_sensible_parts(numerator, denominator, field, message):
    value, problems = resolve_value(
        ValueDraft(
            on=TODAY,
            numerator=Decimal(numerator) if numerator else None,
            denominator=Decimal(denominator) if denominator else None,
        ),
        unit="%",
        is_ratio=True,
        today=TODAY,
    )
    assert value is None
    assert problems == [Problem(field, message)]


def test_a_ratio_kpi_may_be_given_only_its_value():
    assert resolve_value(ValueDraft(on=TODAY, value=Decimal(91)), unit="%", is_ratio=True, today=TODAY) == (
        Decimal(91),
        [],
    )


def test_a_kpi_that_is_not_a_ratio_refuses_a_numerator():
    _, problems = resolve_value(
        ValueDraft(on=TODAY, value=Decimal(1), numerator=Decimal(1), denominator=Decimal(2)),
        unit="%",
        is_ratio=False,
        today=TODAY,
    )
    assert fields_of(problems) == ["value"]


# ---------------------------------------------------------------------------------------------------------------
# Uploads.

KPIS = [
    KpiRef(id=7, name="SALT: seen within 18 weeks", text="92% CYP seen within 18 weeks", unit="%"),
    KpiRef(id=8, name="Permanent exclusions", text="No permanent exclusions", unit="number"),
    KpiRef(id=9, name="Personal budgets", text="30% increase in personal budgets", unit="number", may_record=False),
    KpiRef(id=10, name="Twin", text="A"),
    KpiRef(id=11, name="Twin", text="B"),
    KpiRef(id=12, name="Triage", text="Triaged", unit="%", is_ratio=True),
]


def table(*rows) -> list[tuple[int, list]]:
    return [(number, list(row)) for number, row in enumerate(rows, start=1)]


def test_good_rows_are_kept_with_kpis_named_by_id_or_name():
    parsed = parse_value_upload(
        table(
            ["KPI", "Date", "Value", "Note"],
            ["7", "31/03/2021", "85", "Triage started"],
            [8, date(2021, 3, 31), 0, None],
            ["salt: SEEN within 18 weeks", "Apr 21", "86%", ""],
            ["No permanent exclusions", "2021-05-31", "1", None],
        ),
        KPIS,
        today=TODAY,
    )
    assert parsed.problems == []
    assert parsed.rows_read == 4
    assert [(r.row, r.kpi_id, r.on, r.value, r.note, r.period_label) for r in parsed.rows] == [
        (2, 7, date(2021, 3, 31), Decimal(85), "Triage started", None),
        (3, 8, date(2021, 3, 31), Decimal(0), None, None),
        (4, 7, date(2021, 4, 30), Decimal(86), None, "Apr 21"),
        (5, 8, date(2021, 5, 31), Decimal(1), None, None),
    ]


def test_each_bad_row_is_reported_with_its_row_column_and_reason_and_good_rows_are_kept():
    parsed = parse_value_upload(
        table(
            ["KPI", "Date", "Value", "Note"],
            ["7", "31/03/2021", "85", ""],
            ["99", "31/03/2021", "1", ""],
            ["Nonsense measure", "31/03/2021", "1", ""],
            ["7", "31/02/2021", "1", ""],
            ["7", "30/04/2021", "lots", ""],
            [None, None, None, None],
            ["8", "31/03/2021", "2", ""],
            ["Twin", "31/03/2021", "2", ""],
            ["9", "31/03/2021", "2", ""],
            ["7", "31/12/2021", "2", ""],
            ["7", "31/03/2021", "86", ""],
            ["8", "", "", ""],
            [None, None, None, None],
        ),
        KPIS,
        today=TODAY,
    )
    assert [(r.row, r.kpi_id) for r in parsed.rows] == [(2, 7), (8, 8)]
    reported = [(p.row, p.column) for p in parsed.problems]
    assert reported == [
        (3, "KPI"),
        (4, "KPI"),
        (5, "Date"),
        (6, "Value"),
        (7, None),
        (9, "KPI"),
        (10, "KPI"),
        (11, "Date"),
        (12, "Date"),
        (13, "Date"),
        (13, "Value"),
    ]
    messages = {(p.row, p.column): p.message for p in parsed.problems}
    assert messages[(3, "KPI")] == "No KPI in this plan has the id 99"
    assert "No KPI in this plan is called 'Nonsense measure'" in messages[(4, "KPI")]
    assert "not a date" in messages[(5, "Date")]
    assert messages[(6, "Value")] == "Value 'lots' is not a number"
    assert messages[(7, None)] == "The row is empty"
    assert "More than one KPI" in messages[(9, "KPI")]
    assert "role you do not hold" in messages[(10, "KPI")]
    assert messages[(11, "Date")] == "Date must be today or in the past"
    assert messages[(12, "Date")] == "Row 2 already gives this KPI a value for 31 Mar 2021"
    assert messages[(13, "Value")] == "Enter the value"
    assert parsed.rows_read == 12  # the trailing empty row is not counted or reported


def test_upload_headers_are_found_whatever_their_case_and_order_and_below_a_title():
    parsed = parse_value_upload(
        table(
            ["KPI values for the board", None, None],
            [],
            ["Notes", "value", "Date", "kpi id"],
            ["fine", "3", "31/03/2021", "8"],
        ),
        KPIS,
        today=TODAY,
    )
    assert [(r.row, r.kpi_id, r.value, r.note) for r in parsed.rows] == [(4, 8, Decimal(3), "fine")]


def test_an_upload_with_numerator_and_denominator_columns_works_the_value_out():
    parsed = parse_value_upload(
        table(["KPI", "Date", "Value", "Numerator", "Denominator"], ["12", "31/03/2021", "", "45", "50"]),
        KPIS,
        today=TODAY,
    )
    assert parsed.problems == []
    assert (parsed.rows[0].value, parsed.rows[0].numerator, parsed.rows[0].denominator) == (
        Decimal(90),
        Decimal(45),
        Decimal(50),
    )


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ((["Name", "When", "How many"], ["7", "31/03/2021", "1"]), "first row must name the columns"),
        ((["KPI", "Value"], ["7", "1"]), "no Date column"),
        ((["KPI", "Date", "Value"],), "no values under it"),
        ((["KPI", "Date", "Value"], [None, None, None]), "no values under it"),
    ],
)
def test_a_table_without_the_columns_or_any_values_is_refused_in_one_line(rows, reason):
    with pytest.raises(UploadUnreadable) as refused:
        parse_value_upload(table(*rows), KPIS, today=TODAY)
    assert reason in refused.value.reason
    assert "\n" not in refused.value.reason


def csv_bytes(rows, encoding="utf-8", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, percent_cells=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell in percent_cells:
        sheet[cell].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_csv_files_are_read_with_their_row_numbers():
    content = csv_bytes([["KPI", "Date", "Value", "Note"], ["7", "31/03/2021", "85", "Café opened"]], "cp1252")
    assert read_table(content, "values.csv") == [
        (1, ["KPI", "Date", "Value", "Note"]),
        (2, ["7", "31/03/2021", "85", "Café opened"]),
    ]


def test_semicolon_separated_csv_with_a_byte_order_mark_is_read():
    content = "\ufeff".encode() + csv_bytes([["KPI", "Date", "Value"], ["7", "31/03/2021", "85,5"]], delimiter=";")
    assert read_table(content, "values.CSV")[1] == (2, ["7", "31/03/2021", "85,5"])


def test_xlsx_files_are_read_and_percentage_cells_are_taken_as_shown():
    content = xlsx_bytes([["KPI", "Date", "Value"], [7, datetime(2021, 3, 31), 0.85]], percent_cells=["C2"])
    rows = read_table(content, "values.xlsx")
    assert rows[1][0] == 2
    assert rows[1][1][:2] == [7, datetime(2021, 3, 31)]
    assert rows[1][1][2] == Decimal("85")


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"", "values.csv", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "values.xls", "old-style .xls"),
        (b"KPI,Date,Value", "values.pdf", "must be a CSV file"),
        (b"not a zip at all", "values.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04broken", "values.xlsx", "damaged"),
        (b"\x00\x01\x02binary", "values.csv", "not a text CSV file"),
    ],
)
def test_unreadable_files_get_a_one_line_reason(content, name, reason):
    with pytest.raises(UploadUnreadable) as refused:
        read_table(content, name)
    assert reason in refused.value.reason


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(UploadUnreadable, match="not an Excel workbook"):
        read_table(buffer.getvalue(), "values.xlsx")


def test_a_file_with_too_many_rows_is_refused():
    rows = [["KPI", "Date", "Value"], *(["7", "31/03/2021", str(n)] for n in range(MAX_UPLOAD_ROWS + 1))]
    with pytest.raises(UploadUnreadable, match="more than 5,000 rows"):
        read_table(csv_bytes(rows), "values.csv")


def test_a_long_run_of_empty_rows_ends_the_table():
    rows = [["KPI", "Date", "Value"], ["7", "31/03/2021", "1"], *([""] for _ in range(1500)), ["7", "30/04/2021", "2"]]
    table_rows = read_table(csv_bytes(rows), "values.csv")
    assert len(table_rows) < 1100
