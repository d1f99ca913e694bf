"""`wsoa send-reminders` against a real SMTP server on the loopback: who gets what, once, and retried when refused."""

import re
from urllib.parse import urlsplit

from sqlalchemy import select

from tests import update_round
from tests.conftest import csrf_token_from
from wsoa.extensions import db
from wsoa.models import AuditEvent, Kpi, Notice, NoticePreference

round_, mail = update_round.round_, update_round.mail


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["send-reminders", *args])
    return result


def test_each_lead_gets_one_email_listing_only_what_they_owe(app, round_, mail):
    result = run(app, "--today", "2021-04-12")  # 1 day before the updates are due
    assert result.exit_code == 0, result.output
    assert [r.to for r in mail.received] == [["ann@council.example"]]  # Bob has updated; Dee leads nothing owing
    email = mail.received[0]
    assert email.subject == "Please update your actions in Testshire WSoA by 13 Apr 2021"
    text, html = email.part("plain"), email.part("html")
    for part in (text, html):
        assert "1.1.1 Publish the local offer" in part
        assert "1.1.2 Train SENCOs" in part  # updated, but its completion date is within 14 days
        assert "1.1.3" not in part
        assert "1.1.4" not in part
        assert "due in 1 day, on 13 Apr 2021" in part  # why it was sent
        assert "reminder settings page" in part  # how to change the settings
        assert "password" not in part.lower()
        assert "sign-in" not in part.lower()
    assert "No update yet this review period" in text
    assert result.output.count("sent: ") == 1


def test_the_links_in_the_email_open_each_actions_update_page(app, round_, mail, client):
    run(app, "--today", "2021-04-12")
    links = re.findall(r"https?://\S+", mail.received[0].part("plain"))
    update_links = [link for link in links if link.endswith("/update")]
    assert [urlsplit(link).path for link in update_links] == [
        f"/actions/{round_['owing'].id}/update",
        f"/actions/{round_['due_soon'].id}/update",
    ]
    sign_in = client.get("/sign-in")
    client.post(
        "/sign-in",
        data={
            "email": "ann@council.example",
            "password": update_round.PASSWORD,
            "csrf_token": csrf_token_from(sign_in.text),
        },
    )
    for link in [*update_links, next(link for link in links if link.endswith("/account/notices"))]:
        assert client.get(urlsplit(link).path).status_code == 200, link


def test_a_second_run_sends_nothing_new(app, round_, mail):
    run(app, "--today", "2021-04-12")
    again = run(app, "--today", "2021-04-12")
    assert again.exit_code == 0
    assert len(mail.received) == 1
    assert "sent: " not in again.output


def test_nobody_is_reminded_about_an_archived_plan(app, round_, mail):
    from wsoa.services.plan_archive import archive_plan

    archive_plan(round_["plan"], user_id=None)
    db.session.commit()
    result = run(app, "--today", "2021-04-12")
    assert result.exit_code == 0
    assert mail.received == []


def test_escalation_names_who_has_not_updated_to_the_officer_who_asked_and_the_priority_lead(app, round_, mail):
    run(app, "--today", "2021-04-16")  # 3 days after the updates were due
    recipients = sorted(address for r in mail.received for address in r.to)
    assert recipients == ["ann@council.example", "dee@council.example", "officer@council.example"]
    escalation = mail.to("officer@council.example")[0]
    assert escalation.subject == "Not updated: 2 actions in Testshire WSoA"
    text = escalation.part("plain")
    assert "1.1.1 Publish the local offer" in text
    assert "Lead: DoP (Ann Lead)" in text
    assert "Lead: HT (no one holds this role)" in text
    assert "1.1.3" not in text
    assert mail.to("quiet@council.example") == []  # an officer who did not ask for escalations


def test_a_refused_email_is_kept_and_sent_exactly_once_on_the_next_run(app, round_, mail):
    mail.refuse_next = 1
    first = run(app, "--today", "2021-04-12")
    assert first.exit_code == 1
    assert "failed: " in first.output
    assert "tried again on the next run" in first.output
    assert mail.received == []
    notice = db.session.scalars(select(Notice)).one()
    assert (notice.status, notice.attempts) == ("failed", 1)

    second = run(app, "--today", "2021-04-13")  # the next day's run retries it (and sends the day's own reminder)
    assert second.exit_code == 0, second.output
    subjects = [(r.to, r.message["Subject"]) for r in mail.received]
    assert len(subjects) == 2
    db.session.expire_all()
    rows = db.session.scalars(select(Notice).order_by(Notice.id)).all()
    assert [(n.occasion, n.status, n.attempts) for n in rows] == [
        ("1-day-before", "sent", 2),
        ("on-the-day", "sent", 1),
    ]
    third = run(app, "--today", "2021-04-13")
    assert len(mail.received) == 2
    assert "sent: " not in third.output


