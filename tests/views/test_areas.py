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
    assert db.session.scalars(select(AuditEvent.event).where(AuditEvent.area_id == area.id)).all() == [
        "area.created",
        "user.created",
    ]

    again = client.post("/admin/areas", data=data | {"name": "otherville send"})
    assert "There is already a local area called otherville send" in normalise_spaces(page_of(again))


def test_a_member_of_two_areas_sees_one_areas_plans_at_a_time_and_switches(client, login_as):
    there = create_area(name="Otherville")
    create_plan(title="Testshire WSoA")
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


def test_choosing_an_area_you_are_not_a_member_of_is_404(client, login_as):
    elsewhere = create_area(name="Elsewhere")
    db.session.commit()
    login_as("admin")
    token = csrf_token_from(client.get("/areas").get_data(as_text=True))
    assert client.post(f"/areas/{elsewhere.id}/choose", data={"csrf_token": token}).status_code == 404
