"""Every route × every level (and signed out), for GET and POST: allowed or refused exactly as WHO_MAY_USE says.

WHO_MAY_USE is written out by hand from the README's "Who can do what", not read from the code, so a route given too
broad (or too narrow) a capability fails here. A route added later fails until it has a line in the table; give its
URL arguments real objects by adding to `sample_arguments` below.
"""

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

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
from wsoa.models import (
    ActionComment,
    AgreedAction,
    AuditEvent,
    EvidenceFile,
    ImportBatch,
    Kpi,
    KpiValue,
    ProgressUpdate,
    PublicText,
    PublicTextVersion,
    ReviewMeeting,
)
from wsoa.permissions import CAPABILITIES
from wsoa.permissions import PUBLIC as PUBLIC_CAPABILITY
from wsoa.services import accounts

LEVELS = ("admin", "editor", "lead", "viewer")
SIGNED_OUT = "signed out"
PASSWORD = "correct horse battery staple"
LEAD_ROLE = "MX"  # the lead holds it, and it leads the sample action and owns the sample KPI
CSRF_REFUSED = "The form you were submitting has expired or was not sent from this service"
# When an argument has no sample, any value of the right type will do: an allowed user then gets a 404.
FALLBACK_BY_CONVERTER = {"IntegerConverter": 987654, "UnicodeConverter": "sample", "PathConverter": "sample.xlsx"}

# --- who may use each route, from the README's "Who can do what" ---------------------------------------------------

PUBLIC = frozenset({*LEVELS, SIGNED_OUT})
EVERYONE_SIGNED_IN = frozenset(LEVELS)  # viewers read everything and download every report
LEADS_EDITORS_AND_ADMINS = frozenset({"admin", "editor", "lead"})  # a lead: only what a role they hold leads or owns
EDITORS_AND_ADMINS = frozenset({"admin", "editor"})
ADMIN_ONLY = frozenset({"admin"})
INSTANCE_ADMINS_ONLY: frozenset[str] = frozenset()  # no area level suffices: User.is_instance_admin (test_areas_matrix)

