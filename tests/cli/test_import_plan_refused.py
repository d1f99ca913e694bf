"""`wsoa import-plan` with text the database cannot store: one line on stderr, exit 1, nothing written."""

from sqlalchemy import func, select

from tests.importing.workbooks import flat_plan, save
from wsoa.extensions import db
from wsoa.models import Action, ImportBatch, Plan


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_long_ref_is_imported_whole(app, database, tmp_path):
    ref = "1" + ".2" * 200
    path = tmp_path / "plan.xlsx"
    path.write_bytes(save(flat_plan([[1, ref, "Review the strategy", "Dec 20", "DCS", None, None, None]])))

    result = app.test_cli_runner().invoke(args=["import-plan", str(path)])

    assert result.exit_code == 0, result.stderr
    assert db.session.scalar(select(Action.ref)) == ref


def test_a_ref_too_long_to_store_exits_1_with_one_line_and_writes_nothing(app, database, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(save(flat_plan([[1, "1" + ".2" * 300, "Review the strategy", "Dec 20", None, None, None, None]])))

    result = app.test_cli_runner().invoke(args=["import-plan", str(path)])

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: plan.xlsx was not imported: Action plan row 4: the action ref is 601 characters long, and can be at "
        "most 500; correct the workbook and import it again. Nothing was imported"
    )
    assert (count(Plan), count(Action), count(ImportBatch)) == (0, 0, 0)


def test_a_dry_run_reports_the_same_refusal(app, database, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(save(flat_plan([[1, "1.1.1", "Review the strategy", "_x0000_", None, None, None, None]])))

    result = app.test_cli_runner().invoke(args=["import-plan", str(path), "--dry-run"])

    assert result.exit_code == 1
    assert "cannot be stored (U+0000)" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert count(Plan) == 0
