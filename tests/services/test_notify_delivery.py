"""GOV.UK Notify: the official client, pointed at a local server that checks each request as Notify would."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from sqlalchemy import select

from tests import update_round
from wsoa.extensions import db
from wsoa.models import AuditEvent, Notice

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"wsoa_test-{SERVICE_ID}-{SECRET}"
REMINDER_TEMPLATE = str(uuid.uuid4())
ESCALATION_TEMPLATE = str(uuid.uuid4())

round_ = update_round.round_


class FakeNotify(BaseHTTPRequestHandler):
    received: list[dict] = []
    problems: list[str] = []
    refuse = False

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        except jwt.InvalidTokenError as error:
            self.problems.append(f"bad token: {error}")
            claims = {}
        if claims.get("iss") != SERVICE_ID:
            self.problems.append("token not issued for our service")
        if self.path != "/v2/notifications/email":
            self.problems.append(f"unexpected path {self.path}")
        if body.get("template_id") not in (REMINDER_TEMPLATE, ESCALATION_TEMPLATE):
            self.problems.append(f"unknown template {body.get('template_id')}")
        if set(body.get("personalisation", {})) != {"subject", "body"}:
            self.problems.append(f"personalisation {sorted(body.get('personalisation', {}))}")
        if self.refuse:
            self._reply(400, {"status_code": 400, "errors": [{"error": "BadRequestError", "message": "Not today"}]})
            return
        self.received.append(body)
        self._reply(201, {"id": str(uuid.uuid4()), "reference": body.get("reference")})

    def _reply(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def notify(app, monkeypatch):
    FakeNotify.received, FakeNotify.problems, FakeNotify.refuse = [], [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNotify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings = {
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_REMINDER_TEMPLATE_ID": REMINDER_TEMPLATE,
        "NOTIFY_ESCALATION_TEMPLATE_ID": ESCALATION_TEMPLATE,
        "NOTIFY_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
        "MAIL_SERVER": "127.0.0.1",  # Notify is chosen over SMTP when both are set
        "MAIL_PORT": 9,
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    yield FakeNotify
    server.shutdown()
    server.server_close()


def run(app, *args):
    return app.test_cli_runner().invoke(args=["send-reminders", *args])


def test_reminders_and_escalations_go_through_notify_with_their_templates(app, round_, notify):
    result = run(app, "--today", "2021-04-16")
    assert result.exit_code == 0, result.output
    assert notify.problems == []
    by_address = {body["email_address"]: body for body in notify.received}
    assert sorted(by_address) == ["ann@council.example", "dee@council.example", "officer@council.example"]
    reminder, escalation = by_address["ann@council.example"], by_address["officer@council.example"]
    assert reminder["template_id"] == REMINDER_TEMPLATE
    assert escalation["template_id"] == ESCALATION_TEMPLATE
    assert reminder["personalisation"]["subject"] == "Please update your actions in Testshire WSoA by 13 Apr 2021"
    assert "1.1.1 Publish the local offer" in reminder["personalisation"]["body"]
    assert "Lead: DoP (Ann Lead)" in escalation["personalisation"]["body"]
    summaries = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.event == "notice.sent")).all()
    assert len(summaries) == 3
    assert all(summary.endswith("sent by GOV.UK Notify") for summary in summaries)


def test_a_request_notify_refuses_is_kept_and_sent_on_the_next_run(app, round_, notify):
    notify.refuse = True
    first = run(app, "--today", "2021-04-12")
    assert first.exit_code == 1
    assert "GOV.UK Notify did not accept it" in first.output
    notify.refuse = False
    second = run(app, "--today", "2021-04-12")
    assert second.exit_code == 0, second.output
    assert [body["email_address"] for body in notify.received] == ["ann@council.example"]
    assert db.session.scalars(select(Notice.status)).all() == ["sent"]