WHO_MAY_USE: dict[str, frozenset[str]] = {
    # Anyone: signing in and out, setting a password from a link, the health check.
    "auth.sign_in": PUBLIC,
    "auth.sign_out": PUBLIC,
    "auth.set_password": PUBLIC,
    "auth.healthz": PUBLIC,
    # Families read a published progress page, its print version and its feed without signing in.
    "public.page": PUBLIC,
    "public.printable": PUBLIC,
    "public.feed": PUBLIC,
    # Everyone signed in (viewers included) reads every page, downloads every report and changes their own password.
    "auth.change_password": EVERYONE_SIGNED_IN,
    "notices.preferences": EVERYONE_SIGNED_IN,  # which reminder emails I get; a weekly digest instead
    "plans.index": EVERYONE_SIGNED_IN,
    "plans.overview": EVERYONE_SIGNED_IN,
    "plans.priority": EVERYONE_SIGNED_IN,
    "plans.actions": EVERYONE_SIGNED_IN,
    "plans.key_roles": EVERYONE_SIGNED_IN,
    "actions.show": EVERYONE_SIGNED_IN,
    "updates.evidence_file": EVERYONE_SIGNED_IN,  # anyone who may read the action downloads its evidence
    "updates.new_comment": EVERYONE_SIGNED_IN,  # viewers (board members) comment and raise board challenges
    "updates.edit_comment": EVERYONE_SIGNED_IN,  # their own comments only: a new version
    "kpis.show": EVERYONE_SIGNED_IN,
    "reports.board_report": EVERYONE_SIGNED_IN,  # the page and its PDF, Word and Excel downloads
    "reports.stylesheet": EVERYONE_SIGNED_IN,
    "imports.export": EVERYONE_SIGNED_IN,  # the plan downloaded as Excel
    "meetings.index": EVERYONE_SIGNED_IN,  # review meetings (board, DfE/NHSE)
    "meetings.show": EVERYONE_SIGNED_IN,
    "meetings.review_pack": EVERYONE_SIGNED_IN,  # the page and its Word and PDF downloads
    # Leads update the actions their roles lead and record values for the KPIs their roles own; editors and admins
    # any action or KPI.
    "updates.my_actions": LEADS_EDITORS_AND_ADMINS,
    "updates.edit": LEADS_EDITORS_AND_ADMINS,
    "updates.answer_challenge": LEADS_EDITORS_AND_ADMINS,  # a lead: challenges on actions their roles lead
    # The priority's lead (or accountable) role holders, editors and admins sign off updates, never their own; a
    # viewer comments but cannot sign off.
    "updates.review_update": LEADS_EDITORS_AND_ADMINS,
    "kpis.new_value": LEADS_EDITORS_AND_ADMINS,
    "kpis.upload": LEADS_EDITORS_AND_ADMINS,
    # Editors edit any action and define KPIs.
    "admin.edit_action": EDITORS_AND_ADMINS,
    "kpis.new": EDITORS_AND_ADMINS,
    "kpis.edit": EDITORS_AND_ADMINS,
    # Editors (the project officer) chase leads for updates and set when reminders go.
    "notices.chase_list": EDITORS_AND_ADMINS,
    "notices.send_reminder": EDITORS_AND_ADMINS,
    "notices.settings": EDITORS_AND_ADMINS,
    "updates.sign_off_setting": EDITORS_AND_ADMINS,  # per plan: do updates need sign-off before the board?
    # Editors (the officer who keeps the minutes) record review meetings, their statements and agreed actions, and
    # turn an agreed action into a plan action.
    "meetings.new": EDITORS_AND_ADMINS,
    "meetings.edit": EDITORS_AND_ADMINS,
    "meetings.new_statement": EDITORS_AND_ADMINS,
    "meetings.new_agreed_action": EDITORS_AND_ADMINS,
    "meetings.add_to_plan": EDITORS_AND_ADMINS,
    # Editors (the officer) write and approve the public page's texts for families, and publish and withdraw it.
    "publishing.index": EDITORS_AND_ADMINS,
    "publishing.new_text": EDITORS_AND_ADMINS,
    "publishing.edit_text": EDITORS_AND_ADMINS,
    "publishing.approve": EDITORS_AND_ADMINS,
    "publishing.remove_text": EDITORS_AND_ADMINS,
    "publishing.choose_kpis": EDITORS_AND_ADMINS,
    "publishing.publish": EDITORS_AND_ADMINS,
    "publishing.withdraw": EDITORS_AND_ADMINS,
    # Admins only: plan structure (plans, priorities, outcomes, adding, moving and retiring actions, key roles) ...
    "admin.new_plan": ADMIN_ONLY,
    "admin.edit_plan": ADMIN_ONLY,
    "admin.plan_structure": ADMIN_ONLY,
    "admin.archived_plans": ADMIN_ONLY,  # archiving, restoring and deleting a wrong import: admins only
    "admin.archive_plan": ADMIN_ONLY,
    "admin.restore_plan": ADMIN_ONLY,
    "admin.delete_plan": ADMIN_ONLY,
    "plan_succession.start": ADMIN_ONLY,  # start a new plan from an earlier one, carrying actions over
    "admin.new_priority": ADMIN_ONLY,
    "admin.edit_priority": ADMIN_ONLY,
    "admin.delete_priority": ADMIN_ONLY,
    "admin.move_priority": ADMIN_ONLY,
    "admin.priority_structure": ADMIN_ONLY,
    "admin.new_outcome": ADMIN_ONLY,
    "admin.edit_outcome": ADMIN_ONLY,
    "admin.delete_outcome": ADMIN_ONLY,
    "admin.move_outcome": ADMIN_ONLY,
    "admin.new_action": ADMIN_ONLY,
    "admin.move_action": ADMIN_ONLY,
    "admin.retire_action": ADMIN_ONLY,
    "admin.reinstate_action": ADMIN_ONLY,
    "admin.new_role": ADMIN_ONLY,
    "admin.edit_role": ADMIN_ONLY,
    "admin.move_role": ADMIN_ONLY,
    # ... imports, review periods, users and the audit trail.
    "imports.upload": ADMIN_ONLY,
    "imports.confirm": ADMIN_ONLY,
    "imports.remap": ADMIN_ONLY,
    "periods.index": ADMIN_ONLY,
    "periods.new": ADMIN_ONLY,
    "periods.edit": ADMIN_ONLY,
    "periods.make_current": ADMIN_ONLY,
    "users.index": ADMIN_ONLY,
    "users.new": ADMIN_ONLY,
    "users.edit": ADMIN_ONLY,
    "users.new_link": ADMIN_ONLY,
    "users.sign_out_everywhere": ADMIN_ONLY,
    "audit_log.index": ADMIN_ONLY,
    # Local areas: members of several choose which to work in; instance admins (not area admins) create areas.
    "areas.index": EVERYONE_SIGNED_IN,
    "areas.choose": EVERYONE_SIGNED_IN,
    "areas.manage": INSTANCE_ADMINS_ONLY,
}


