"""`wsoa import-plan` matches a plan by title among live plans only: an archived plan is left as it was."""

from sqlalchemy import func, select

from config import IMPORTS_DIR
from wsoa.extensions import db
from wsoa.models import Action, Plan
from wsoa.services.plan_archive import archive_plan

SAMPLE = IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def import_and_archive(app) -> Plan:
    assert app.test_cli_runner().invoke(args=["import-plan", str(SAMPLE)]).exit_code == 0
    plan = db.session.scalars(select(Plan)).one()
    archive_plan(plan, user_id=None)
    db.session.commit()
    return plan


def test_a_workbook_titled_like_an_archived_plan_makes_a_new_plan(app, database):
    archived = import_and_archive(app)
    result = app.test_cli_runner().invoke(args=["import-plan", str(SAMPLE)])
    assert result.exit_code == 0, result.stderr
    assert "66 actions created" in result.stdout
    assert count(Plan) == 2
    assert count(Action, Action.plan_id == archived.id) == 66, "the archived plan is untouched"
    assert count(Plan, Plan.title == archived.title, Plan.archived_at.is_(None)) == 1


def test_naming_an_archived_plan_exits_1_with_the_reason_and_writes_nothing(app, database):
    archived = import_and_archive(app)
    result = app.test_cli_runner().invoke(args=["import-plan", str(SAMPLE), "--plan", str(archived.id)])
    assert result.exit_code == 1
    assert f"Plan {archived.id} ({archived.title}) is archived: an admin can restore it first" in result.stderr
    assert (count(Plan), count(Action)) == (1, 66)
