"""A plan in its update round and a real SMTP server, shared by the reminder tests (use them as fixtures)."""

from datetime import date

import pytest

from tests.factories import (
    create_action,
    create_period,
    create_plan,
    create_priority,
    create_role,
    create_update,
    create_user,
)
from tests.mail_server import smtp_server
from wsoa.extensions import db
from wsoa.models import NoticePreference

BOARD = date(2021, 4, 20)  # updates due 7 days before: 13 Apr 2021
DUE = date(2021, 4, 13)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def mail(app, monkeypatch):
    with smtp_server() as (handler, port):
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
        monkeypatch.setitem(app.config, "MAIL_SENDER", "tracker@council.example")
        yield handler


@pytest.fixture
def round_(database):
    """A plan in its update round: Ann leads two actions still owing, Bob has updated his, Dee leads the priority."""
    plan = create_plan(title="Testshire WSoA")
    for code in ("DoP", "NO", "DCS", "HT"):
        create_role(code=code)
    priority = create_priority(plan=plan, number=1, lead_role="DCS")
    period = create_period(plan=plan, label="Mar 21", start=date(2020, 12, 1), end=date(2021, 3, 31))
    period.board_date = BOARD
    owing = create_action(
        priority=priority, ref="1.1.1", title="Publish the local offer", due_text="Sep 21", lead="DoP"
    )
    due_soon = create_action(priority=priority, ref="1.1.2", title="Train SENCOs", due_text="20/04/2021", lead="DoP")
    create_update(action=due_soon, period=period, rag="green")
    done_by_bob = create_action(priority=priority, ref="1.1.3", title="Audit EHCPs", due_text="Dec 21", lead="NO")
    create_update(action=done_by_bob, period=period, rag="amber")
    complete = create_action(priority=priority, ref="1.1.4", title="Appoint a DCO", due_text="Dec 20", lead="DoP")
    create_update(action=complete, period=None, rag="blue", evidence="Minutes")
    create_action(priority=priority, ref="1.1.5", title="Nobody holds this", due_text="Dec 21", lead="HT")
    people = {
        "ann": create_user(
            level="lead", name="Ann Lead", email="ann@council.example", roles=["DoP"], password=PASSWORD
        ),
        "bob": create_user(level="lead", name="Bob Lead", email="bob@council.example", roles=["NO"]),
        "dee": create_user(level="lead", name="Dee Director", email="dee@council.example", roles=["DCS"]),
        "officer": create_user(level="editor", name="Olu Officer", email="officer@council.example"),
        "quiet": create_user(level="editor", name="Quiet Officer", email="quiet@council.example"),
    }
    db.session.add(NoticePreference(user_id=people["officer"].id, weekly_digest=False, escalations=True))
    db.session.commit()
    return {"plan": plan, "period": period, "owing": owing, "due_soon": due_soon, **people}
