"""The database itself refuses rows that break the models' rules, on SQLite as on PostgreSQL.

SQLite checks foreign keys only on connections that ask it to (wsoa/extensions.py asks on every one), so these run
on whichever database the suite runs against and prove both behave the same.
"""

from datetime import date

import pytest
from sqlalchemy import CheckConstraint, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from tests.factories import create_action, create_period, create_plan, create_priority, create_user
from wsoa.extensions import db
from wsoa.models import (
    Action,
    AreaMembership,
    EvidenceFile,
    Kpi,
    Notice,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    PublicText,
    ReviewMeeting,
    SufficiencyStatement,
    UpdateReview,
    User,
)
from wsoa.models.types import utcnow

# Every CHECK constraint the models declare, with a row that breaks it. A new check needs a case here.
CHECK_CASES = {
    "ck_plan_kind_allowed": (Plan, {"kind": "made_up_kind"}),
    "ck_plan_status_allowed": (Plan, {"status": "archived"}),
    "ck_kpi_direction_allowed": (Kpi, {"direction": "sideways"}),
    "ck_kpi_frequency_allowed": (Kpi, {"frequency": "hourly"}),
    "ck_progress_update_rag_allowed": (ProgressUpdate, {"rag": "purple"}),
    "ck_progress_update_confidence_allowed": (ProgressUpdate, {"confidence": "purple"}),
    "ck_progress_update_source_allowed": (ProgressUpdate, {"source": "email"}),
    "ck_area_membership_level_allowed": (AreaMembership, {"level": "superuser"}),
    "ck_notice_status_allowed": (Notice, {"status": "lost"}),
    "ck_evidence_file_stored_in_allowed": (EvidenceFile, {"stored_in": "cloud"}),
    "ck_update_review_decision_allowed": (UpdateReview, {"decision": "maybe"}),
    "ck_review_meeting_kind_allowed": (ReviewMeeting, {"kind": "ofsted"}),
    "ck_sufficiency_statement_verdict_allowed": (SufficiencyStatement, {"verdict": "maybe"}),
    "ck_public_text_kind_allowed": (PublicText, {"kind": "rumour"}),
}


def declared_checks() -> set[str]:
    return {
        constraint.name
        for table in db.metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }


@pytest.fixture
def plan_with_action(database):
    plan = create_plan()
    priority = create_priority(plan=plan, number=1)
    action = create_action(priority=priority, ref="1.1.1")
    db.session.commit()
    return plan, priority, action


def good_row(model, plan, priority, action) -> dict:
    """A row of `model` that the database accepts, to break one column of."""
    if model is Plan:
        return {
            "title": "Another plan",
            "kind": "written_statement_of_action",
            "status": "active",
            "area_id": plan.area_id,
        }
    if model is Kpi:
        return {"priority_id": priority.id, "text": "Fewer children wait", "direction": "higher", "position": 0}
    if model is ProgressUpdate:
        return {"action_id": action.id, "rag": "green", "confidence": "amber", "source": "app"}
    if model is AreaMembership:
        someone = db.session.execute(
            insert(User.__table__).values(email="someone@example.test", name="Someone").returning(User.__table__.c.id)
        ).scalar_one()
        return {"user_id": someone, "area_id": plan.area_id, "level": "viewer"}
    if model is Notice:
        recipient = create_user(level="lead", email="recipient@example.test")
        period = create_period(plan=plan, label="Notice period")
        return {
            "recipient_id": recipient.id,
            "plan_id": plan.id,
            "review_period_id": period.id,
            "occasion": "on-the-day",
            "kind": "reminder",
            "email": recipient.email,
            "subject": "Please update",
            "body_text": "Text",
            "body_html": "<p>HTML</p>",
            "contents": {},
            "status": "pending",
            "attempts": 0,
            "created_at": utcnow(),
        }
    if model in (EvidenceFile, UpdateReview):
        update = db.session.execute(
            insert(ProgressUpdate.__table__)
            .values(action_id=action.id, source="app", created_at=utcnow())
            .returning(ProgressUpdate.__table__.c.id)
        ).scalar_one()
        if model is UpdateReview:
            return {"update_id": update, "decision": "signed_off", "created_at": utcnow()}
        return {
            "update_id": update,
            "action_id": action.id,
            "file_name": "minutes.pdf",
            "content_type": "application/pdf",
            "size": 5,
            "sha256": "0" * 64,
            "stored_in": "database",
            "content": b"%PDF-",
            "created_at": utcnow(),
        }
    if model in (ReviewMeeting, SufficiencyStatement):
        meeting = {"plan_id": plan.id, "kind": "board", "held_on": date(2022, 1, 5), "attendee_roles": []}
        if model is ReviewMeeting:
            return meeting
        meeting_id = db.session.execute(
            insert(ReviewMeeting.__table__).values(**meeting).returning(ReviewMeeting.__table__.c.id)
        ).scalar_one()
        return {
            "meeting_id": meeting_id,
            "priority_id": priority.id,
            "verdict": "partly",
            "reasons": "Some progress",
            "agreed_by": "DCS",
        }
    if model is PublicText:
        return {"plan_id": plan.id, "priority_id": priority.id, "kind": "summary", "created_at": utcnow()}
    raise AssertionError(f"no good row for {model.__name__}")


