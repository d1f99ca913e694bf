"""Flask extensions, created unbound and initialised in create_app."""

import sqlite3

import click
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

# Named constraints so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _enforce_foreign_keys_on_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite checks foreign keys only when each connection asks it to, as PostgreSQL always does: ask on every one.

    Run as the connection opens, before any transaction (the pragma does nothing inside one). Migrations turn it off
    for their own connection while they recreate tables, and back on after (migrations/env.py).
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()


# -- migrations, loaded when used ------------------------------------------------------------------------------------
# Flask-Migrate imports Alembic as it loads, a few tenths of a second at every start of every command and worker that
# never migrates anything (`wsoa import-plan` included). The app gets Flask-Migrate's `db` commands and its
# configuration as stand-ins that load it on first use: `wsoa db upgrade`, flask_migrate.upgrade() and
# migrations/env.py behave exactly as with Migrate().init_app().


def init_migrations(app, database, **options) -> None:
    """What Migrate(app, database, **options) does, with Flask-Migrate loaded only when a migration command runs."""
    app.extensions["migrate"] = _LazyMigrateConfig(database, options)
    app.cli.add_command(_LazyMigrationCommands("db", help="Perform database migrations (Flask-Migrate)."))


class _LazyMigrateConfig:
    def __init__(self, database, options: dict):
        self._database = database
        self._options = options
        self._config = None

    def __getattr__(self, name: str):
        if self._config is None:
            from flask_migrate import Migrate, _MigrateConfig

            migrate = Migrate(db=self._database, **self._options)
            self._config = _MigrateConfig(migrate, self._database, **migrate.alembic_ctx_kwargs)
        return getattr(self._config, name)


class _LazyMigrationCommands(click.Group):
    """`wsoa db …`: Flask-Migrate's command group, loaded when one of its commands is asked for."""

    @staticmethod
    def _group() -> click.Group:
        from flask_migrate.cli import db as group

        return group

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        # The real group parses its own options (--directory, -x) and runs its own callback with its commands.
        return self._group().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._group().get_command(ctx, name)


@event.listens_for(Engine, "connect")
def _no_jit_on_postgresql(dbapi_connection, connection_record) -> None:
    """PostgreSQL compiles a query to machine code once its estimated cost passes jit_above_cost: 45 ms of compiling
    for the plan overview's 20 ms grouped query at 10,000 actions. The app's queries are short: never compile.

    Set for the session outside any transaction, so the pool's rollback on check-in does not undo it.
    """
    if type(dbapi_connection).__module__.startswith("psycopg"):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            dbapi_connection.execute("SET jit = off")
        finally:
            dbapi_connection.autocommit = autocommit
