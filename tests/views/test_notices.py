"""The chase list, "Send a reminder now", a plan's reminder settings and each person's reminder emails page."""

from datetime import date

import pytest
from sqlalchemy import select

from tests import update_round
from tests.conftest import csrf_token_from, normalise_spaces, page_of
from wsoa.extensions import db
from wsoa.models import AuditEvent, Notice, NoticePreference, ReminderSettings

round_, mail = update_round.round_, update_round.mail
PASSWORD = update_round.PASSWORD


@pytest.fixture
def frozen_today(monkeypatch):
    """The day before the round's updates are due (13 Apr 2021)."""
    monkeypatch.setattr("wsoa.views.notices.today", lambda: date(2021, 4, 12))


def sign_in(client, email: str):
    token = csrf_token_from(client.get("/sign-in").text)
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_chase_list_shows_each_lead_owing_updates_their_actions_and_the_reminder_dates(
    client,
    login_as,
    round_,
    frozen_today,
):
    login_as("editor")
    page = page_of(client.get(f"/plans/{round_['plan'].id}/chase-list"))
    assert "Updates are due by 13 Apr 2021" in normalise_spaces(page.select_one("#due-by"))
    assert (
        "6 Apr 2021 (7 days before), 12 Apr 2021 (1 day before), 13 Apr 2021 (on the day), 16 Apr 2021 (escalation)"
        in (normalise_spaces(page.select_one("#due-by")))
    )
    ann = page.select_one(f"#lead-{round_['ann'].id}")
    assert "Ann Lead" in ann.h2.text
    rows = [normalise_spaces(tr) for tr in ann.select("tbody tr")]
    assert rows[0].startswith("1.1.1 Publish the local offer Not rated No update yet this review period")
    assert rows[1].startswith("1.1.2 Train SENCOs Green Completion date within the next 14 days")
    assert page.select_one(f"#lead-{round_['bob'].id}") is None  # Bob has updated: nothing to chase
    assert "No one holds these lead roles" in page.text
    assert "HT" in normalise_spaces(page.select_one(".govuk-warning-text"))


def test_send_a_reminder_now_emails_the_lead_records_it_and_refuses_a_second_within_the_hour(
    client,
    login_as,
    round_,
    mail,
    frozen_today,
):
    officer = login_as("editor")
    url = f"/plans/{round_['plan'].id}/chase-list"
    page = page_of(client.get(url))
    form = page.select_one(f"#lead-{round_['ann'].id} form")
    response = client.post(form["action"], data={"csrf_token": csrf_token_from(str(form))})
    assert response.status_code == 302
    assert [r.to for r in mail.received] == [["ann@council.example"]]
    assert "1.1.1 Publish the local offer" in mail.received[0].part("plain")
    assert "the project officer asked for your update" in mail.received[0].part("plain")

    page = page_of(client.get(response.headers["Location"]))
    assert "Reminder sent to ann@council.example." in page.text
    notices = normalise_spaces(page.select_one(f"#lead-{round_['ann'].id}-notices"))
    assert "Reminder sent now" in notices
    assert "Delivered" in notices
    assert page.select_one(f"#lead-{round_['ann'].id} form") is None  # no button again within the hour
    audit = db.session.scalars(
        select(AuditEvent.event).where(AuditEvent.user_id == officer.id).order_by(AuditEvent.id)
    ).all()
    assert audit == ["notice.requested", "notice.sent"]

    again = client.post(form["action"], data={"csrf_token": csrf_token_from(str(form))})
    assert "less than an hour ago" in page_of(client.get(again.headers["Location"])).text
    assert len(mail.received) == 1
    assert db.session.scalar(select(Notice.occasion)).startswith("chaser-")


def test_send_a_reminder_now_without_a_mail_server_is_recorded_for_the_next_run(
    client,
    login_as,
    round_,
    frozen_today,
):
    login_as("editor")
    url = f"/plans/{round_['plan'].id}/chase-list/{round_['period'].id}/leads/{round_['ann'].id}/send-reminder"
    token = csrf_token_from(client.get(f"/plans/{round_['plan'].id}/chase-list").text)
    response = client.post(url, data={"csrf_token": token})
    page = page_of(client.get(response.headers["Location"]))
    assert "goes on the next run" in page.text
    assert "Waiting to send" in normalise_spaces(page.select_one(f"#lead-{round_['ann'].id}-notices"))


def test_a_lead_with_nothing_outstanding_is_not_sent_a_reminder(client, login_as, round_, frozen_today):
    login_as("editor")
    url = f"/plans/{round_['plan'].id}/chase-list/{round_['period'].id}/leads/{round_['bob'].id}/send-reminder"
    token = csrf_token_from(client.get(f"/plans/{round_['plan'].id}/chase-list").text)
    response = client.post(url, data={"csrf_token": token})
    assert "nothing outstanding" in page_of(client.get(response.headers["Location"])).text
    assert db.session.scalars(select(Notice)).all() == []


