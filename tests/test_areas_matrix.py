"""The permission matrix with two areas: a member of area B asking for any of area A's objects gets 404 and nothing
changes, whatever their level in B; the area-management routes let in instance admins only, never an area's admins.

Routes are enumerated as in tests/test_permissions_matrix.py, so a route added later is covered here too."""

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import create_area, create_user
from tests.test_permissions_matrix import (  # noqa: F401  (sample_arguments: a fixture)
    PASSWORD,
    WHO_MAY_USE,
    Browser,
    routes,
    sample_arguments,
    url_for_rule,
)
from wsoa.extensions import db
from wsoa.scope import AREA_OF

# URL arguments that name an object in an area (a person is in the areas they are a member of).
OBJECT_ARGUMENTS = {*AREA_OF, "user_id", "area_id"}


def every_row_count() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


def routes_naming_an_object(app) -> list:
    return [rule for rule in routes(app) if OBJECT_ARGUMENTS & set(rule.arguments)]


def test_the_routes_naming_an_object_include_every_kind_of_page(app):
    endpoints = {rule.endpoint for rule in routes_naming_an_object(app)}
    assert {
        "plans.overview",
        "actions.show",
        "kpis.show",
        "meetings.show",
        "users.edit",
        "admin.edit_role",
    } <= endpoints


@pytest.mark.parametrize("level", ["admin", "editor", "lead", "viewer"])
def test_a_member_of_another_area_gets_404_for_every_object_of_this_one_and_changes_nothing(
    app,
    client,
    sample_arguments,  # noqa: F811  (the fixture imported above)
    level,
):
    elsewhere = create_area(name="Otherville")
    email = f"elsewhere-{level}@example.org"
    create_user(level=level, email=email, password=PASSWORD, in_area=elsewhere)
    db.session.commit()
    browser = Browser(client, email)
    before = every_row_count()
    problems, checked = [], 0
    for rule in routes_naming_an_object(app):
        url = url_for_rule(rule, sample_arguments)
        for method in ("GET", "POST"):
            if method in rule.methods:
                checked += 1
                if (status := browser.request(method, url).status_code) != 404:
                    problems.append(f"{method} {url} [{rule.endpoint}]: expected 404, got {status}")
    assert checked >= 60
    assert problems == []
    db.session.expire_all()
    assert every_row_count() == before, "nothing changed"


def test_the_same_person_is_admin_in_their_area_and_refused_as_a_viewer_in_the_other(
    app,
    client,
    sample_arguments,  # noqa: F811  (the fixture imported above)
):
    elsewhere = create_area(name="Otherville")
    person = create_user(level="viewer", email="two-areas@example.org", password=PASSWORD)  # viewer in Testshire
    create_user(level="admin", email="two-areas@example.org", in_area=elsewhere)  # and admin in Otherville
    db.session.commit()
    assert sorted(m.level for m in person.memberships) == ["admin", "viewer"]
    Browser(client, "two-areas@example.org")
    plan_id = sample_arguments["plan_id"]
    assert client.get(f"/plans/{plan_id}").status_code == 200  # reads Testshire's plan
    assert client.get(f"/admin/plans/{plan_id}/structure").status_code == 403  # but is only a viewer there


def test_area_management_refuses_area_admins_and_lets_in_instance_admins(app, client, database):
    assert WHO_MAY_USE["areas.manage"] == frozenset()
    create_user(level="admin", email="area-admin@example.org", password=PASSWORD)
    db.session.commit()
    browser = Browser(client, "area-admin@example.org")
    assert browser.request("GET", "/admin/areas").status_code == 403
    assert browser.request("POST", "/admin/areas").status_code == 403

    instance_admin = create_user(level="viewer", email="instance@example.org", password=PASSWORD)
    instance_admin.is_instance_admin = True
    db.session.commit()
    browser = Browser(app.test_client(), "instance@example.org")
    page = browser.request("GET", "/admin/areas")
    assert page.status_code == 200
    assert csrf_token_from(page.get_data(as_text=True))
