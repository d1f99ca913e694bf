"""Archiving, restoring and deleting a wrong import, through the admin pages, as an admin (and nobody else) would."""

import re

import pytest
from sqlalchemy import func, select

from config import IMPORTS_DIR
from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_update
from wsoa.extensions import db
from wsoa.models import Action, AuditEvent, ImportBatch, Plan, ProgressUpdate
from wsoa.models.types import utcnow

SAMPLE = IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx"


@pytest.fixture
def wrong_import(app, database) -> Plan:
    """The demo workbook imported with `wsoa import-plan`: a plan nobody has touched since."""
    result = app.test_cli_runner().invoke(args=["import-plan", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    return db.session.scalars(select(Plan)).one()


@pytest.fixture
def live_plan(database) -> Plan:
    """A small imported plan that a lead has since updated in the app."""
    create_role(code="DCS", title="Director of children's services")
    plan = create_plan(title="Livingshire WSoA")
    priority = create_priority(plan=plan, number=1, title="Long waits")
    action = create_action(priority=priority, ref="1.1.1", title="Recruit therapists", lead="DCS")
    period = create_period(plan=plan, label="Mar 21")
    db.session.add(ImportBatch(plan_id=plan.id, file_name="livingshire.xlsx", file_hash="b" * 64))
    create_update(action=action, period=period, rag="green", narrative="Two therapists started")
    db.session.commit()
    return plan


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def press(client, page_response, button_form_action: str | None = None):
    """Press the page's POST button (the first, or the one posting to `button_form_action`)."""
    page = page_of(page_response)
    forms = page.select("main form[method=post]")
    form = next(f for f in forms if button_form_action is None or f["action"] == button_form_action)
    return client.post(form["action"], data={"csrf_token": csrf_token_from(str(form))})


def plan_titles(client) -> list[str]:
    return [normalise_spaces(a) for a in page_of(client.get("/")).select("main table tbody tr td:first-child a")]


def test_an_admin_archives_a_plan_it_leaves_the_list_and_is_restored_from_the_archived_plans(
    client, login_as, live_plan
):
    login_as("admin", name="Ada Admin")
    structure = page_of(client.get(f"/admin/plans/{live_plan.id}/structure"))
    archive_link = structure.select_one("#archive-or-delete ~ p a[href$='/archive']")
    confirm = client.get(archive_link["href"])
    page = page_of(confirm)
    assert normalise_spaces(page.select_one("h1")) == "Are you sure you want to archive this plan?"
    assert "Nothing in it is deleted" in normalise_spaces(page)

    response = press(client, confirm)
    assert response.headers["Location"] == "/admin/plans/archived"
    archived = page_of(client.get("/admin/plans/archived"))
    assert "Plan Livingshire WSoA archived. It is kept and can be restored" in normalise_spaces(archived)
    row = normalise_spaces(archived.select_one("#archived-plans tbody tr"))
    assert re.fullmatch(r"Livingshire WSoA Written statement of action Testshire \d{1,2} [A-Z][a-z]{2} \d{4} 1 .*", row)
    assert plan_titles(client) == [], "left out of the plan list"
    assert "Archived plans" in normalise_spaces(page_of(client.get("/")))

    # Its pages still open from a saved link, saying it is archived.
    overview = page_of(client.get(f"/plans/{live_plan.id}"))
    assert "This plan was archived on" in normalise_spaces(overview.select_one("#archived-plan"))

    response = press(client, client.get("/admin/plans/archived"), f"/admin/plans/{live_plan.id}/restore")
    assert response.headers["Location"] == f"/plans/{live_plan.id}"
    overview = page_of(client.get(response.headers["Location"]))
    assert "Plan Livingshire WSoA restored." in normalise_spaces(overview)
    assert overview.select_one("#archived-plan") is None
    assert plan_titles(client) == ["Livingshire WSoA"]

    trail = normalise_spaces(page_of(client.get("/audit")))
    assert "Plan Livingshire WSoA archived" in trail
    assert "Plan Livingshire WSoA restored from the archive" in trail
    assert count(AuditEvent, AuditEvent.event.in_(["plan.archived", "plan.restored"])) == 2


def test_an_archived_plans_actions_leave_the_leads_my_actions(client, login_as, live_plan):
    login_as("lead", roles=["DCS"])
    assert "Recruit therapists" in normalise_spaces(page_of(client.get("/my-actions")))
    live_plan.archived_at = utcnow()
    db.session.commit()
    assert "Recruit therapists" not in normalise_spaces(page_of(client.get("/my-actions")))


def test_deleting_an_untouched_import_says_what_goes_then_removes_it_and_audits_it(client, login_as, wrong_import):
    admin = login_as("admin", name="Ada Admin")
    confirm = client.get(f"/admin/plans/{wrong_import.id}/delete")
    page = page_of(confirm)
    assert normalise_spaces(page.select_one("h1")) == "Are you sure you want to delete this plan?"
    warning = normalise_spaces(page.select_one(".govuk-warning-text"))
    assert (
        "This cannot be undone. Deleting removes the plan Shropshire Local Area Written Statement of Action" in warning
    )
    assert "66 actions" in warning
    assert "progress updates read from the workbook" in warning
    removed = normalise_spaces(page.select_one("#removed"))
    assert "Actions 66" in removed
    assert "Impact measures (KPIs) 42" in removed
    assert "Imported from shropshire-wsoa.xlsx" in removed
    assert "only when it was imported and nothing has been recorded in the app since" in normalise_spaces(
        page.select_one("#deletion-rule")
    )

    response = press(client, confirm)
    assert response.headers["Location"] == "/"
    listing = page_of(client.get("/"))
    assert "Plan Shropshire Local Area Written Statement of Action deleted." in normalise_spaces(listing)
    assert (count(Plan), count(Action), count(ProgressUpdate)) == (0, 0, 0)
    assert count(ImportBatch) == 1, "the record of the import is kept"
    deleted = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "plan.deleted")).one()
    assert deleted.user_id == admin.id
    trail = normalise_spaces(page_of(client.get("/audit")))
    assert "Plan Shropshire Local Area Written Statement of Action deleted (a wrong import" in trail
    assert "Imported shropshire-wsoa.xlsx" in trail, "the import's own event outlives the plan"


