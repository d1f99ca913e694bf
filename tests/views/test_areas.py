"""Local areas: an instance admin creates one with its first admin; a member of two areas switches between them."""

from sqlalchemy import select

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import create_area, create_plan, create_user
from wsoa.extensions import db
from wsoa.models import Area, AuditEvent, User


def test_an_instance_admin_creates_an_area_and_its_first_admin(client, login_as):
    admin = login_as("admin")
    admin.is_instance_admin = True
    db.session.commit()
    token = csrf_token_from(client.get("/admin/areas").get_data(as_text=True))
    data = {"name": "Otherville  SEND", "admin_name": "Ola", "admin_email": "ola@example.org", "csrf_token": token}
    response = client.post("/admin/areas", data=data)
    assert response.status_code == 302
    page = normalise_spaces(page_of(client.get("/admin/areas")))
    assert "Otherville SEND has been created with Ola as its admin" in page
    area = db.session.scalars(select(Area).where(Area.name == "Otherville SEND")).one()
    ola = db.session.scalars(select(User).where(User.email == "ola@example.org")).one()
    assert [(m.area_id, m.level) for m in ola.memberships] == [(area.id, "admin")]
    assert db.session.scalars(
        select(AuditEvent.event).where(AuditEvent.area_id == area.id).order_by(AuditEvent.id)
    ).all() == [
        "area.created",
        "user.created",
    ]

    again = client.post("/admin/areas", data=data | {"name": "otherville send"})
    assert "There is already a local area called otherville send" in normalise_spaces(page_of(again))


def test_a_member_of_two_areas_sees_one_areas_plans_at_a_time_and_switches(client, login_as):
    there = create_area(name="Otherville")
    home_plan = create_plan(title="Testshire WSoA")
    create_plan(title="Otherville APP", in_area=there)
    user = login_as("viewer")
    create_user(level="editor", email=user.email, in_area=there)
    db.session.commit()

    text = normalise_spaces(page_of(client.get("/")))
    assert "Testshire WSoA" in text
    assert "Otherville APP" not in text
    assert "(viewer) in Testshire" in text

    token = csrf_token_from(client.get("/areas").get_data(as_text=True))
    response = client.post(f"/areas/{there.id}/choose", data={"csrf_token": token})
    assert response.status_code == 302
    text = normalise_spaces(page_of(client.get("/")))
    assert "Otherville APP" in text
    assert "Testshire WSoA" not in text
    assert "(editor) in Otherville" in text

    page_of(client.get(f"/plans/{home_plan.id}"))  # opening a page of the other area makes it the current one
    assert "(viewer) in Testshire" in normalise_spaces(page_of(client.get("/")))


def test_choosing_an_area_you_are_not_a_member_of_is_404(client, login_as):
    elsewhere = create_area(name="Elsewhere")
    db.session.commit()
    login_as("admin")
    token = csrf_token_from(client.get("/areas").get_data(as_text=True))
    assert client.post(f"/areas/{elsewhere.id}/choose", data={"csrf_token": token}).status_code == 404


def test_every_list_shows_only_the_current_areas_things(client, login_as):
    from tests.factories import create_action, create_priority, create_role
    from wsoa.scope import working_in
    from wsoa.services import audit

    there = create_area(name="Otherville")
    for area, who in ((create_area(), "Here"), (there, "There")):
        create_role(code="DCS", person=f"Dana {who}", in_area=area)
        plan = create_plan(title=f"{who} WSoA", in_area=area)
        action = create_action(priority=create_priority(plan=plan, number=1), title=f"{who} action", lead="DCS")
        create_user(name=f"Person {who}", in_area=area)
        with working_in(area.id):
            audit.record(event="action.edited", entity=action, summary=f"{who} action edited", user_id=None)
    db.session.commit()
    login_as("admin", in_area=there, roles=["DCS"])
    pages = ["/", "/key-roles", "/users", "/audit", "/my-actions"]
    text = " ".join(normalise_spaces(page_of(client.get(url))) for url in pages)
    for seen in ("There WSoA", "Dana There", "Person There", "There action edited", "There action"):
        assert seen in text
    for hidden in ("Here WSoA", "Dana Here", "Person Here", "Here action"):
        assert hidden not in text


def test_a_workbook_imported_in_one_area_makes_its_plan_and_roles_there_and_leaves_the_other_alone(client, login_as):
    from tests.factories import create_role
    from tests.views.test_imports import SAMPLE, confirm_previewed, upload
    from wsoa.models import ActionLead, Plan, Role

    home, there = create_area(), create_area(name="Otherville")
    create_role(code="DCS", person="Dana Here", in_area=home)
    login_as("admin", in_area=there)
    assert confirm_previewed(client, upload(client, SAMPLE)).status_code == 302
    plan = db.session.scalars(select(Plan)).one()
    assert plan.area_id == there.id
    roles = db.session.scalars(select(Role).where(Role.code == "DCS")).all()
    assert (home.id, "Dana Here") in {(role.area_id, role.person) for role in roles}  # the other area's, unchanged
    assert there.id in {role.area_id for role in roles}  # the workbook's own DCS, beside it
    assert {role.area_id for role in db.session.scalars(select(Role).join(ActionLead))} == {there.id}


def test_an_area_admin_changes_a_persons_level_and_roles_in_their_area_only(client, login_as):
    from tests.factories import create_role
    from tests.views.test_users import submit

    home, there = create_area(), create_area(name="Otherville")
    create_role(code="DCS", in_area=home)
    create_role(code="NO", in_area=there)
    lee = create_user(level="lead", name="Lee", email="lee@example.org", roles=["DCS"], in_area=home)
    create_user(level="viewer", email="lee@example.org", in_area=there)
    login_as("admin", in_area=there)
    data = {"name": "Lee", "email": "lee@example.org", "level": "lead", "roles": ["NO"], "active": "yes"}
    assert submit(client, f"/users/{lee.id}", data).status_code == 302
    db.session.expire_all()
    lee = db.session.get(User, lee.id)
    assert sorted((m.area_id, m.level) for m in lee.memberships) == [(home.id, "lead"), (there.id, "lead")]
    assert sorted(role.code for role in lee.roles) == ["DCS", "NO"]  # their role in the other area is kept


def test_adding_someone_known_in_another_area_makes_them_a_member_here(client, login_as):
    from tests.views.test_users import submit

    create_user(level="admin", name="Ann", email="ann@example.org")  # in Testshire
    there = create_area(name="Otherville")
    login_as("admin", in_area=there)
    data = {"name": "Ann Other", "email": "ANN@example.org", "level": "viewer"}
    assert submit(client, "/users/new", data).status_code == 302
    ann = db.session.scalars(select(User).where(User.email == "ann@example.org")).one()
    assert ann.name == "Ann"
    assert sorted(m.level for m in ann.memberships) == ["admin", "viewer"]
    again = submit(client, "/users/new", data)
    assert "A user with the email address ann@example.org already exists" in normalise_spaces(page_of(again))
