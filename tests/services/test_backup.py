"""`wsoa backup` and `wsoa restore` round-trip a plan with its whole history."""

import json

import pytest
from sqlalchemy import select

from config import IMPORTS_DIR
from tests.factories import create_update, create_user
from wsoa.extensions import db
from wsoa.importing.workbook import read_workbook
from wsoa.models import Action, ProgressUpdate
from wsoa.services.backup import RestoreRefused, backup, restore
from wsoa.services.imports import file_hash, import_parsed_plan

SAMPLE = (IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx").read_bytes()


def everything() -> dict:
    return json.loads(backup())["tables"]


def empty_all_tables() -> None:
    """A new, empty database (done on a raw connection: the app itself refuses to delete history)."""
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def plan_with_history(database):
    result = import_parsed_plan(read_workbook(SAMPLE), file_name="plan.xlsx", content_hash=file_hash(SAMPLE))
    author = create_user(level="lead", name="A Lead")
    first = db.session.scalar(select(Action).order_by(Action.id))
    create_update(action=first, rag="amber", narrative="Slipping – recruitment", author_id=author.id)
    create_update(action=first, rag="green", narrative="Back on track", author_id=author.id)
    db.session.commit()
    return result.plan


def test_backup_then_restore_into_an_empty_database_gives_back_every_row(app, plan_with_history):
    before = everything()
    assert len(before["progress_update"]) == 37  # 35 imported with the plan, 2 recorded since
    document = backup()
    empty_all_tables()
    counts = restore(document)
    db.session.commit()
    assert counts["action"] == 66
    assert everything() == before


def test_after_a_restore_new_rows_get_fresh_ids(app, plan_with_history):
    document = backup()
    highest = db.session.scalar(select(ProgressUpdate.id).order_by(ProgressUpdate.id.desc()).limit(1))
    empty_all_tables()
    restore(document)
    db.session.commit()
    action = db.session.scalar(select(Action).order_by(Action.id))
    update = create_update(action=action, rag="blue", narrative="Done", evidence="https://example.org/report")
    db.session.commit()
    assert update.id > highest


def test_restore_refuses_a_database_that_already_holds_data(app, plan_with_history):
    with pytest.raises(RestoreRefused, match="not empty"):
        restore(backup())


def test_restore_refuses_a_file_that_is_not_a_backup(app, database):
    with pytest.raises(RestoreRefused, match="not a tracker backup"):
        restore("{}")
    with pytest.raises(RestoreRefused, match="not a tracker backup"):
        restore("not json at all")


def test_backup_and_restore_commands(app, plan_with_history, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "backup.json"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    before = everything()
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code == 1
    assert "Not restored: the database is not empty" in refused.stderr
    empty_all_tables()
    restored = runner.invoke(args=["restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert everything() == before


def test_a_backup_carries_no_signed_in_session(app, plan_with_history, client, login_as):
    login_as("viewer")
    assert client.get("/").status_code == 200
    assert "user_session" not in everything()
    document = backup()
    empty_all_tables()
    restore(document)
    db.session.commit()
    # The person is restored, but the cookie from before the restore no longer signs them in.
    assert client.get("/").status_code == 302
