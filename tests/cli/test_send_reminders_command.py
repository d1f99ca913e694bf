"""`wsoa send-reminders` as the scheduler runs it: on the demo plan, and as two processes at the same moment."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_user
from tests.mail_server import smtp_server
from wsoa.clock import today
from wsoa.demo import DEMO_USERS, load_demo
from wsoa.extensions import db
from wsoa.models import Notice

WSOA = Path(sys.executable).parent / "wsoa"


def test_on_the_demo_plan_each_demo_lead_is_emailed_about_overdue_actions_once(app, database, monkeypatch):
    load_demo()
    db.session.commit()
    with smtp_server() as (mail, port):
        for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False}.items():
            monkeypatch.setitem(app.config, key, value)
        first = app.test_cli_runner().invoke(args=["send-reminders"])  # today's date
        assert first.exit_code == 0, first.output
        leads = [email for email, _, level, roles in DEMO_USERS if level == "lead"]
        for lead in leads:
            reminders = [r for r in mail.to(lead) if r.subject.startswith("Please update your actions")]
            assert len(reminders) == 1, lead
            assert "Overdue: past its completion date" in reminders[0].part("plain")
        assert f"sent: Reminder (on-the-day) to {leads[0]}" in first.output
        received = len(mail.received)

        second = app.test_cli_runner().invoke(args=["send-reminders"])
        assert second.exit_code == 0, second.output
        assert len(mail.received) == received
        assert "sent: " not in second.output
    assert today() > date(2021, 4, 16)  # the demo period's updates were due long ago: the latest reminder goes


def test_two_processes_started_together_deliver_each_notice_once(app, database):
    plan = create_plan(title="Race WSoA")
    priority = create_priority(plan=plan, number=1)
    period = create_period(plan=plan, label="Q1", end=date(2022, 6, 30))
    period.updates_due_on = date(2022, 6, 20)
    leads = 25
    for n in range(leads):
        create_role(code=f"R{n}")
        create_action(priority=priority, ref=f"1.1.{n}", due_text="Dec 22", lead=f"R{n}")
        create_user(level="lead", email=f"lead{n}@council.example", name=f"Lead {n}", roles=[f"R{n}"])
    db.session.commit()
    with smtp_server() as (mail, port):
        env = os.environ | {
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "WSOA_ENV": "development",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(port),
            "MAIL_USE_TLS": "false",
        }
        command = [str(WSOA), "send-reminders", "--today", "2022-06-19"]
        processes = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [process.communicate(timeout=120) for process in processes]
        for process, (_out, err) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, err
        recipients = sorted(address for r in mail.received for address in r.to)
    assert recipients == sorted(f"lead{n}@council.example" for n in range(leads))  # each once, none twice
    sent_lines = sum(out.count("sent: ") for out, _ in outputs)
    assert sent_lines == leads
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Notice).where(Notice.status == "sent")) == leads
