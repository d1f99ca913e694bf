"""The migrations build exactly the schema the models describe, on whichever database the suite runs."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from wsoa.extensions import db


def differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_from_empty_to_head_match_the_models(app):
    # The session fixture already ran every migration from an empty database.
    assert differences() == []


def test_migrations_go_down_to_empty_and_back_up(app, database):
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert set(db.inspect(connection).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert differences() == []
