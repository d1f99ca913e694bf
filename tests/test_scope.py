"""wsoa.scope: which area a request works in when its URL names a plan and a person in several areas."""

import pytest
from flask import g, session

from tests.factories import create_area, create_plan, create_user
from wsoa.domain.not_found import NotFound
from wsoa.extensions import db
from wsoa.scope import enter_request_area, working_in


def test_a_person_in_two_areas_is_seen_in_the_area_of_the_plan_named_with_them(app, database):
    here, there = create_area(), create_area(name="Otherville")
    plan = create_plan(in_area=here)
    officer = create_user(level="editor", email="officer@example.org", in_area=here)
    create_user(level="editor", email="officer@example.org", in_area=there)
    lead = create_user(level="lead", email="lead@example.org", in_area=here)
    create_user(level="lead", email="lead@example.org", in_area=there)
    stranger = create_user(level="lead", email="stranger@example.org", in_area=there)
    db.session.commit()
    with working_in(None), app.test_request_context():  # working_in: g is the tests' own; put it back after
        session["area_id"] = there.id  # working in the other area until now
        enter_request_area({"plan_id": plan.id, "user_id": lead.id}, officer)
        assert g.area_id == here.id
        assert officer.level == "editor"
        with pytest.raises(NotFound):  # a person of the other area only, named with this area's plan
            enter_request_area({"plan_id": plan.id, "user_id": stranger.id}, officer)
