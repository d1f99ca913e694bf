"""Flask extensions, created unbound and initialised in create_app."""

import sqlite3

from flask_login import LoginManager
from flask_migrate import Migrate
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
migrate = Migrate()
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
