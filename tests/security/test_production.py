"""The app as production builds it: the cookies a real sign-in sets, the error pages, and the same security headers
on every kind of response (pages, error pages, plain text and file downloads), not just the configuration values."""

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from config import BASE_DIR, Production
from tests.conftest import IsolatedClient, csrf_token_from
from tests.factories import create_action, create_period, create_plan, create_priority, create_update, create_user
from wsoa import create_app
from wsoa.extensions import db
from wsoa.permissions import PUBLIC, requires

PASSWORD = "correct horse battery staple"
EMAIL = "production.viewer@example.org"
INTERNAL_DETAIL = "internal detail: /srv/wsoa/secret.py line 42 password=hunter2"
HTTPS = "https://wsoa.example.gov.uk"
ONE_YEAR = 365 * 24 * 60 * 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def production(app: Flask, database, monkeypatch) -> Iterator[Flask]:
    """Built from the Production config and the environment, on the test database, with one route that fails."""
    monkeypatch.setenv("SECRET_KEY", "production-test-" + "k" * 32)
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    production = create_app(Production())
    production.test_client_class = IsolatedClient
    assert not production.testing
    assert not production.debug

    @production.route("/test-only/fails")
    @requires(PUBLIC)
    def fails():
        raise RuntimeError(INTERNAL_DETAIL)

    yield production
    with production.app_context():
        db.engine.dispose()


@pytest.fixture
def visitor(production):
    """A browser on the production app, over HTTPS as it is served."""
    return production.test_client()


def get(visitor, path: str, **kwargs):
    return visitor.get(path, base_url=HTTPS, **kwargs)


def post(visitor, path: str, data: dict, *, from_page: str):
    """As a browser posts a form: over HTTPS, saying which page of this site it came from (CSRF checks that)."""
    return visitor.post(path, base_url=HTTPS, data=data, headers={"Referer": f"{HTTPS}{from_page}"})


