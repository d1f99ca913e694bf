"""Each area has its own key-roles glossary: the same code in two areas resolves to each area's holder."""

from sqlalchemy import select

from tests.conftest import normalise_spaces, page_of
from tests.factories import create_action, create_area, create_plan, create_priority, create_role
from wsoa.extensions import db
from wsoa.models import ActionLead
from wsoa.scope import working_in
from wsoa.services.queries import people_by_code


def two_areas_with_a_dcs():
    here, there = create_area(), create_area(name="Otherville")
    for area, person in ((here, "Dana Here"), (there, "Theo There")):
        create_role(code="DCS", title="Director of children's services", person=person, in_area=area)
        plan = create_plan(title=f"{area.name} WSoA", in_area=area)
        create_action(priority=create_priority(plan=plan, number=1), ref="1.1.1", lead="DCS")
    db.session.commit()
    return here, there


def test_the_same_code_in_two_areas_is_each_areas_holder_and_leads_link_to_their_own_area(database):
    here, there = two_areas_with_a_dcs()
    with working_in(here.id):
        assert people_by_code() == {"DCS": "Dana Here"}
    with working_in(there.id):
        assert people_by_code() == {"DCS": "Theo There"}
    links = db.session.execute(select(ActionLead.action_id, ActionLead.role_id)).all()
    assert len(links) == 2
    assert len({role_id for _, role_id in links}) == 2  # each action led by its own area's DCS


def test_the_key_roles_page_shows_only_the_areas_own_glossary(client, login_as):
    _, there = two_areas_with_a_dcs()
    login_as("viewer", in_area=there)
    text = normalise_spaces(page_of(client.get("/key-roles")))
    assert "Theo There" in text
    assert "Dana Here" not in text
