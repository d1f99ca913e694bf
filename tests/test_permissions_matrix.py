"""Every route × every level (and signed out), for GET and POST: allowed or refused exactly as declared.

Everything is derived from app.url_map and each view's `required_capability`, so routes added later are covered
without touching this file; give their URL arguments real objects by adding to `sample_arguments` below.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import (
    create_action,
    create_outcome,
    create_period,
    create_plan,
    create_priority,
    create_role,
    create_update,
    create_user,
)
from wsoa.extensions import db
from wsoa.models import AuditEvent, ImportBatch, Kpi, KpiValue
from wsoa.permissions import CAPABILITIES, PUBLIC
from wsoa.services import accounts

LEVELS = ("admin", "editor", "lead", "viewer")
SIGNED_OUT = "signed out"
PASSWORD = "correct horse battery staple"
LEAD_ROLE = "MX"  # the lead holds it, and it leads the sample action and owns the sample KPI
CSRF_REFUSED = "The form you were submitting has expired or was not sent from this service"
# When an argument has no sample, any value of the right type will do: an allowed user then gets a 404.
FALLBACK_BY_CONVERTER = {"IntegerConverter": 987654, "UnicodeConverter": "sample", "PathConverter": "sample.xlsx"}


@pytest.fixture
def sample_arguments(app, database) -> dict:
    """A real object for every kind of URL argument, by argument name."""
    role = create_role(code=LEAD_ROLE, title="Matrix lead")
    plan = create_plan(title="Matrix plan")
    priority = create_priority(plan=plan, number=1, lead_role=LEAD_ROLE)
    outcome = create_outcome(priority=priority, ref="1.1")
    action = create_action(priority=priority, outcome=outcome, ref="1.1.1", lead=LEAD_ROLE)
    period = create_period(plan=plan, label="Q1 2021/22")
    update = create_update(action=action, period=period, rag="green")
    kpi = Kpi(priority_id=priority.id, text="92% seen within 18 weeks", owner_role_id=role.id)
    db.session.add(kpi)
    db.session.flush()
    value = KpiValue(kpi_id=kpi.id, on=datetime(2021, 6, 30, tzinfo=UTC).date(), value=Decimal(80))
    batch = ImportBatch(plan_id=plan.id, file_name="plan.xlsx", file_hash="0" * 64)
    someone = create_user(level="viewer", email="someone@example.org", name="Some One")
    event = AuditEvent(event="user.created", entity_type="user", entity_id=someone.id, summary="Sample")
    db.session.add_all([value, batch, event])
    db.session.commit()
    with app.test_request_context():
        token = accounts.set_password_token(someone)
    return {
        "plan_id": plan.id,
        "priority_id": priority.id,
        "outcome_id": outcome.id,
        "action_id": action.id,
        "update_id": update.id,
        "progress_update_id": update.id,
        "role_id": role.id,
        "period_id": period.id,
        "review_period_id": period.id,
        "kpi_id": kpi.id,
        "value_id": value.id,
        "kpi_value_id": value.id,
        "batch_id": batch.id,
        "import_batch_id": batch.id,
        "user_id": someone.id,
        "event_id": event.id,
        "token": token,
        "digest": "0" * 64,
        "file_name": "plan.xlsx",
    }


def routes(app):
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"), key=lambda rule: rule.rule)


def url_for_rule(rule, samples: dict) -> str:
    values = {
        name: samples.get(name, FALLBACK_BY_CONVERTER.get(type(converter).__name__, "sample"))
        for name, converter in rule._converters.items()
    }
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build {rule.rule} from {values}"
    return built[1]


def capability_of(app, rule) -> str:
    capability = getattr(app.view_functions[rule.endpoint], "required_capability", None)
    assert capability == PUBLIC or capability in CAPABILITIES, f"{rule.rule}: unknown capability {capability!r}"
    return capability


class Browser:
    """A test client that knows how to sign itself back in (a POST to /sign-out signs it out)."""

    def __init__(self, client, email: str | None):
        self.client = client
        self.email = email
        self.token = ""
        self.sign_in()

    def sign_in(self) -> None:
        page = self.client.get("/sign-in").get_data(as_text=True)
        if self.email:
            data = {"email": self.email, "password": PASSWORD, "csrf_token": csrf_token_from(page)}
            assert self.client.post("/sign-in", data=data).status_code == 302
            page = self.client.get("/").get_data(as_text=True)
        self.token = csrf_token_from(page)

    def request(self, method: str, url: str):
        data = {"csrf_token": self.token} if method == "POST" else None
        response = self.client.open(url, method=method, data=data)
        with self.client.session_transaction() as session:
            signed_out, token_gone = "_user_id" not in session, "csrf_token" not in session
        if (self.email and signed_out) or token_gone:  # signing out clears the session, CSRF secret and all
            self.sign_in()
        return response


def verdict(level: str, capability: str, response) -> str | None:
    """What is wrong with this response, if anything."""
    status = response.status_code
    location = response.headers.get("Location", "")
    to_sign_in = status == 302 and location.startswith("/sign-in")
    if status >= 500:
        return f"{status} server error"
    if capability == PUBLIC:
        return None
    if level == SIGNED_OUT:
        return None if to_sign_in else f"expected a redirect to /sign-in, got {status} {location}"
    if level not in CAPABILITIES[capability]:
        return None if status == 403 else f"expected 403 ({capability} is not for {level}s), got {status} {location}"
    if status == 403 or to_sign_in:
        return f"expected to be let in ({capability} is for {level}s), got {status} {location}"
    return None


@pytest.mark.parametrize("level", [*LEVELS, SIGNED_OUT])
def test_every_route_lets_in_exactly_the_levels_its_capability_names(app, client, sample_arguments, level):
    email = None
    if level != SIGNED_OUT:
        email = f"matrix-{level}@example.org"
        create_user(level=level, email=email, password=PASSWORD, roles=[LEAD_ROLE] if level == "lead" else [])
        db.session.commit()
    browser = Browser(client, email)
    problems, checked = [], 0
    for rule in routes(app):
        capability = capability_of(app, rule)
        url = url_for_rule(rule, sample_arguments)
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            checked += 1
            try:
                response = browser.request(method, url)
            except Exception as error:  # report every route at once, not just the first
                problems.append(f"{method} {url} [{capability}]: raised {type(error).__name__}: {error}")
                db.session.rollback()
                continue
            if problem := verdict(level, capability, response):
                problems.append(f"{method} {url} [{capability}]: {problem}")
    assert checked >= 20, "the matrix walked too few routes to mean anything"
    assert problems == [], f"{level}:\n" + "\n".join(problems)


def test_the_matrix_knows_the_levels_and_every_route_declares_a_known_capability(app):
    assert {level for levels in CAPABILITIES.values() for level in levels} == set(LEVELS)
    endpoints = {rule.endpoint for rule in routes(app)}
    assert {"users.index", "users.new", "users.edit", "audit_log.index", "auth.change_password"} <= endpoints
    for rule in routes(app):
        capability_of(app, rule)


@pytest.mark.parametrize("level", ["admin", SIGNED_OUT])
def test_every_post_without_a_csrf_token_is_refused_and_saves_nothing(app, client, sample_arguments, level):
    if level == "admin":
        create_user(level="admin", email="matrix-admin@example.org", password=PASSWORD)
        db.session.commit()
        Browser(client, "matrix-admin@example.org")
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    posts = [rule for rule in routes(app) if "POST" in rule.methods]
    assert len(posts) >= 8
    problems = []
    for rule in posts:
        url = url_for_rule(rule, sample_arguments)
        response = client.post(url, data={"name": "Forged", "email": "forged@example.org", "level": "admin"})
        body = response.get_data(as_text=True)
        if response.status_code != 400 or CSRF_REFUSED not in body:
            problems.append(f"POST {url}: {response.status_code}")
        # From a page of this service, the refusal goes back to it with the same message.
        response = client.post(url, data={}, headers={"Referer": "http://localhost/key-roles"})
        if response.status_code != 302 or response.headers["Location"] != "http://localhost/key-roles":
            problems.append(f"POST {url} from a page: {response.status_code} {response.headers.get('Location')}")
        client.get("/sign-in")  # read the flashed message so the next refusal starts clean
    assert problems == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before
    assert client.get("/sign-in").status_code == 200
    if level == "admin":
        assert client.get("/users").status_code == 200, "a refused form does not sign anyone out"


def test_a_lead_cannot_update_another_roles_action_even_by_crafting_a_post(client, login_as, sample_arguments):
    create_role(code="OTHER")
    db.session.commit()
    login_as("lead", roles=["OTHER"])
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    url = f"/actions/{sample_arguments['action_id']}/update"
    assert client.get(url).status_code == 403
    response = client.post(url, data={"csrf_token": token, "rag": "green", "narrative": "Not mine to say"})
    assert response.status_code == 403