def test_reminder_settings_are_saved_and_bad_days_are_refused_with_the_field_named(
    client,
    login_as,
    round_,
):
    login_as("editor")
    url = f"/plans/{round_['plan'].id}/reminder-settings"
    token = csrf_token_from(client.get(url).text)
    data = {
        "csrf_token": token,
        "due_days_before_board": "10",
        "days_before": "seven",
        "on_the_day": "y",
        "escalation_days_after": "",
    }
    refused = page_of(client.post(url, data=data))
    assert refused.title.text.startswith("Error: ")
    assert "for example 7, 1" in normalise_spaces(refused.select_one(".govuk-error-summary"))
    data |= {
        "days_before": "14, 2",
        "updates_due_on-day": "1",
        "updates_due_on-month": "4",
        "updates_due_on-year": "2021",
    }
    data["updates_due_on"] = ["1", "4", "2021"]
    assert client.post(url, data=data).status_code == 302
    settings = db.session.get(ReminderSettings, round_["plan"].id)
    assert (settings.days_before, settings.due_days_before_board, settings.escalation_days_after) == ("14,2", 10, None)
    db.session.refresh(round_["period"])
    assert round_["period"].updates_due_on == date(2021, 4, 1)
    assert db.session.scalar(select(AuditEvent.event).where(AuditEvent.event == "reminder_settings.changed"))


def test_my_reminder_emails_page_says_what_i_get_and_offers_a_weekly_digest_not_switching_off(
    client,
    round_,
):
    sign_in(client, "ann@council.example")
    page = page_of(client.get("/account/notices"))
    plan_entry = normalise_spaces(page.select_one(f"#plan-{round_['plan'].id}"))
    assert "Reminders about the 3 actions your roles lead" in plan_entry
    assert "Updates are due by 13 Apr 2021" in plan_entry
    assert "(on the day)." in plan_entry  # Ann leads no priority: the escalation is not hers
    choices = [normalise_spaces(label) for label in page.select("form .govuk-radios__label")]
    assert choices == ["A separate email for each reminder", "One weekly email on Mondays"]
    assert page.select_one("input[name=escalations]") is None  # leads are not offered escalations
    token = csrf_token_from(str(page))
    assert client.post("/account/notices", data={"csrf_token": token, "how": "digest"}).status_code == 302
    assert db.session.get(NoticePreference, round_["ann"].id).weekly_digest is True
    refused = page_of(client.post("/account/notices", data={"csrf_token": token, "how": "off"}))
    assert "Select how you want reminders" in refused.text


def test_an_officer_can_ask_for_escalations(client, round_):
    db.session.get(NoticePreference, round_["officer"].id).escalations = False
    db.session.commit()
    from wsoa.services.accounts import set_password

    set_password(round_["officer"], update_round.PASSWORD)
    db.session.commit()
    sign_in(client, "officer@council.example")
    token = csrf_token_from(client.get("/account/notices").text)
    client.post("/account/notices", data={"csrf_token": token, "how": "separate", "escalations": "y"})
    db.session.expire_all()
    assert db.session.get(NoticePreference, round_["officer"].id).escalations is True


def build_round(leads: int, prefix: str):
    from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_user
    from wsoa.models import Kpi

    plan = create_plan(title=f"Plan with {leads} leads")
    priority = create_priority(plan=plan, number=1, lead_role=f"{prefix}0")
    period = create_period(plan=plan, label="Q1")
    period.updates_due_on = date(2021, 4, 13)
    for n in range(leads):
        role = create_role(code=f"{prefix}{n}")
        for a in range(3):
            create_action(priority=priority, ref=f"1.{n}.{a}", lead=f"{prefix}{n}", due_text="Dec 20")
        create_user(level="lead", email=f"{prefix}{n}@council.example", name=f"Lead {n}", roles=[f"{prefix}{n}"])
        db.session.add(Kpi(priority_id=priority.id, text=f"Measure {n}", frequency="monthly", owner_role_id=role.id))
    db.session.commit()
    return plan


def test_the_chase_list_runs_the_same_queries_for_2_leads_as_for_12(client, login_as, count_queries, frozen_today):
    login_as("editor")
    counts = []
    for leads, prefix in ((2, "A"), (12, "B")):
        plan = build_round(leads, prefix)
        with count_queries() as counted:
            page = page_of(client.get(f"/plans/{plan.id}/chase-list"))
        assert len(page.select("section[id^=lead-]")) == leads
        counts.append(counted())
    assert counts[0] == counts[1]
