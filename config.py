"""Settings for development, test and production, chosen by WSOA_ENV."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = BASE_DIR / "templates"
IMPORTS_DIR = BASE_DIR / "imports"
INSTANCE_DIR = BASE_DIR / "instance"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'wsoa.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # the session's own lifetime bounds the token
    # Evidence files on updates (README: Evidence): each at most this size; kept in the database unless EVIDENCE_DIR.
    EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR") or None
    # uploads: a council workbook is well under this; an evidence file at its limit fits, with the form around it
    MAX_CONTENT_LENGTH = max(20 * 1024 * 1024, EVIDENCE_MAX_BYTES) + 1024 * 1024
    MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # from sign-in, however active
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)  # signed out after this long without a request
    SET_PASSWORD_LINK_LIFETIME = timedelta(hours=72)
    # Set-password links are also emailed when MAIL_SERVER is set (they are always shown to the admin).
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() in ("1", "true", "yes")  # STARTTLS
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "false").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER")
    # GOV.UK Notify sends reminders instead of SMTP when the key and both template ids are set (README: Reminders).
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY")
    NOTIFY_REMINDER_TEMPLATE_ID = os.environ.get("NOTIFY_REMINDER_TEMPLATE_ID")
    NOTIFY_ESCALATION_TEMPLATE_ID = os.environ.get("NOTIFY_ESCALATION_TEMPLATE_ID")
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL")  # none: Notify's own API
    # The address people use to reach the service: links in reminder emails start with it.
    SERVICE_URL = os.environ.get("SERVICE_URL", "http://127.0.0.1:5000")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # How many reverse proxies stand in front of the app (0: none). Above 0, the client's address and scheme are read
    # from that many X-Forwarded-For/-Proto entries, so sign-in throttling counts each person, not the proxy.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    SERVICE_NAME = "WSoA tracker"
    DEMO_DATA = False
    TESTING = False


class Development(Config):
    DEBUG = False


class Test(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105  (tests only; production reads the environment)
    SQLALCHEMY_DATABASE_URI = os.environ.get("WSOA_TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    MAIL_SERVER = None  # tests that email links configure a fake server themselves
    NOTIFY_API_KEY = None
    SERVICE_URL = "http://wsoa.test"


class Production(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Production needs {' and '.join(missing)} set in the environment")
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]


CONFIGS = {"development": Development, "test": Test, "production": Production}


def config_from_environment() -> Config:
    name = os.environ.get("WSOA_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"WSOA_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]()
