"""Migrating a database that holds a plan keeps every row, with SQLite's foreign keys enforced as the app has them.

SQLite's batch migrations recreate tables: with enforcement on, dropping the old `action` table would delete the
rows that cascade from it (its leads) or fail on the rows that refer to it (progress). migrations/env.py turns
enforcement off for the migration's connection and back on after.
"""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from tests.factories import create_action, create_outcome, create_plan, create_priority, create_role
from wsoa.extensions import db
from wsoa.models import ActionLead, ImportBatch, Kpi, KpiValue, ProgressUpdate, ReviewPeriod, Role, RoleHolder

BEFORE_LONG_TEXT = "88b10cb91263"  # the revision before refs, titles and labels became Text
BEFORE_CODELESS_ROLES = "89ecb65265ff"  # the revision before a glossary row could have no code


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


def test_downgrading_and_upgrading_a_database_with_a_plan_keeps_every_row(app, database):
    plan = create_plan(title="Testshire WSoA")
    priority = create_priority(plan=plan, number=1, lead_role="DCS")
    outcome = create_outcome(priority=priority, ref="1.1")
    role = create_role(code="DCS", title="Director of Children's Services", person="A Person")
    db.session.add(RoleHolder(role_id=role.id, person="A Person"))
    action = create_action(priority=priority, ref="1.1.1", outcome=outcome, lead="DCS")
    period = ReviewPeriod(plan_id=plan.id, label="Mar 21", is_current=True)
    batch = ImportBatch(plan_id=plan.id, file_name="plan.xlsx", file_hash="0" * 64)
    kpi = Kpi(priority_id=priority.id, outcome_id=outcome.id, name="Waits", text="Fewer wait", direction="lower")
    db.session.add_all([period, batch, kpi])
    db.session.flush()
    db.session.add(
        ProgressUpdate(
            action_id=action.id, review_period_id=period.id, rag="amber", source="import", import_batch_id=batch.id
        )
    )
    db.session.add(KpiValue(kpi_id=kpi.id, on=period.end_date or plan.created_at.date(), value=12, period_label="Q4"))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ActionLead)) == 1
    before = row_counts()
    lead = (action.id, role.id)
    db.session.remove()

    downgrade(revision=BEFORE_LONG_TEXT)
    upgrade()

    assert row_counts() == before
    assert db.session.get(ActionLead, lead) is not None
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []


def test_a_downgrade_that_cannot_hold_a_codeless_glossary_row_stops_and_keeps_it(app, database, capfd):
    create_role(code=None, title="Designated Clinical Officer", person="A Person")
    create_role(code="DCS", title="Director of Children's Services")
    db.session.commit()
    db.session.remove()

    try:
        with pytest.raises(SystemExit):  # how Flask-Migrate ends a failed command, after logging why on stderr
            downgrade(revision=BEFORE_CODELESS_ROLES)
    finally:
        db.session.remove()
        upgrade()

    assert "Cannot downgrade: 1 key-role glossary row(s) have no code" in capfd.readouterr().err

    assert db.session.execute(select(Role.code, Role.title).order_by(Role.id)).all() == [
        (None, "Designated Clinical Officer"),
        ("DCS", "Director of Children's Services"),
    ]
