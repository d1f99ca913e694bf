"""The import page leaves archived plans out: they are not offered as a target and cannot be imported into."""

from io import BytesIO

import pytest
from sqlalchemy import func, select

from config import IMPORTS_DIR
from tests.conftest import csrf_token_from, normalise_spaces, page_of
from wsoa.extensions import db
from wsoa.models import Action, ImportBatch, Plan
from wsoa.services.plan_archive import archive_plan

SAMPLE = IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx"


@pytest.fixture
def plans(app, database) -> dict[str, Plan]:
    """The demo plan imported twice under two titles; the first then archived."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import-plan", str(SAMPLE)]).exit_code == 0
    old = db.session.scalars(select(Plan)).one()
    old.title = "Shropshire WSoA (wrong import)"
    db.session.commit()
    assert runner.invoke(args=["import-plan", str(SAMPLE)]).exit_code == 0
    archive_plan(old, user_id=None)
    db.session.commit()
    live = db.session.scalars(select(Plan).where(Plan.id != old.id)).one()
    return {"archived": old, "live": live}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_import_target_chooser_offers_live_plans_but_not_archived_ones(client, login_as, plans):
    login_as("admin")
    page = page_of(client.get("/plans/import"))
    offered = [normalise_spaces(option) for option in page.select("select[name=target] option")]
    assert offered == ["A new plan", plans["live"].title]


def test_an_archived_plan_posted_as_the_target_is_refused_and_nothing_is_imported(client, login_as, plans):
    login_as("admin")
    before = (count(Action), count(ImportBatch))
    token = csrf_token_from(client.get("/plans/import").get_data(as_text=True))
    response = client.post(
        "/plans/import",
        data={
            "workbook": (BytesIO(SAMPLE.read_bytes()), "shropshire.xlsx"),
            "target": str(plans["archived"].id),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert page_of(response).select_one(".govuk-error-summary") is not None
    assert "Check the import" not in normalise_spaces(page_of(response).select_one("h1"))
    assert (count(Action), count(ImportBatch)) == before


def test_confirming_into_a_plan_archived_since_the_preview_imports_nothing(client, login_as, plans):
    login_as("admin")
    token = csrf_token_from(client.get("/plans/import").get_data(as_text=True))
    preview = client.post(
        "/plans/import",
        data={
            "workbook": (BytesIO(SAMPLE.read_bytes()), "shropshire.xlsx"),
            "target": str(plans["live"].id),
            "csrf_token": token,
        },
        content_type="multipart/form-data",
    )
    form = page_of(preview).select_one("form[action*='/plans/import/']:not([action$='/columns'])")
    archive_plan(plans["live"], user_id=None)
    db.session.commit()
    before = (count(Action), count(ImportBatch))
    response = client.post(
        form["action"],
        data={
            "csrf_token": csrf_token_from(str(form)),
            "target": str(plans["live"].id),
            "mapping": form.select_one("input[name=mapping]")["value"],
        },
    )
    assert response.status_code == 404
    assert (count(Action), count(ImportBatch)) == before
