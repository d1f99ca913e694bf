"""Sign-in throttling per address behind a reverse proxy (TRUSTED_PROXIES), and X-Forwarded-For ignored without one."""

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, Test
from tests.conftest import IsolatedClient, csrf_token_from
from tests.factories import create_user
from wsoa import create_app
from wsoa.domain.throttling import ADDRESS_LIMIT, THROTTLED_MESSAGE
from wsoa.extensions import db
from wsoa.models import SignInFailure

PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.2"  # the council's reverse proxy, as the app sees it
GUESSER = "198.51.100.7"
COLLEAGUE = "203.0.113.5"


def app_behind(app: Flask, proxies: int) -> Flask:
    config = Test()
    config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    config.TRUSTED_PROXIES = proxies
    built = create_app(config)
    built.test_client_class = IsolatedClient
    return built


@pytest.fixture
def behind_one_proxy(app, database) -> Iterator[Flask]:
    built = app_behind(app, 1)
    yield built
    with built.app_context():
        db.engine.dispose()


@pytest.fixture
def directly_exposed(app, database) -> Iterator[Flask]:
    built = app_behind(app, 0)
    yield built
    with built.app_context():
        db.engine.dispose()


@pytest.fixture
def person(database):
    user = create_user(level="viewer", email="sam.jones@example.org", password=PASSWORD)
    db.session.commit()
    return user


def sign_in(client, email: str, password: str, *, remote_addr: str, forwarded_for: str | None = None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    environ = {"REMOTE_ADDR": remote_addr}
    token = csrf_token_from(client.get("/sign-in", headers=headers, environ_base=environ).get_data(as_text=True))
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers,
        environ_base=environ,
    )


def throttled(response) -> bool:
    return response.status_code == 200 and THROTTLED_MESSAGE in response.get_data(as_text=True)


def addresses_recorded() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(SignInFailure.address).order_by(SignInFailure.id)))


@pytest.mark.parametrize(("environment", "expected"), [(None, 0), ("0", 0), ("2", 2)])
def test_trusted_proxies_comes_from_the_environment_and_is_none_by_default(environment, expected):
    env = {key: value for key, value in os.environ.items() if key != "TRUSTED_PROXIES"}
    if environment is not None:
        env["TRUSTED_PROXIES"] = environment
    read = subprocess.run(
        [sys.executable, "-c", "import config; print(config.Config.TRUSTED_PROXIES)"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(read.stdout) == expected


def test_no_proxy_is_trusted_unless_configured(app):
    config = Test()
    config.TRUSTED_PROXIES = 0
    assert not isinstance(create_app(config).wsgi_app, ProxyFix)


def test_trusting_one_proxy_reads_the_client_address_and_scheme_it_forwards(behind_one_proxy):
    assert isinstance(behind_one_proxy.wsgi_app, ProxyFix)
    assert (behind_one_proxy.wsgi_app.x_for, behind_one_proxy.wsgi_app.x_proto) == (1, 1)
    assert (behind_one_proxy.wsgi_app.x_host, behind_one_proxy.wsgi_app.x_prefix) == (0, 0)


def test_behind_a_trusted_proxy_failures_are_counted_and_throttled_per_forwarded_address(behind_one_proxy, person):
    client = behind_one_proxy.test_client()
    # One person guesses at many accounts; every request reaches the app from the proxy's address.
    for n in range(ADDRESS_LIMIT):
        response = sign_in(client, f"guess{n}@example.org", "guess", remote_addr=PROXY, forwarded_for=GUESSER)
        assert not throttled(response), f"attempt {n + 1} is within the limit"
    assert set(addresses_recorded()) == {GUESSER}, "each failure is counted against the forwarded address"

    assert throttled(sign_in(client, "guess3@example.org", "guess", remote_addr=PROXY, forwarded_for=GUESSER))
    # A colleague behind the same proxy is not locked out by the guesser.
    colleague = behind_one_proxy.test_client()
    assert sign_in(colleague, person.email, PASSWORD, remote_addr=PROXY, forwarded_for=COLLEAGUE).status_code == 302


def test_behind_one_proxy_only_the_address_it_appended_counts_not_what_the_client_claimed(behind_one_proxy, person):
    client = behind_one_proxy.test_client()
    # The client sends its own X-Forwarded-For; the proxy appends the address it really saw.
    sign_in(client, person.email, "wrong", remote_addr=PROXY, forwarded_for=f"192.0.2.99, {GUESSER}")
    assert addresses_recorded() == [GUESSER]


def test_without_a_trusted_proxy_a_spoofed_x_forwarded_for_cannot_dodge_the_address_limit(directly_exposed, person):
    client = directly_exposed.test_client()
    for n in range(ADDRESS_LIMIT):
        response = sign_in(client, f"guess{n}@example.org", "guess", remote_addr=GUESSER, forwarded_for=f"192.0.2.{n}")
        assert not throttled(response), f"attempt {n + 1} is within the limit"
    assert set(addresses_recorded()) == {GUESSER}, "the header is ignored: the connection's address counts"

    spoofed = sign_in(client, "guess3@example.org", "guess", remote_addr=GUESSER, forwarded_for=COLLEAGUE)
    assert throttled(spoofed)
    # Someone really elsewhere is unaffected.
    elsewhere = directly_exposed.test_client()
    assert sign_in(elsewhere, person.email, PASSWORD, remote_addr=COLLEAGUE).status_code == 302
