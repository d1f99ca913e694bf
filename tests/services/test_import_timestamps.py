"""Rows an import inserts carry the moment of the import, in UTC, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime

from sqlalchemy import select

from config import IMPORTS_DIR
from wsoa.extensions import db
from wsoa.importing.workbook import read_workbook
from wsoa.models import Action, ImportBatch, ProgressUpdate
from wsoa.services.imports import file_hash, import_parsed_plan

SAMPLE = (IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx").read_bytes()


def test_imported_actions_and_updates_are_stamped_with_the_moment_of_the_import(database):
    before = datetime.now(UTC)
    import_parsed_plan(read_workbook(SAMPLE), file_name="shropshire.xlsx", content_hash=file_hash(SAMPLE))
    db.session.commit()
    after = datetime.now(UTC)
    db.session.expire_all()
    batch = db.session.scalars(select(ImportBatch)).one()
    stamps = {
        *db.session.scalars(select(Action.created_at)),
        *db.session.scalars(select(Action.updated_at)),
        *db.session.scalars(select(ProgressUpdate.created_at)),
    }
    assert len(stamps) == 1, "every row of one import has the same moment"
    [stamp] = stamps
    assert stamp.tzinfo is not None
    assert before <= batch.created_at <= stamp <= after