def describe(levels: frozenset[str]) -> str:
    if levels == PUBLIC:
        return "anyone, signed in or not"
    if levels == EVERYONE_SIGNED_IN:
        return "everyone signed in"
    names = [level + "s" for level in LEVELS if level in levels] + ([SIGNED_OUT] if SIGNED_OUT in levels else [])
    if not names:
        return "instance admins only"
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names) + " only"


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
    evidence = EvidenceFile(
        update_id=update.id,
        action_id=action.id,
        file_name="minutes.txt",
        content_type="text/plain",
        size=7,
        sha256="0" * 64,
        stored_in="database",
        content=b"Minutes",
    )
    db.session.add_all([value, batch, event, evidence])
    db.session.flush()
    challenge = ActionComment(action_id=action.id, body="Why still amber?", is_challenge=True, author_id=someone.id)
    meeting = ReviewMeeting(plan_id=plan.id, kind="board", held_on=datetime(2021, 7, 20, tzinfo=UTC).date())
    db.session.add_all([challenge, meeting])
    db.session.flush()
    agreed = AgreedAction(meeting_id=meeting.id, priority_id=priority.id, text="Publish the recovery plan")
    public_text = PublicText(plan_id=plan.id, priority_id=priority.id, kind="summary")
    db.session.add_all([agreed, public_text])
    db.session.flush()
    db.session.add(PublicTextVersion(text_id=public_text.id, body="Waits are falling"))
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
        "file_id": evidence.id,
        "comment_id": challenge.id,  # someone else's: 404 to all others (its own test)
        "meeting_id": meeting.id,
        "agreed_id": agreed.id,
        "text_id": public_text.id,
        "kind": "summary",
        "area_id": plan.area_id,
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
    assert capability == PUBLIC_CAPABILITY or capability in CAPABILITIES, (
        f"{rule.rule}: unknown capability {capability!r}"
    )
    return capability


def levels_declared_by(capability: str) -> frozenset[str]:
    """Who the view's own `requires(...)` lets in."""
    return PUBLIC if capability == PUBLIC_CAPABILITY else CAPABILITIES[capability]


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


def sent_to_sign_in(response) -> bool:
    """The redirect a protected page gives someone signed out: to /sign-in, with where they were going as `next`."""
    location = urlsplit(response.headers.get("Location", ""))
    return response.status_code == 302 and location.path == "/sign-in" and "next" in parse_qs(location.query)


