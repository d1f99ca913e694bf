import re

import pytest

from config import Production
from wsoa import create_app


def test_pages_carry_a_strict_content_security_policy_with_a_fresh_nonce(client):
    first = client.get("/sign-in")
    second = client.get("/sign-in")
    policy = first.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"' in first.get_data(as_text=True), "the template's inline script carries the nonce"
    assert nonce not in second.headers["Content-Security-Policy"], "a new nonce every response"


def test_every_inline_script_has_the_nonce(client):
    html = client.get("/sign-in").get_data(as_text=True)
    for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html):
        assert "nonce=" in script


@pytest.mark.parametrize(
    ("header", "value"),
    [("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin")],
)
def test_framing_and_sniffing_are_refused(client, header, value):
    assert client.get("/sign-in").headers[header] == value


def test_hsts_only_in_production(monkeypatch, client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    production = create_app(Production())
    response = production.test_client().get("/sign-in")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY and DATABASE_URL"):
        Production()


def test_production_session_cookies_are_secure_httponly_and_samesite(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    config = Production()
    assert config.SESSION_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY
    assert config.SESSION_COOKIE_SAMESITE == "Lax"
