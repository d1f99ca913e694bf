"""Faults: the database failing or the process crashing part-way through a change writes nothing of it, keeps all that
was saved before, and the person sees a page in the service's style telling them what to do."""

import os

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from tests.conftest import csrf_token_from, page_of
from tests.factories import create_action, create_period, create_priority, create_role, create_update
from tests.views.test_imports import SAMPLE, upload
from tests.views.test_updates import form_fields, saved, url
from wsoa.extensions import db
from wsoa.models import Action, AuditEvent, ImportBatch, Outcome, Plan, Priority, ProgressUpdate, ReviewPeriod, Role
from wsoa.services import imports as import_service
from wsoa.services import updates as update_service

ANSWERS = {"rag": "green", "confidence": "amber", "narrative": "Two therapists started in March"}


@pytest.fixture
def plan(plan):
    """The shared Testshire plan (tests/conftest.py), with this file's roles, periods and actions."""
    create_role(code="DoP", title="Director of Partnerships", person="Claire Parker")
    period = create_period(plan=plan, label="Mar 21")
    priority = create_priority(plan=plan, number=1, title="Waits for speech and language therapy")
    action = create_action(priority=priority, ref="1.1.1", title="Recruit therapists", due_text="Dec 25", lead="DoP")
    create_update(action=action, period=period, rag="red", narrative="Advert out")
    create_update(action=action, period=period, rag="amber", narrative="Interviews booked")
    db.session.commit()
    return {"plan": plan, "action": action}


@pytest.fixture
def errors_not_propagated(app):
    app.config["PROPAGATE_TEST_ERRORS"] = False
    yield
    app.config["PROPAGATE_TEST_ERRORS"] = True


def database_gone(*args, **kwargs):
    raise OperationalError("INSERT INTO audit_event", {}, Exception("server closed the connection unexpectedly"))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def version_of(action) -> int:
    return db.session.scalar(select(Action.version).where(Action.id == action.id))


def test_the_database_failing_mid_save_writes_no_half_update_and_the_save_can_be_retried(
    client, login_as, plan, monkeypatch
):
    login_as("lead", roles=["DoP"])
    action = plan["action"]
    fields = form_fields(client.get(url(action)))
    version, audited = version_of(action), count(AuditEvent)
    # The progress update is flushed before the audit event; the failure comes between them.
    monkeypatch.setattr(update_service.audit, "record", database_gone)
    response = client.post(url(action), data=fields | ANSWERS)
    assert response.status_code == 503
    assert "try again in a few minutes" in response.get_data(as_text=True)
    db.session.expire_all()
    assert saved(action) == [("red", "Advert out"), ("amber", "Interviews booked")]
    assert (version_of(action), count(AuditEvent)) == (version, audited)

    monkeypatch.undo()
    retried = client.post(url(action), data=fields | ANSWERS)
    assert retried.status_code == 302
    db.session.expire_all()
    assert saved(action)[-1] == ("green", "Two therapists started in March")
    assert len(saved(action)) == 3


def test_a_crash_between_validating_and_saving_loses_nothing_already_saved(
    client, login_as, plan, monkeypatch, errors_not_propagated
):
    login_as("lead", roles=["DoP"])
    action = plan["action"]
    fields = form_fields(client.get(url(action)))

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(update_service.audit, "record", crash)
    response = client.post(url(action), data=fields | ANSWERS)
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "worker killed" not in html
    assert "Traceback" not in html
    db.session.expire_all()
    assert saved(action) == [("red", "Advert out"), ("amber", "Interviews booked")]
    history = page_of(client.get(f"/actions/{action.id}"))
    assert "Interviews booked" in history.text
    assert "Advert out" in history.text


def test_an_import_that_fails_half_way_writes_nothing_and_can_be_confirmed_again(client, login_as, monkeypatch):
    login_as("admin")
    preview = upload(client, SAMPLE)
    form = page_of(preview).select_one("form[action*='/plans/import/']:not([action$='/columns'])")
    confirm = {"csrf_token": csrf_token_from(str(form)), "target": "new"}
    before = {model: count(model) for model in (Role, AuditEvent)}

    # Fails after the plan, its priorities, outcomes, periods and actions have been written in the transaction.
    monkeypatch.setattr(import_service, "_append_updates", database_gone)
    response = client.post(form["action"], data=confirm)
    assert response.status_code == 503
    assert "try again in a few minutes" in response.get_data(as_text=True)
    db.session.expire_all()
    for model in (Plan, Priority, Outcome, Action, ReviewPeriod, ProgressUpdate, ImportBatch):
        assert count(model) == 0, f"{model.__name__} rows written by a failed import"
    assert {model: count(model) for model in (Role, AuditEvent)} == before

    monkeypatch.undo()
    retried = client.post(form["action"], data=confirm)
    assert retried.status_code == 302
    assert (count(Plan), count(Action), count(ImportBatch)) == (1, 66, 1)


def test_an_import_from_the_command_line_that_fails_half_way_writes_nothing(app, database, monkeypatch, tmp_path):
    from config import IMPORTS_DIR

    monkeypatch.setattr(import_service, "_append_updates", database_gone)
    result = app.test_cli_runner().invoke(args=["import-plan", str(IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx")])
    assert result.exit_code == 1
    assert "The database failed (server closed the connection unexpectedly), so nothing was written." in result.output
    assert isinstance(result.exception, SystemExit), "a clean exit, not an exception escaping"
    db.session.expire_all()
    assert (count(Plan), count(Action), count(ImportBatch), count(Role)) == (0, 0, 0, 0)


postgresql_only = pytest.mark.skipif(
    not os.environ.get("WSOA_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs a PostgreSQL server to drop the app's connections (CI's second run)",
)


def drop_other_connections() -> int:
    """What a database restart does to the app: every connection it holds is closed by the server."""
    outsider = create_engine(db.engine.url, poolclass=NullPool)  # not one of the app's pooled connections
    with outsider.connect() as connection:
        dropped = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    outsider.dispose()
    return dropped


@postgresql_only
def test_after_the_database_restarts_the_next_request_just_works(client, login_as, plan):
    login_as("viewer")
    assert client.get(f"/actions/{plan['action'].id}").status_code == 200
    db.session.remove()
    assert drop_other_connections() >= 1
    # The pool still holds the dead connections: checking each before use (pool_pre_ping) is what saves the request.
    assert client.get(f"/actions/{plan['action'].id}").status_code == 200


@postgresql_only
def test_the_connection_dropped_mid_save_gives_try_again_and_no_half_update(client, login_as, plan, monkeypatch):
    login_as("lead", roles=["DoP"])
    action = plan["action"]
    fields = form_fields(client.get(url(action)))

    def server_goes_away(*args, **kwargs):
        db.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    monkeypatch.setattr(update_service.audit, "record", server_goes_away)
    response = client.post(url(action), data=fields | ANSWERS)
    assert response.status_code == 503
    assert "try again in a few minutes" in response.get_data(as_text=True)
    monkeypatch.undo()
    db.session.remove()
    assert saved(action) == [("red", "Advert out"), ("amber", "Interviews booked")]
    assert client.post(url(action), data=fields | ANSWERS).status_code == 302
