"""`wsoa import-plan` with a column mapping (--mapping FILE, the plan's saved mapping) and its refusal of empty imports."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.importing.corpus.build_corpus import NONSENSE, unknown_headings
from tests.importing.workbooks import save
from wsoa.extensions import db
from wsoa.importing.mapping import Mapping
from wsoa.models import Action, ImportBatch, Plan, ProgressUpdate

CORPUS = Path(__file__).parents[1] / "importing" / "corpus"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["import-plan", *map(str, args)])


def test_a_workbook_with_no_readable_table_exits_1_with_one_line_per_sheet_and_writes_nothing(app, database):
    result = invoke(app, CORPUS / "no-readable-table.xlsx")

    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "no-readable-table.xlsx was not imported: no sheet holds actions that could be read."
    sheet_lines = [line.strip() for line in lines[1:4]]
    assert sheet_lines[0].startswith("Cover: cover: ")
    assert sheet_lines[1].startswith("Our journey: notes: ")
    assert sheet_lines[2].startswith("Budget: skipped: no action table found")
    assert ".toml" not in result.stderr
    assert (count(Plan), count(Action), count(ImportBatch)) == (0, 0, 0)


def test_a_dry_run_of_a_workbook_with_no_readable_table_also_exits_1(app, database):
    result = invoke(app, CORPUS / "no-readable-table.xlsx", "--dry-run", "--json")

    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert [sheet["read_as"] for sheet in document["sheets"]] == ["cover", "notes", "skipped"]
    assert document["actions"] == []


def test_dry_run_json_prints_the_mapping_it_used_in_the_form_mapping_takes(app, database, tmp_path):
    workbook, _ = unknown_headings()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(save(workbook))

    result = invoke(app, path, "--dry-run", "--json")

    assert result.exit_code == 0, result.stderr
    mapping = json.loads(result.stdout)["mapping"]
    assert {"sheet": "Priority 1", "heading": "Quibble", "field": "title"} in mapping["columns"]
    assert Mapping.from_document(mapping).as_document() == mapping  # it reads back as it was printed


def test_a_mapping_file_changes_what_a_column_is_read_as(app, database, tmp_path):
    workbook, _ = unknown_headings()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(save(workbook))
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[[columns]]\nheading = "Blither"\nfield = "ignore"\n\n'
        '[[columns]]\nsheet = "Priority 2"\ncolumn = "C"\nfield = "partners"\n',
        encoding="utf-8",
    )

    result = invoke(app, path, "--mapping", mapping, "--dry-run", "--json")

    assert result.exit_code == 0, result.stderr
    actions = json.loads(result.stdout)["actions"]
    assert all(update["progress"] is None for action in actions for update in action["updates"])
    priority_2 = [action for action in actions if action["priority"] == 2]
    assert [(a["lead"], a["partners"]) for a in priority_2] == [(None, "DCO"), (None, "DCO")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[[columns]]\nheading = "Zorb"\nfield = "owner"\n', "mapping.toml, entry 1: field 'owner' is not one of"),
        ('[[columns]]\nfield = "title"\n', "mapping.toml, entry 1 must give either a heading or a column letter"),
        ('[[columns]]\ncolumn = "B2"\nfield = "title"\n', "mapping.toml, entry 1: column 'B2' is not a column letter"),
        ("columns = [", "mapping.toml is not valid TOML"),
    ],
)
def test_a_mapping_file_that_cannot_be_used_is_refused_in_one_line(app, database, tmp_path, text, reason):
    workbook, _ = unknown_headings()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(save(workbook))
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text, encoding="utf-8")

    result = invoke(app, path, "--mapping", mapping)

    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert reason in result.stderr
    assert count(Plan) == 0


def test_an_import_keeps_its_mapping_and_the_next_import_of_the_plan_uses_it(app, database, tmp_path):
    workbook, _ = unknown_headings()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(save(workbook))
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[[columns]]\nheading = "Blither"\nfield = "ignore"\n', encoding="utf-8")

    first = invoke(app, path, "--mapping", mapping)
    assert first.exit_code == 0, first.stderr
    plan = db.session.scalar(select(Plan))
    assert {"heading": "Blither", "sheet": "Priority 1", "field": "ignore"} in plan.import_mapping["columns"]

    # The next version: a new action on Priority 1, with progress in the ignored column.
    workbook, _ = unknown_headings()
    workbook["Priority 1"].append(["1.2.2", "Hold a launch event for the strategy with families", "HoSEND", "Jun 20",
                                   "Green", "In June 2020 the launch was held"])  # fmt: skip
    path.write_bytes(save(workbook))
    second = invoke(app, path, "--plan", plan.id)

    assert second.exit_code == 0, second.stderr
    assert "1 actions created" in second.stdout
    new = db.session.scalar(select(Action).where(Action.ref == "1.2.2"))
    assert new.title == "Hold a launch event for the strategy with families"
    narratives = db.session.scalars(select(ProgressUpdate.narrative).where(ProgressUpdate.action_id == new.id)).all()
    assert narratives == [None]  # the rating was read; the saved mapping still ignores Blither


def test_headings_replaced_by_nonsense_import_into_the_same_actions(app, database, tmp_path):
    real, _ = unknown_headings(["Ref", "Action", "Lead", "Completion date", "RAG", "Progress"], name="real")
    nonsense, _ = unknown_headings(NONSENSE)
    documents = []
    for workbook in (real, nonsense):
        path = tmp_path / "plan.xlsx"
        path.write_bytes(save(workbook))
        result = invoke(app, path, "--dry-run", "--json")
        assert result.exit_code == 0, result.stderr
        documents.append(json.loads(result.stdout)["actions"])

    assert documents[0] == documents[1]


def test_the_cli_and_the_app_start_without_report_or_migration_libraries():
    """PDF, chart and Word libraries load when a report is made, and Alembic when a migration runs, not when
    `wsoa import-plan` or a worker starts."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from wsoa import create_app\n"
        "from wsoa.cli import cli\n"
        "from wsoa.importing.workbook import read_workbook\n"
        "from wsoa.services import imports\n"
        "create_app()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'weasyprint', 'matplotlib', 'docx', 'pydyf', 'alembic', 'flask_migrate'}))\n"
    )
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    assert finished.stdout.strip() == "[]"