def test_every_notice_sent_or_failed_is_in_the_audit_trail(app, round_, mail):
    mail.refuse_next = 1
    run(app, "--today", "2021-04-12")
    run(app, "--today", "2021-04-12")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "notice").order_by(AuditEvent.id))
    assert [(e.event, e.after["status"]) for e in events] == [("notice.failed", "failed"), ("notice.sent", "sent")]


def test_dry_run_says_what_would_be_sent_and_sends_and_records_nothing(app, round_, mail):
    result = run(app, "--today", "2021-04-12", "--dry-run")
    assert result.exit_code == 0
    assert "would send: Reminder (1-day-before) to ann@council.example" in result.output
    assert mail.received == []
    assert db.session.scalars(select(Notice)).all() == []


def test_without_a_mail_server_the_command_says_how_to_set_one_up(app, round_):
    result = run(app, "--today", "2021-04-12")
    assert result.exit_code == 1
    assert "set MAIL_SERVER" in result.output
    assert "NOTIFY_API_KEY" in result.output


def test_a_date_that_is_not_a_date_is_refused_clearly(app, round_):
    result = run(app, "--today", "12/04/2021")
    assert result.exit_code == 2
    assert "--today" in result.output


def test_a_weekly_digest_replaces_the_separate_reminders(app, round_, mail):
    db.session.add(NoticePreference(user_id=round_["ann"].id, weekly_digest=True, escalations=False))
    db.session.commit()
    run(app, "--today", "2021-04-13")  # a Tuesday: the on-the-day reminder, but Ann chose the digest
    assert mail.to("ann@council.example") == []
    run(app, "--today", "2021-04-19")  # the Monday after
    assert [r.subject for r in mail.to("ann@council.example")] == ["Your weekly summary for Testshire WSoA"]


def test_kpi_owners_are_reminded_when_a_value_is_due_and_ownerless_kpis_are_named_to_the_officer(app, round_, mail):
    from wsoa.models import Role

    plan_priority = round_["owing"].priority_id
    no_role = db.session.scalars(select(Role).where(Role.code == "NO")).one()
    db.session.add_all(
        [
            Kpi(
                priority_id=plan_priority,
                text="EHCPs issued within 20 weeks",
                frequency="monthly",
                owner_role_id=no_role.id,
            ),
            Kpi(priority_id=plan_priority, text="Exclusions of children with an EHCP", frequency="termly"),
            Kpi(priority_id=plan_priority, text="No frequency, no reminder", owner_role_id=no_role.id),
        ]
    )
    db.session.commit()
    run(app, "--today", "2021-04-16")
    bob = mail.to("bob@council.example")
    assert len(bob) == 1
    assert "EHCPs issued within 20 weeks (monthly, no value yet)" in bob[0].part("plain")
    assert "No frequency" not in bob[0].part("plain")
    officer = mail.to("officer@council.example")[0].part("plain")
    assert "have a value due but no owner" in officer
    assert "Exclusions of children with an EHCP" in officer


def test_nothing_is_lost_when_the_mail_server_is_down(app, round_, monkeypatch):
    from tests.mail_server import free_port, smtp_server

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    down = run(app, "--today", "2021-04-12")
    assert down.exit_code == 1
    assert "the mail server did not accept it" in down.output
    with smtp_server() as (mail, port):
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        up = run(app, "--today", "2021-04-12")  # the next run: the kept notice goes, once
        assert up.exit_code == 0, up.output
        assert [r.to for r in mail.received] == [["ann@council.example"]]
    db.session.expire_all()
    assert db.session.scalars(select(Notice.status)).all() == ["sent"]


def test_a_notice_left_sending_by_a_process_that_died_is_sent_after_fifteen_minutes(app, round_, mail):
    from datetime import date, timedelta

    from wsoa.models.types import utcnow
    from wsoa.services import update_round

    with app.test_request_context():
        update_round.queue(update_round.notices_due(date(2021, 4, 12)))
    notice = db.session.scalars(select(Notice)).one()
    notice.status, notice.claimed_at = "sending", utcnow() - timedelta(minutes=5)
    db.session.commit()
    run(app, "--today", "2021-04-12")
    assert mail.received == []  # another process may still be sending it
    notice.claimed_at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    run(app, "--today", "2021-04-12")
    assert [r.to for r in mail.received] == [["ann@council.example"]]
