"""`wsoa create-area`, and --area on `wsoa create-user` and `wsoa import-plan`."""

from pathlib import Path

from sqlalchemy import delete, select

from tests.factories import create_area
from wsoa.extensions import db
from wsoa.models import Area, Plan, Role, User

PASSWORD = "tea and toast at eleven"
SAMPLE = Path(__file__).parents[2] / "imports" / "demo" / "shropshire-wsoa.xlsx"


def run(app, *args, password: bool = False):
    return app.test_cli_runner().invoke(args=list(args), input=f"{PASSWORD}\n{PASSWORD}\n" if password else None)


def test_create_area_then_a_user_and_a_plan_in_it(app, database):
    result = run(app, "create-area", "Otherville")
    assert result.exit_code == 0, result.output
    assert "Created local area Otherville" in result.stdout
    assert run(app, "create-area", "otherville").exit_code == 1  # names are unique, whatever the case

    result = run(
        app,
        "create-user",
        "--email",
        "o@example.org",
        "--name",
        "O",
        "--level",
        "lead",
        "--area",
        "Otherville",
        password=True,
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    other = db.session.scalars(select(Area).where(Area.name == "Otherville")).one()
    assert [(m.area_id, m.level) for m in user.memberships] == [(other.id, "lead")]
    assert not user.is_instance_admin

    result = run(
        app,
        "create-user",
        "--email",
        "i@example.org",
        "--name",
        "I",
        "--level",
        "viewer",
        "--area",
        "Otherville",
        "--instance-admin",
        password=True,
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(User.is_instance_admin).where(User.email == "i@example.org")).one() is True

    result = run(app, "import-plan", str(SAMPLE), "--area", "Otherville")
    assert result.exit_code == 0, result.output
    assert {plan.area_id for plan in db.session.scalars(select(Plan))} == {other.id}
    assert {role.area_id for role in db.session.scalars(select(Role))} == {other.id}


def test_with_several_areas_a_command_must_name_one_and_an_unknown_one_is_refused(app, database):
    create_area(name="Otherville")
    db.session.commit()
    result = run(app, "import-plan", str(SAMPLE))
    assert result.exit_code == 1
    assert "more than one local area" in result.output
    result = run(app, "import-plan", str(SAMPLE), "--area", "Nowhere")
    assert result.exit_code == 1
    assert "no local area called 'Nowhere'" in result.output
    assert db.session.scalars(select(Plan)).all() == []


def test_on_an_empty_database_the_first_import_makes_the_area(app, database):
    db.session.execute(delete(Area))
    db.session.commit()
    assert run(app, "import-plan", str(SAMPLE)).exit_code == 0
    assert [area.name for area in db.session.scalars(select(Area))] == ["Local area"]