def verdict(level: str, allowed: frozenset[str], response) -> str | None:
    """What is wrong with this response for this level, given who the table lets in, if anything."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if status >= 500:
        return f"{status} server error"
    if level in allowed:
        if status == 403 or sent_to_sign_in(response):
            return f"expected to be let in (open to {describe(allowed)}), got {status} {location}"
        return None
    if level == SIGNED_OUT:
        return None if sent_to_sign_in(response) else f"expected a redirect to sign in, got {status} {location}"
    return None if status == 403 else f"expected 403 (open to {describe(allowed)}), got {status} {location}"


# --- the table against the code's own declarations -----------------------------------------------------------------


def test_every_route_has_a_line_in_the_table(app):
    missing = [
        f"{rule.endpoint} ({rule.rule}, declares {capability_of(app, rule)!r})"
        for rule in routes(app)
        if rule.endpoint not in WHO_MAY_USE
    ]
    assert missing == [], (
        "Routes missing from WHO_MAY_USE in tests/test_permissions_matrix.py; add each with the levels the README's "
        "'Who can do what' gives it:\n  " + "\n  ".join(missing)
    )


def test_every_line_in_the_table_is_a_route(app):
    endpoints = {rule.endpoint for rule in routes(app)}
    stale = sorted(set(WHO_MAY_USE) - endpoints)
    assert stale == [], (
        "WHO_MAY_USE names endpoints the app does not have (renamed, removed or not written yet?):\n  "
        + "\n  ".join(stale)
    )


def test_every_routes_declared_capability_lets_in_exactly_the_levels_in_the_table(app):
    disagreements = []
    for rule in routes(app):
        if rule.endpoint not in WHO_MAY_USE:
            continue  # reported by test_every_route_has_a_line_in_the_table
        capability = capability_of(app, rule)
        declared, expected = levels_declared_by(capability), WHO_MAY_USE[rule.endpoint]
        if declared != expected:
            disagreements.append(
                f"{rule.endpoint} ({rule.rule}) declares {capability!r}, open to {describe(declared)}; "
                f"the table says {describe(expected)}"
            )
    assert disagreements == [], "\n".join(disagreements)


def test_the_matrix_knows_the_levels_and_every_route_declares_a_known_capability(app):
    assert {level for levels in CAPABILITIES.values() for level in levels} == set(LEVELS)
    assert {level for levels in WHO_MAY_USE.values() for level in levels} == {*LEVELS, SIGNED_OUT}
    endpoints = {rule.endpoint for rule in routes(app)}
    assert {"users.index", "users.new", "users.edit", "audit_log.index", "auth.change_password"} <= endpoints
    for rule in routes(app):
        capability_of(app, rule)


# --- the app's behaviour against the table -------------------------------------------------------------------------


@pytest.mark.parametrize("level", [*LEVELS, SIGNED_OUT])
def test_every_route_lets_in_exactly_the_levels_the_table_names(app, client, sample_arguments, level):
    email = None
    if level != SIGNED_OUT:
        email = f"matrix-{level}@example.org"
        create_user(level=level, email=email, password=PASSWORD, roles=[LEAD_ROLE] if level == "lead" else [])
        db.session.commit()
    browser = Browser(client, email)
    problems, checked = [], 0
    for rule in routes(app):
        if rule.endpoint not in WHO_MAY_USE:
            continue  # reported by test_every_route_has_a_line_in_the_table
        allowed = WHO_MAY_USE[rule.endpoint]
        url = url_for_rule(rule, sample_arguments)
        for method in ("GET", "POST"):
            if method not in rule.methods:
                continue
            checked += 1
            try:
                response = browser.request(method, url)
            except Exception as error:  # report every route at once, not just the first
                problems.append(f"{method} {url} [{rule.endpoint}]: raised {type(error).__name__}: {error}")
                db.session.rollback()
                continue
            if problem := verdict(level, allowed, response):
                problems.append(f"{method} {url} [{rule.endpoint}]: {problem}")
    assert checked >= 20, "the matrix walked too few routes to mean anything"
    assert problems == [], f"{level}:\n" + "\n".join(problems)


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


def for_one_action_or_kpi_leads_may_change(app) -> list:
    """Routes that change one action or KPI and let leads in: for a lead, only the ones a role they hold leads/owns."""
    return [
        rule
        for rule in routes(app)
        if WHO_MAY_USE.get(rule.endpoint) == LEADS_EDITORS_AND_ADMINS and {"action_id", "kpi_id"} & set(rule.arguments)
    ]


def saved_rows() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (AuditEvent, ProgressUpdate, KpiValue)
    )


def test_the_routes_about_one_action_or_kpi_that_leads_may_use_are_known(app):
    assert {rule.endpoint for rule in for_one_action_or_kpi_leads_may_change(app)} >= {"updates.edit", "kpis.new_value"}


def test_a_lead_cannot_change_another_roles_action_or_kpi_even_by_crafting_a_post(
    app, client, login_as, sample_arguments
):
    create_role(code="OTHER")
    db.session.commit()
    login_as("lead", roles=["OTHER"])
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    saved_before = saved_rows()
    problems = []
    for rule in for_one_action_or_kpi_leads_may_change(app):
        url = url_for_rule(rule, sample_arguments)
        if "GET" in rule.methods and (status := client.get(url).status_code) != 403:
            problems.append(f"GET {url}: expected 403, got {status}")
        data = {"csrf_token": token, "rag": "green", "narrative": "Not mine to say", "on": "2021-06-30", "value": "99"}
        if "POST" in rule.methods and (status := client.post(url, data=data).status_code) != 403:
            problems.append(f"POST {url}: expected 403, got {status}")
    assert problems == []
    assert saved_rows() == saved_before, "nothing was saved"
