"""Random and hostile input: the reader never lets an exception escape; every failure is a reported problem."""

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.importing.workbooks import save
from wsoa.importing.problems import WorkbookUnreadable
from wsoa.importing.workbook import read_workbook

HEADINGS = [
    "Ref",
    "Action",
    "Deadline",
    "Owner",
    "Delivery partners",
    "RAG",
    "Progress Mar 21",
    "Priority",
    "Outcome",
    "Key roles",
    "Code",
    "Outcomes:",
    "Impact measures:",
    "Priority 1",
    None,
]
cell_values = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.sampled_from(
        [
            "1.1",
            "1.1.1",
            "2.4.1",
            "Dec 20",
            "Jan 21 to Dec 20",
            "Amber - late",
            "=1+1",
            "Complete",
            "Priority 2: Title",
            "Key: Red = bad",
            "1.1 Section",
            "Outcomes:",
            "Impact measures:",
            "Code",
        ]
    ),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
)


def _cell(value):
    # openpyxl refuses control characters in cells; a council's file cannot contain them either.
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\n\t") or None
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.one_of(cell_values, st.sampled_from(HEADINGS)), max_size=10), max_size=25),
    st.sampled_from(["Priority 1", "Action plan", "Key roles", "Contents"]),
)
def test_random_workbooks_parse_or_report_never_crash(rows, sheet_name):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    for row in rows:
        sheet.append([_cell(v) for v in row])
    parsed = read_workbook(save(workbook))
    for problem in parsed.problems:
        assert problem.severity in ("error", "warning")
        assert problem.sheet == sheet_name
    assert parsed.to_contract_dict()["actions"] is not None


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_are_refused_with_a_reason(content):
    with pytest.raises(WorkbookUnreadable) as refused:
        read_workbook(content)
    assert str(refused.value)
    assert "\n" not in str(refused.value)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=2000))
def test_truncated_workbooks_are_refused_not_crashed(cut):
    content = save(Workbook())
    try:
        read_workbook(content[: max(1, len(content) - cut)])
    except WorkbookUnreadable:
        pass