def refused(statement) -> IntegrityError:
    """Run the statement in a savepoint and return the database's refusal (the test's other rows stay)."""
    with pytest.raises(IntegrityError) as error:
        with db.session.begin_nested():
            db.session.execute(statement)
    return error.value


def test_every_declared_check_has_a_case():
    assert declared_checks() == set(CHECK_CASES)


@pytest.mark.parametrize("name", sorted(CHECK_CASES))
def test_the_database_refuses_a_row_breaking_a_check(plan_with_action, name):
    model, bad = CHECK_CASES[name]
    row = good_row(model, *plan_with_action)
    # The good row is accepted, so the refusal below is the check's doing and nothing else's.
    with db.session.begin_nested() as accepted:
        db.session.execute(insert(model.__table__).values(**row))
        accepted.rollback()

    refused(insert(model.__table__).values(**(row | bad)))


def test_a_progress_update_rated_purple_is_refused(plan_with_action):
    _, _, action = plan_with_action
    refused(insert(ProgressUpdate.__table__).values(action_id=action.id, rag="purple", source="app"))


def test_a_plan_of_an_unknown_kind_is_refused(database):
    refused(insert(Plan.__table__).values(title="A plan", kind="made_up_kind", status="active"))


def test_an_outcome_of_a_priority_that_does_not_exist_is_refused(database):
    refused(insert(Outcome.__table__).values(priority_id=987654, ref="1.1", text="Better", position=0))


def test_an_action_of_a_plan_that_does_not_exist_is_refused(plan_with_action):
    _, priority, _ = plan_with_action
    refused(insert(Action.__table__).values(plan_id=987654, priority_id=priority.id, ref="1.1.2", title="Do it"))


def test_a_progress_update_of_an_action_that_does_not_exist_is_refused(database):
    refused(insert(ProgressUpdate.__table__).values(action_id=987654, rag="green", source="app"))


def test_a_priority_cannot_be_deleted_from_under_its_actions(plan_with_action):
    _, priority, _ = plan_with_action
    refused(delete(Priority.__table__).where(Priority.id == priority.id))
    assert db.session.get(Priority, priority.id) is not None


def test_an_orm_object_pointing_nowhere_is_refused_at_flush(database):
    db.session.add(Outcome(priority_id=987654, ref="1.1", text="Better"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_deleting_every_row_children_first_works_with_enforcement_on(plan_with_action):
    _, _, action = plan_with_action
    create_user(level="viewer")
    db.session.add(ProgressUpdate(action_id=action.id, rag="amber", source="app"))
    db.session.commit()
    # What the test fixture does after every test, here checked to leave nothing behind.
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 0


def test_sqlite_connections_enforce_foreign_keys(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL always enforces foreign keys")
    # Several at once, so more than the one pooled connection is opened, including the one migrations used.
    connections = [db.engine.connect() for _ in range(3)]
    try:
        assert [c.execute(text("PRAGMA foreign_keys")).scalar() for c in connections] == [1, 1, 1]
    finally:
        for connection in connections:
            connection.close()
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