def test_a_plan_with_updates_recorded_cannot_be_deleted_and_the_page_says_why(client, login_as, live_plan):
    login_as("admin")
    page = page_of(client.get(f"/admin/plans/{live_plan.id}/delete"))
    assert normalise_spaces(page.select_one("h1")) == "You cannot delete this plan"
    refusal = normalise_spaces(page.select_one("#refusal"))
    assert "because 1 progress update has been recorded in the app since it was imported" in refusal
    assert page.select("main form[method=post]") == [], "no delete button"
    assert page.select_one(f"a[href='/admin/plans/{live_plan.id}/archive']"), "archiving is offered instead"

    # A crafted POST deletes nothing either, and lands on the explanation.
    token = csrf_token_from(client.get("/key-roles").get_data(as_text=True))
    response = client.post(f"/admin/plans/{live_plan.id}/delete", data={"csrf_token": token})
    assert response.headers["Location"] == f"/admin/plans/{live_plan.id}/delete"
    assert (count(Plan), count(Action), count(ProgressUpdate)) == (1, 1, 1)
    assert count(AuditEvent, AuditEvent.event == "plan.deleted") == 0


@pytest.mark.parametrize("level", ["editor", "lead", "viewer"])
def test_only_admins_archive_restore_or_delete_a_plan(client, login_as, wrong_import, level):
    login_as(level)
    token = csrf_token_from(client.get("/key-roles").get_data(as_text=True))
    assert client.get("/admin/plans/archived").status_code == 403
    for verb in ("archive", "restore", "delete"):
        assert client.post(f"/admin/plans/{wrong_import.id}/{verb}", data={"csrf_token": token}).status_code == 403
    db.session.refresh(wrong_import)
    assert (count(Plan), wrong_import.archived_at) == (1, None)
    assert "Archived plans" not in normalise_spaces(page_of(client.get("/")))


def test_archive_restore_and_delete_refuse_a_post_without_a_csrf_token(client, login_as, wrong_import):
    login_as("admin")
    for verb in ("archive", "restore", "delete"):
        assert client.post(f"/admin/plans/{wrong_import.id}/{verb}").status_code == 400
    db.session.refresh(wrong_import)
    assert (count(Plan), wrong_import.archived_at) == (1, None)


def test_an_unknown_plan_is_not_found(client, login_as, database):
    login_as("admin")
    assert client.get("/admin/plans/987654/delete").status_code == 404
    assert client.get("/admin/plans/987654/archive").status_code == 404
    token = csrf_token_from(client.get("/key-roles").get_data(as_text=True))
    assert client.post("/admin/plans/987654/restore", data={"csrf_token": token}).status_code == 404


def test_the_archived_plans_page_says_when_there_are_none(client, login_as, database):
    login_as("admin")
    assert "No plan is archived." in normalise_spaces(page_of(client.get("/admin/plans/archived")))
