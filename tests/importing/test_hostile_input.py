"""Files that are not workbooks, damaged, hostile or random: refused with one line, or read; never a crash."""

from datetime import datetime
from io import BytesIO, StringIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.importing.workbooks import (
    CSV_TEXT,
    a_zip,
    damaged_zip,
    flat_plan,
    password_protected_workbook,
    save,
    xls_workbook,
    zip_bomb,
)
from wsoa.importing import safety as safety_module
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


def refusal(source, **options) -> str:
    with pytest.raises(WorkbookUnreadable) as refused:
        read_workbook(source, **options)
    reason = str(refused.value)
    assert reason
    assert "\n" not in reason
    assert reason == refused.value.reason
    return reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (CSV_TEXT, "looks like text or CSV"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "it is a PDF"),
        (b"<html><table><tr><td>1.1.1</td></tr></table></html>", "web page"),
        (xls_workbook(), "old-style .xls"),
        (password_protected_workbook(), "password protected"),
        (damaged_zip(), "damaged"),
        (b"", "empty"),
        (a_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}), "not an Excel workbook"),
        (a_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}), ".ods"),
        (a_zip({"xl/workbook.bin": b"\x00", "[Content_Types].xml": b"<Types/>"}), ".xlsb"),
        (a_zip({"xl/workbook.xml": b"<workbook/>"}), "could not be opened as an Excel workbook"),
    ],
)
def test_files_that_are_not_readable_workbooks_are_refused_with_a_reason(content, reason):
    assert reason in refusal(content)


def test_a_truncated_real_workbook_is_refused():
    content = save(flat_plan([[1, "1.1.1", "Review", "Dec 20", "DCS", None, None, None]]))

    assert "damaged" in refusal(content[: len(content) // 2])


def test_oversized_files_are_refused_before_they_are_read(tmp_path):
    content = save(flat_plan([[1, "1.1.1", "Review", "Dec 20", "DCS", None, None, None]]))
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)

    assert "larger than the 1 KB limit" in refusal(content, max_bytes=1024)
    assert "larger than the 20 MB limit" in refusal(content + b"\x00" * (20 * 1024 * 1024))
    assert "larger than" in refusal(path, max_bytes=1024)
    assert "larger than" in refusal(BytesIO(content), max_bytes=1024)


def test_a_zip_bomb_is_refused_by_its_declared_sizes():
    highly_compressed = zip_bomb()

    assert len(highly_compressed) < 64 * 1024
    assert "zip bomb" in refusal(highly_compressed)


def test_a_workbook_expanding_past_the_total_limit_is_refused(monkeypatch):
    content = save(flat_plan([[1, "1.1.1", "Review", "Dec 20", "DCS", None, None, None]]))
    monkeypatch.setattr(safety_module, "MAX_UNCOMPRESSED_BYTES", 1000)

    assert "zip bomb" in refusal(content)


def test_a_missing_path_or_a_text_stream_is_refused_not_raised(tmp_path):
    assert "could not be opened" in refusal(tmp_path / "missing.xlsx")
    assert "binary" in refusal(StringIO("ref,action"))


def test_paths_bytes_and_binary_streams_read_the_same(tmp_path):
    content = save(flat_plan([[1, "1.1.1", "Review", "Dec 20", "DCS", None, None, None]]))
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)

    documents = [read_workbook(source).to_contract_dict() for source in (content, path, str(path), BytesIO(content))]
    assert all(document == documents[0] for document in documents)
