"""`wsoa report --period LABEL --format html|pdf|xlsx|docx --output PATH [--plan ID]` (DESIGN.md section 3)."""

from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.reports.plan_builder import build_report_plan


@pytest.fixture
def built(database):
    return build_report_plan()


def run(app, *args):
    return app.test_cli_runner().invoke(args=["report", *args])


@pytest.mark.parametrize("fmt", ["html", pytest.param("pdf", marks=pytest.mark.slow), "xlsx", "docx"])
def test_writes_the_report_for_the_named_period_in_each_format(app, built, tmp_path, fmt):
    output = tmp_path / f"board.{fmt}"
    result = run(app, "--period", "Q2 2021/22", "--format", fmt, "--output", str(output))
    assert result.exit_code == 0, result.stderr
    assert "Wrote the Q2 2021/22 board report" in result.stdout
    data = output.read_bytes()
    if fmt == "html":
        text = data.decode("utf-8")
        assert text.startswith("<!DOCTYPE html>")
        assert "Board progress report: Q2 2021/22" in text
        assert "wsoa report (command line)" in text
    elif fmt == "pdf":
        assert data.startswith(b"%PDF")
    elif fmt == "xlsx":
        assert load_workbook(BytesIO(data))["Cover"]["B6"].value == "Q2 2021/22 (1 Jul 2021 to 30 Sep 2021)"
    else:
        assert "Board progress report: Q2 2021/22" in [p.text for p in Document(BytesIO(data)).paragraphs]


def test_plan_comparison_priorities_and_appendix_can_be_chosen(app, built, tmp_path):
    other = build_report_plan(title="Another plan")
    output = tmp_path / "board.html"
    result = run(
        app,
        *("--period", "q2  2021/22", "--plan", str(other.plan.id), "--format", "html", "--output", str(output)),
        *("--compare-with", "Q1 2021/22", "--priority", "2", "--no-appendix"),
    )
    assert result.exit_code == 0, result.stderr
    text = output.read_text(encoding="utf-8")
    assert "Another plan" in text
    assert 'id="report-priority-2"' in text
    assert 'id="report-priority-1"' not in text
    assert 'id="report-appendix"' not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "Q4 2030/31"), "No plan has a review period called 'Q4 2030/31'"),
        (("--period", "Q2 2021/22", "--plan", "999999"), "There is no plan 999999"),
        (("--period", "Q2 2021/22", "--compare-with", "Nov 20"), "has no review period called 'Nov 20'"),
    ],
    ids=["unknown-period", "unknown-plan", "unknown-comparison"],
)
def test_unknown_period_or_plan_exits_1_with_one_line_and_no_traceback(app, built, tmp_path, args, message):
    output = tmp_path / "board.pdf"
    result = run(app, *args, "--format", "pdf", "--output", str(output))
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists()


def test_a_period_label_shared_by_two_plans_needs_the_plan(app, built, tmp_path):
    build_report_plan(title="Another plan")
    result = run(app, "--period", "Q2 2021/22", "--format", "html", "--output", str(tmp_path / "r.html"))
    assert result.exit_code == 1
    assert "choose one with --plan" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_an_unwritable_output_exits_1_with_one_line(app, built, tmp_path):
    output = tmp_path / "missing-folder" / "board.html"
    result = run(app, "--period", "Q2 2021/22", "--format", "html", "--output", str(output))
    assert result.exit_code == 1
    assert "Cannot write" in result.stderr
    assert "Traceback" not in result.stderr