def sign_in(visitor, email: str = EMAIL):
    page = get(visitor, "/sign-in")
    token = csrf_token_from(page.get_data(as_text=True))
    response = post(
        visitor, "/sign-in", {"email": email, "password": PASSWORD, "csrf_token": token}, from_page="/sign-in"
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return page, response


def set_cookies(response) -> dict[str, dict[str, str | bool]]:
    """Each cookie a response sets, by name: its value and its attributes with lower-case names (flags map to True)."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name_value, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = name_value.partition("=")
        cookies[name] = {
            "value": value,
            **{key.lower(): value if sep else True for key, sep, value in (a.partition("=") for a in attributes if a)},
        }
    return cookies


def is_deletion(cookie: dict) -> bool:
    return cookie["value"] == "" and cookie.get("max-age") == "0"


def assert_cookie_is_locked_down(name: str, cookie: dict) -> None:
    assert cookie.get("secure") is True, f"{name} is sent over HTTPS only"
    assert cookie.get("httponly") is True, f"{name} is out of reach of scripts"
    assert str(cookie.get("samesite", "")).lower() == "lax", f"{name} is SameSite=Lax"
    assert "domain" not in cookie, f"{name} is for this host only, not its subdomains"
    assert cookie.get("path") == "/"


def assert_every_cookie_is_locked_down(response) -> None:
    """Every Set-Cookie, deletions included: a cookie being cleared carries the same flags as one being set."""
    for name, cookie in set_cookies(response).items():
        assert_cookie_is_locked_down(name, cookie)


def assert_security_headers(response, *, production: bool = True) -> None:
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    scripts = directives.get("script-src", directives["default-src"])
    assert "'unsafe-inline'" not in scripts, policy
    assert "'unsafe-eval'" not in scripts, policy
    assert "'unsafe-inline'" not in policy, "no inline styles either"
    assert directives["frame-ancestors"] == ["'none'"], policy
    assert directives["object-src"] == ["'none'"], policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    if production:
        hsts = headers["Strict-Transport-Security"]
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
        assert max_age >= ONE_YEAR, hsts
        assert "includesubdomains" in hsts.lower()


def assert_no_internals(html: str) -> None:
    for leak in ("Traceback", "RuntimeError", INTERNAL_DETAIL, "hunter2", 'File "', ".py", str(BASE_DIR), "werkzeug"):
        assert leak not in html, f"the error page shows {leak!r}"


@pytest.fixture
def viewer(database):
    user = create_user(level="viewer", email=EMAIL, name="Production Viewer", password=PASSWORD)
    db.session.commit()
    return user


@pytest.fixture
def plan_with_a_period(database):
    plan = create_plan(title="Production plan")
    priority = create_priority(plan=plan, number=1)
    action = create_action(priority=priority, ref="1.1.1")
    period = create_period(plan=plan, label="Q1 2021/22")
    create_update(action=action, period=period, rag="green")
    db.session.commit()
    return plan, period


# --- cookies --------------------------------------------------------------------------------------------------------


def test_a_real_sign_in_sets_a_secure_httponly_samesite_lax_session_cookie(visitor, viewer):
    page, signed_in = sign_in(visitor)
    assert "session" in set_cookies(page), "the sign-in form's CSRF secret lives in the session cookie"
    assert_every_cookie_is_locked_down(page)
    session = set_cookies(signed_in)["session"]
    assert_cookie_is_locked_down("session", session)
    assert "expires" in session, "the session cookie expires with the session's lifetime"
    assert_every_cookie_is_locked_down(signed_in)

    # Every later response that rewrites the cookie keeps the same protections.
    page = get(visitor, "/")
    assert page.status_code == 200
    assert "session" in set_cookies(page)
    assert_every_cookie_is_locked_down(page)


def test_there_is_no_remember_me_cookie_to_outlive_the_session(visitor, viewer):
    """The app offers no "remember me": nothing but the session cookie ever carries a value."""
    responses = [*sign_in(visitor), get(visitor, "/"), get(visitor, "/my-actions")]
    for response in responses:
        kept = {name for name, cookie in set_cookies(response).items() if not is_deletion(cookie)}
        assert kept <= {"session"}, response.request.path


def test_signing_out_clears_the_session_cookie_with_the_same_protections(visitor, viewer):
    sign_in(visitor)
    token = csrf_token_from(get(visitor, "/").get_data(as_text=True))
    response = post(visitor, "/sign-out", {"csrf_token": token}, from_page="/")
    assert response.status_code == 302
    assert_cookie_is_locked_down("session", set_cookies(response)["session"])
    assert_every_cookie_is_locked_down(response)
    assert get(visitor, "/").status_code == 302, "signed out"


def test_every_set_cookie_on_sign_in_a_signed_in_page_and_sign_out_is_flagged_and_none_clears_a_stray_cookie(
    visitor, viewer
):
    """Read every Set-Cookie header of the journey, in production config: nothing without HttpOnly, SameSite and
    Secure, and nothing cleared that the browser does not have (Flask-Login used to clear a remember-me cookie on
    every anonymous page, with no flags at all)."""
    page, signed_in = sign_in(visitor)
    signed_in_page = get(visitor, "/")
    token = csrf_token_from(signed_in_page.get_data(as_text=True))
    signed_out = post(visitor, "/sign-out", {"csrf_token": token}, from_page="/")
    after = get(visitor, "/sign-in")
    journey = {"sign-in page": page, "sign-in": signed_in, "signed-in page": signed_in_page, "sign-out": signed_out}
    journey["sign-in page after"] = after
    for step, response in journey.items():
        headers = response.headers.getlist("Set-Cookie")
        assert set(set_cookies(response)) <= {"session"}, f"{step}: {headers}"
        for header in headers:
            flags = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
            assert {"secure", "httponly", "samesite"} <= flags, f"{step}: {header}"
        assert_every_cookie_is_locked_down(response)
    assert set_cookies(page), "the sign-in page does set the session cookie (its CSRF secret): the check read one"


def test_a_remember_me_cookie_left_in_the_browser_is_cleared_with_the_same_flags(visitor, viewer):
    visitor.set_cookie("remember_token", "left over from an older version", domain="wsoa.example.gov.uk")
    page = get(visitor, "/sign-in")
    cleared = set_cookies(page)["remember_token"]
    assert is_deletion(cleared) or cleared["value"] == ""
    assert "expires" in cleared
    assert_cookie_is_locked_down("remember_token", cleared)


# --- error pages ----------------------------------------------------------------------------------------------------


def test_a_missing_page_is_the_services_own_404_with_the_security_headers(visitor, database):
    response = get(visitor, "/no-such-page/../etc/passwd")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Page not found" in html
    assert "<title>Page not found – WSoA tracker</title>" in html, "the service's own page, not the server's"
    assert_no_internals(html)
    assert_security_headers(response)


def test_an_unexpected_error_is_the_services_own_500_with_nothing_internal(visitor, database, caplog):
    response = get(visitor, "/test-only/fails")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "<title>Sorry, there is a problem with the service – WSoA tracker</title>" in html
    assert_no_internals(html)
    assert_security_headers(response)
    assert INTERNAL_DETAIL in caplog.text, "the detail goes to the log, for whoever runs the service"


def test_an_unexpected_error_for_a_signed_in_user_shows_nothing_internal_either(visitor, viewer):
    sign_in(visitor)
    response = get(visitor, "/test-only/fails")
    assert response.status_code == 500
    assert_no_internals(response.get_data(as_text=True))
    assert_security_headers(response)


def test_a_refused_page_is_the_services_own_403_with_the_security_headers(visitor, viewer):
    sign_in(visitor)
    response = get(visitor, "/users")
    assert response.status_code == 403
    assert_no_internals(response.get_data(as_text=True))
    assert_security_headers(response)


# --- headers on every kind of response ------------------------------------------------------------------------------


def test_pages_and_the_health_check_carry_hsts_and_the_security_headers(visitor, viewer):
    assert_security_headers(get(visitor, "/sign-in"))
    health = get(visitor, "/healthz")
    assert health.get_data(as_text=True) == "ok"
    assert_security_headers(health)
    sign_in(visitor)
    assert_security_headers(get(visitor, "/"))


def test_the_plans_excel_download_carries_the_security_headers(visitor, viewer, plan_with_a_period):
    plan, _ = plan_with_a_period
    sign_in(visitor)
    response = get(visitor, f"/plans/{plan.id}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.data[:2] == b"PK"
    assert_security_headers(response)


def test_a_board_report_download_carries_the_security_headers(visitor, viewer, plan_with_a_period):
    plan, period = plan_with_a_period
    sign_in(visitor)
    response = get(visitor, f"/plans/{plan.id}/reports?period={period.id}&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert_security_headers(response)


def test_pages_and_error_pages_are_never_stored_by_caches(visitor, viewer):
    assert get(visitor, "/no-such-page").headers["Cache-Control"] == "no-store"
    assert get(visitor, "/test-only/fails").headers["Cache-Control"] == "no-store"
    sign_in(visitor)
    assert get(visitor, "/").headers["Cache-Control"] == "no-store"


def test_downloads_are_never_stored_by_caches_either(visitor, viewer, plan_with_a_period):
    plan, period = plan_with_a_period
    sign_in(visitor)
    for path in (f"/plans/{plan.id}/export.xlsx", f"/plans/{plan.id}/reports?period={period.id}&format=xlsx"):
        assert get(visitor, path).headers["Cache-Control"] == "no-store", path


def test_error_pages_and_downloads_carry_the_headers_outside_production_too(client, login_as, plan_with_a_period):
    """The same headers in development and test (HSTS apart, as those are served over plain HTTP)."""
    plan, _ = plan_with_a_period
    assert_security_headers(client.get("/no-such-page"), production=False)
    login_as("viewer")
    assert_security_headers(client.get(f"/plans/{plan.id}/export.xlsx"), production=False)
