"""The audit trail page: newest first, filtered through the query string, paginated, read-only."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from tests.conftest import normalise_spaces, page_of
from tests.factories import create_user
from wsoa.extensions import db
from wsoa.models import AppendOnlyViolation, AuditEvent


def add_event(*, at, event="user.edited", entity_type="user", entity_id=1, user=None, summary="Something", **values):
    audit_event = AuditEvent(
        at=at,
        event=event,
        entity_type=entity_type,
        entity_id=entity_id,
        user_id=user.id if user else None,
        summary=summary,
        before=values.get("before"),
        after=values.get("after"),
    )
    db.session.add(audit_event)
    db.session.flush()
    return audit_event


def summaries(page) -> list[str]:
    return [normalise_spaces(title) for title in page.select(".govuk-summary-card__title")]


@pytest.fixture
def trail(database):
    ada = create_user(level="editor", name="Ada Editor", email="ada@example.org")
    lee = create_user(level="lead", name="Lee Lead", email="lee@example.org")
    events = {
        "import": add_event(
            at=datetime(2021, 3, 1, 9, 0, tzinfo=UTC),
            event="plan.imported",
            entity_type="plan",
            entity_id=7,
            summary="Imported the Testshire WSoA",
        ),
        "update": add_event(
            at=datetime(2021, 3, 31, 23, 30, tzinfo=UTC),  # 00:30 on 1 April in the UK (summer time)
            event="progress_update.recorded",
            entity_type="progressupdate",
            entity_id=3,
            user=lee,
            summary="Progress recorded on 1.1.1",
            before={"rag": "amber", "narrative": "Draft out"},
            after={"rag": "green", "narrative": "Agreed\nby the board"},
        ),
        "level": add_event(
            at=datetime(2021, 4, 2, 10, 0, tzinfo=UTC),
            event="user.edited",
            entity_type="user",
            entity_id=lee.id,
            user=ada,
            summary="User Lee Lead changed: level, roles",
            before={"level": "viewer", "roles": ["CC"], "active": True},
            after={"level": "lead", "roles": ["CC", "DoP"], "active": False},
        ),
    }
    db.session.commit()
    return {"ada": ada, "lee": lee, **events}


def test_the_trail_shows_who_when_what_and_the_values_before_and_after_newest_first(client, login_as, trail):
    login_as("admin")
    page = page_of(client.get("/audit"))
    assert page.select_one("h1").text == "Audit trail"
    assert summaries(page) == [
        "User Lee Lead changed: level, roles",
        "Progress recorded on 1.1.1",
        "Imported the Testshire WSoA",
    ]
    assert normalise_spaces(page.select_one("#result-count")) == "Showing 1 to 3 of 3 events, newest first."

    newest = page.select_one(f"#event-{trail['level'].id}")
    details = [normalise_spaces(row) for row in newest.select(".govuk-summary-list__row")]
    assert details == [
        "When 2 Apr 2021 at 11:00",
        "Who Ada Editor (ada@example.org)",
        "Event User: edited",
        f"What User {trail['lee'].id}",
    ]
    assert newest.select_one(".govuk-summary-list a")["href"] == f"/users/{trail['lee'].id}"
    table = [normalise_spaces(row) for row in newest.select("table tr")]
    assert table == ["Field Before After", "Level viewer lead", "Roles CC CC, DoP", "Active Yes No"]

    update = page.select_one(f"#event-{trail['update'].id}")
    assert "When 1 Apr 2021 at 00:30" in normalise_spaces(update)
    assert "What Progress update 3" in normalise_spaces(update)
    assert update.select("table td")[-1].text == "Agreed\nby the board"
    imported = page.select_one(f"#event-{trail['import'].id}")
    assert "Who The system" in normalise_spaces(imported)
    assert imported.select_one("table") is None, "nothing recorded before or after: no empty table"


def test_the_trail_offers_filters_from_what_has_been_recorded(client, login_as, trail):
    admin = login_as("admin", name="Zed Admin")
    page = page_of(client.get("/audit"))
    options = {
        name: [normalise_spaces(option) for option in page.select(f"select[name={name}] option")]
        for name in ("entity_type", "event", "user")
    }
    assert options["entity_type"] == ["Anything", "Plan", "Progress update", "User"]
    assert options["event"] == ["Any event", "Plan: imported", "Progress update: recorded", "User: edited"]
    assert options["user"] == [
        "Anyone",
        "The system (imports and commands)",
        "Ada Editor (ada@example.org)",
        "Lee Lead (lee@example.org)",
        f"Zed Admin ({admin.email})",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("entity_type=user", ["level"]),
        ("event=progress_update.recorded", ["update"]),
        ("entity_type=plan&event=user.edited", []),
        ("user=system", ["import"]),
        ("user={lee}", ["update"]),
        ("user=99999999999999999999", []),
        ("from_date=1&from_date=4&from_date=2021", ["level", "update"]),  # 00:30 on 1 April, UK time
        ("to_date=31&to_date=3&to_date=2021", ["import"]),
        ("from_date=1&from_date=4&from_date=2021&to_date=1&to_date=4&to_date=2021", ["update"]),
        ("entity_type=nonsense", []),
    ],
)
def test_filters_in_the_query_string_narrow_the_trail(client, login_as, trail, query, expected):
    login_as("admin")
    page = page_of(client.get("/audit?" + query.format(lee=trail["lee"].id)))
    assert summaries(page) == [trail[key].summary for key in expected]
    assert not page.title.text.startswith("Error")
    assert page.select_one("main a[href='/audit']").text == "Clear filters"
    if not expected:
        assert normalise_spaces(page.select_one("#result-count")) == "No events match the filters."


def test_a_bad_date_is_explained_and_the_other_filters_still_apply(client, login_as, trail):
    login_as("admin")
    page = page_of(client.get("/audit?entity_type=user&from_date=31&from_date=2&from_date=2021&to_date=1"))
    assert page.title.text.startswith("Error: ")
    errors = [normalise_spaces(item) for item in page.select(".govuk-error-summary__list li")]
    assert errors == ["From date must be a real date", "To date must include a month and year"]
    assert summaries(page) == [trail["level"].summary]
    page = page_of(client.get("/audit?from_date=2&from_date=4&from_date=2021&to_date=1&to_date=4&to_date=2021"))
    assert [normalise_spaces(i) for i in page.select(".govuk-error-summary__list li")] == [
        "To date must be the same as or after the from date"
    ]


def test_the_trail_is_paginated_and_pages_keep_the_filters(client, login_as, database):
    login_as("admin")
    start = datetime(2021, 1, 1, tzinfo=UTC)
    for n in range(120):
        add_event(at=start + timedelta(hours=n), summary=f"Event {n}", entity_type="user" if n % 2 else "plan")
    db.session.commit()

    page = page_of(client.get("/audit?entity_type=user"))
    assert normalise_spaces(page.select_one("#result-count")) == (
        "Showing 1 to 50 of 60 events matching the filters, newest first."
    )
    assert summaries(page)[:2] == ["Event 119", "Event 117"]
    next_link = page.select_one(".govuk-pagination__next a")["href"]
    assert next_link == "/audit?entity_type=user&page=2"
    assert page.select_one(".govuk-pagination__prev") is None

    page = page_of(client.get(next_link))
    assert normalise_spaces(page.select_one("#result-count")).startswith("Showing 51 to 60 of 60 events")
    assert summaries(page)[-1] == "Event 1"
    assert page.select_one(".govuk-pagination__next") is None
    assert page.select_one(".govuk-pagination__prev a")["href"] == "/audit?entity_type=user&page=1"

    assert summaries(page_of(client.get("/audit?page=99")))[-1] == "Event 0", "past the end: the last page"
    assert summaries(page_of(client.get("/audit?page=nonsense")))[0] == "Event 119"
    numbers = [
        normalise_spaces(item) for item in page_of(client.get("/audit?page=2")).select(".govuk-pagination__item")
    ]
    assert numbers == ["1", "2", "3"]


def test_the_trail_runs_the_same_number_of_queries_however_many_events_and_people(client, login_as, count_queries):
    login_as("admin")
    start = datetime(2021, 1, 1, tzinfo=UTC)

    def add(count):
        for n in range(count):
            actor = create_user(email=f"person{n}-{count}@example.org", roles=())
            add_event(at=start + timedelta(minutes=n), user=actor, before={"n": n}, after={"n": n + 1})
        db.session.commit()

    add(3)
    with count_queries() as few:
        page_of(client.get("/audit"))
    add(40)
    with count_queries() as many:
        page = page_of(client.get("/audit"))
    assert len(summaries(page)) == 43
    assert many() == few()
    assert few() <= 10  # 8, and the area worked in and the signed-in user's memberships of areas


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm(database):
    event = add_event(at=datetime(2021, 3, 1, tzinfo=UTC), summary="Original")
    db.session.commit()

    event.summary = "Rewritten"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()

    event.after = {"level": "admin"}
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()

    db.session.delete(event)
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()

    assert db.session.scalars(select(AuditEvent.summary)).all() == ["Original"]


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_bulk_statements_cannot_change_audit_events_either(database, statement):
    add_event(at=datetime(2021, 3, 1, tzinfo=UTC), summary="Original")
    db.session.commit()
    query = update(AuditEvent).values(summary="Rewritten") if statement == "update" else delete(AuditEvent)
    try:
        with pytest.raises(AppendOnlyViolation):
            db.session.execute(query)
    finally:
        db.session.rollback()


def test_no_route_can_change_the_audit_trail(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("audit_log.") or "audit" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


@pytest.mark.parametrize("level", ["editor", "lead", "viewer"])
def test_only_admins_see_the_audit_trail(client, login_as, level):
    login_as(level)
    assert client.get("/audit").status_code == 403


def test_an_admins_own_changes_appear_in_the_trail(client, login_as, database):
    admin = login_as("admin", name="Ada Admin")
    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get("/users/new").get_data(as_text=True))
    client.post("/users/new", data={"name": "Nia", "email": "nia@example.org", "level": "viewer", "csrf_token": token})
    page = page_of(client.get(f"/audit?user={admin.id}"))
    assert summaries(page) == ["User Nia (nia@example.org) created as viewer"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1
