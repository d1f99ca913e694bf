"""The migration to plans over time: existing plans keep their kind, closed ones become superseded, archived ones
read as archived, and the way back restores what the earlier schema held."""

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from wsoa.extensions import db
from wsoa.models import Plan

PLANS_OVER_TIME = "f3a9c1e7b482"
BEFORE = f"{PLANS_OVER_TIME}-1"  # relative, so it holds however the migrations are chained


def plans() -> list[tuple]:
    db.session.remove()
    with db.engine.connect() as connection:
        return connection.execute(text('SELECT title, kind, status FROM "plan" ORDER BY title')).all()


def test_existing_plans_keep_their_kind_closed_ones_become_superseded_and_archived_ones_read_as_archived(app, database):
    db.session.remove()
    downgrade(revision=BEFORE)
    try:
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    'INSERT INTO "plan" (kind, title, status, created_at, archived_at) VALUES '
                    "('written_statement_of_action', 'A closed WSoA', 'closed', :at, NULL), "
                    "('written_statement_of_action', 'An archived WSoA', 'active', :at, :at), "
                    "('accelerated_progress_plan', 'A live APP', 'active', :at, NULL)"
                ),
                {"at": datetime(2021, 3, 31, 12)},
            )
    finally:
        upgrade()

    assert [
        tuple(row)
        for row in db.session.execute(
            select(Plan.title, Plan.kind, Plan.status, Plan.current_status).order_by(Plan.title)
        )
    ] == [
        ("A closed WSoA", "written_statement_of_action", "superseded", "superseded"),
        ("A live APP", "accelerated_progress_plan", "active", "active"),
        ("An archived WSoA", "written_statement_of_action", "active", "archived"),
    ]
    assert db.session.scalars(select(Plan.title).where(Plan.current_status == "archived")).all() == ["An archived WSoA"]

    db.session.execute(text("UPDATE \"plan\" SET kind = 'other' WHERE title = 'A live APP'"))
    db.session.commit()
    db.session.remove()
    downgrade(revision=BEFORE)
    try:
        assert plans() == [
            ("A closed WSoA", "written_statement_of_action", "closed"),
            ("A live APP", "written_statement_of_action", "active"),
            ("An archived WSoA", "written_statement_of_action", "active"),
        ]
    finally:
        upgrade()
