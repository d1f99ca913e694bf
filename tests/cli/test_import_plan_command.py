"""`wsoa import-plan`: the contract other tools rely on (DESIGN.md section 3)."""

import json

import pytest
from sqlalchemy import func, select

from config import IMPORTS_DIR
from tests.importing.workbooks import REFUSED_FILES
from wsoa.extensions import db
from wsoa.models import Action

SAMPLE = IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx"
EXPECTED = json.loads((IMPORTS_DIR / "demo" / "shropshire-wsoa.expected.json").read_text(encoding="utf-8"))


def test_dry_run_json_prints_exactly_one_document_matching_the_sample(app, database):
    result = app.test_cli_runner().invoke(args=["import-plan", str(SAMPLE), "--dry-run", "--json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {
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
    assert document["plan"]["title"] == EXPECTED["plan"]["title"]
    assert [a["ref"] for a in document["actions"]] == [a["ref"] for a in EXPECTED["actions"]]
    first = document["actions"][0]
    assert set(first) == {
        "ref",
        "priority",
        "outcome",
        "section",
        "title",
        "due_text",
        "due_date",
        "ongoing",
        "lead",
        "partners",
        "resources",
        "success_criteria",
        "updates",
    }
    assert (first["due_date"], first["ongoing"], first["updates"][0]["period"]) == ("2020-12-31", False, "Nov 20")
    assert {p["severity"] for p in document["problems"]} == {"warning"}
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0, "a dry run writes nothing"


def test_import_writes_the_plan_and_reports_on_stdout(app, database):
    result = app.test_cli_runner().invoke(args=["import-plan", str(SAMPLE)])
    assert result.exit_code == 0, result.stderr
    assert "66 actions created" in result.stdout
    assert db.session.scalar(select(func.count()).select_from(Action)) == 66


def test_an_unreadable_file_exits_1_with_one_line_and_no_traceback(app, database, tmp_path):
    bad = tmp_path / "plan.xlsx"
    bad.write_text("this is not a workbook")
    result = app.test_cli_runner().invoke(args=["import-plan", str(bad), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "not an Excel workbook" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_exits_1(app, database, tmp_path):
    result = app.test_cli_runner().invoke(args=["import-plan", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 1
    assert "Cannot read" in result.stderr


def every_table_count() -> dict[str, int]:
    db.session.rollback()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


@pytest.mark.parametrize("options", [[], ["--dry-run", "--json"]], ids=["import", "dry-run-json"])
@pytest.mark.parametrize(
    ("build", "reason"), [pytest.param(build, reason, id=name) for name, build, reason in REFUSED_FILES]
)
def test_a_file_that_is_not_a_readable_workbook_exits_1_with_one_line_on_stderr(
    app, database, tmp_path, build, reason, options
):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(build())
    rows_before = every_table_count()

    result = app.test_cli_runner().invoke(args=["import-plan", str(path), *options])

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), "refused, not crashed"  # the runner catches any exception
    assert result.stdout == ""
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("Error: plan.xlsx: ")
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
    assert every_table_count() == rows_before
