"""Handing a composed email to the mail server (SMTP, the MAIL_* settings) or to GOV.UK Notify.

No database here: the outbox (wsoa.services.update_round) decides what to send and records what happened.
"""

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    kind: str  # reminder, escalation, digest, chaser: Notify uses one template per kind
    reference: str  # our outbox key, given to Notify so its records can be matched with ours


class DeliveryFailed(Exception):
    """The server refused the email or could not be reached; the notice is retried on the next run."""


class Delivery(Protocol):
    name: str

    def send(self, email: Email) -> None: ...


class SmtpDelivery:
    name = "SMTP"

    def __init__(self, config: Mapping[str, Any]):
        self.server = config["MAIL_SERVER"]
        self.port = int(config.get("MAIL_PORT") or 25)
        self.use_ssl = bool(config.get("MAIL_USE_SSL"))
        self.use_tls = bool(config.get("MAIL_USE_TLS")) and not self.use_ssl
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD") or ""
        self.sender = config.get("MAIL_SENDER") or f"no-reply@{self.server}"

    def send(self, email: Email) -> None:
        message = EmailMessage()
        message["Subject"] = email.subject
        message["From"] = self.sender
        message["To"] = email.to
        message.set_content(email.text)
        message.add_alternative(email.html, subtype="html")
        factory = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        try:
            with factory(self.server, self.port, timeout=20) as smtp:
                if self.use_tls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException, ValueError) as error:
            raise DeliveryFailed(f"the mail server did not accept it ({error})".strip()) from error


class NotifyDelivery:
    """GOV.UK Notify through its official client. Each template has ((subject)) and ((body)) placeholders."""

    name = "GOV.UK Notify"

    def __init__(self, config: Mapping[str, Any]):
        from notifications_python_client.notifications import NotificationsAPIClient

        options = {"base_url": config["NOTIFY_BASE_URL"]} if config.get("NOTIFY_BASE_URL") else {}
        self.client = NotificationsAPIClient(config["NOTIFY_API_KEY"], timeout=20, **options)
        self.templates = notify_templates(config)

    def send(self, email: Email) -> None:
        from notifications_python_client.errors import APIError
        from requests import RequestException

        try:
            self.client.send_email_notification(
                email_address=email.to,
                template_id=self.templates[email.kind],
                personalisation={"subject": email.subject, "body": email.text},
                reference=email.reference,
            )
        except (APIError, RequestException, OSError) as error:
            raise DeliveryFailed(f"GOV.UK Notify did not accept it ({error})") from error


NOTIFY_TEMPLATE_SETTINGS = {
    "reminder": "NOTIFY_REMINDER_TEMPLATE_ID",
    "digest": "NOTIFY_REMINDER_TEMPLATE_ID",
    "chaser": "NOTIFY_REMINDER_TEMPLATE_ID",
    "escalation": "NOTIFY_ESCALATION_TEMPLATE_ID",
}


def notify_templates(config: Mapping[str, Any]) -> dict[str, str]:
    return {kind: config.get(setting) or "" for kind, setting in NOTIFY_TEMPLATE_SETTINGS.items()}


def delivery_from_config(config: Mapping[str, Any]) -> Delivery | None:
    """Notify when its key and both template ids are set, else SMTP when MAIL_SERVER is, else None."""
    if config.get("NOTIFY_API_KEY") and all(notify_templates(config).values()):
        return NotifyDelivery(config)
    if config.get("MAIL_SERVER"):
        return SmtpDelivery(config)
    return None


NOT_CONFIGURED = (
    "No way to send email is set up: set MAIL_SERVER (and the other MAIL_* settings) for SMTP, or NOTIFY_API_KEY, "
    "NOTIFY_REMINDER_TEMPLATE_ID and NOTIFY_ESCALATION_TEMPLATE_ID for GOV.UK Notify"
)
