"""Failures give a page in the service's style: never a stack trace, never a half-written change."""

import pytest
from sqlalchemy.exc import OperationalError

from wsoa.services import plans as plan_service


@pytest.fixture
def errors_not_propagated(app):
    app.config["PROPAGATE_TEST_ERRORS"] = False
    yield
    app.config["PROPAGATE_TEST_ERRORS"] = True


def test_unreachable_database_gives_a_try_again_page(client, login_as, monkeypatch):
    login_as("viewer")

    def database_gone(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(plan_service, "list_plans", database_gone)
    response = client.get("/")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "try again in a few minutes" in html
    assert "server closed the connection" not in html
    assert "Traceback" not in html


def test_database_down_while_finding_the_signed_in_user_still_gives_the_try_again_page(client, login_as, app):
    login_as("viewer")
    from wsoa.extensions import login_manager

    original = login_manager._user_callback

    def database_gone(user_id):
        raise OperationalError("SELECT app_user", {}, Exception("could not connect to server"))

    login_manager._user_callback = database_gone
    try:
        response = client.get("/")
    finally:
        login_manager._user_callback = original
    assert response.status_code == 503
    assert "try again in a few minutes" in response.get_data(as_text=True)


def test_unexpected_errors_show_the_services_500_page_without_a_trace(
    client, login_as, monkeypatch, errors_not_propagated
):
    login_as("viewer")

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(plan_service, "list_plans", broken)
    response = client.get("/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in html
    assert "secret internal detail" not in html
    assert "Traceback" not in html
