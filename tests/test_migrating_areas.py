"""The migration to local areas: existing plans, key roles, audit events and users go into one area named as the
plans name it, each user keeps their level there (admins may also create areas), and the way back restores levels."""

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from wsoa.extensions import db

AREAS = "a7c3e9b1d5f4"
BEFORE = f"{AREAS}-1"  # relative, so it holds however the migrations are chained


def rows(sql: str) -> list[tuple]:
    db.session.remove()
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_existing_data_moves_into_one_area_and_levels_become_memberships(app, database):
    db.session.remove()
    downgrade(revision=BEFORE)
    try:
        with db.engine.begin() as connection:
            at = {"at": datetime(2021, 3, 31, 12)}
            connection.execute(
                text(
                    'INSERT INTO "plan" (kind, title, area, status, created_at) VALUES '
                    "('written_statement_of_action', 'Shropshire WSoA', ' Shropshire ', 'active', :at)"
                ),
                at,
            )
            connection.execute(text("INSERT INTO role (code, title, position) VALUES ('DCS', 'Director', 0)"))
            connection.execute(
                text(
                    "INSERT INTO app_user (email, name, level, active, created_at) VALUES "
                    "('a@example.org', 'Ann', 'admin', TRUE, :at), ('l@example.org', 'Lee', 'lead', TRUE, :at)"
                ),
                at,
            )
    finally:
        upgrade()

    [(area_id, name)] = rows("SELECT id, name FROM area")
    assert name == "Shropshire"
    assert rows('SELECT title, area_id FROM "plan"') == [("Shropshire WSoA", area_id)]
    assert rows("SELECT code, area_id FROM role") == [("DCS", area_id)]
    assert rows(
        "SELECT u.email, m.level, m.area_id, u.is_instance_admin FROM area_membership m "
        "JOIN app_user u ON u.id = m.user_id ORDER BY u.email"
    ) == [("a@example.org", "admin", area_id, True), ("l@example.org", "lead", area_id, False)]

    downgrade(revision=BEFORE)
    try:
        assert rows("SELECT email, level FROM app_user ORDER BY email") == [
            ("a@example.org", "admin"),
            ("l@example.org", "lead"),
        ]
        assert rows("SELECT code FROM role") == [("DCS",)]
    finally:
        upgrade()
