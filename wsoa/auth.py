"""Flask-Login wiring: how a session finds its user, and the remember-me cookie that is never set."""

from flask import Flask, current_app, g, request, session

from wsoa.extensions import login_manager
from wsoa.models import User
from wsoa.services import sessions

# The session cookie's key for the token that names this session's row (wsoa.services.sessions).
SESSION_TOKEN = "session_token"  # noqa: S105  (a key name, not a secret)
# Why the session's row was ended, when the loader found it ended: for the message the person sees.
ENDED_REASON = "session_ended_reason"


def _clear_remember_cookie(response) -> None:
    """Flask-Login's clearing of a remember-me cookie, only when the browser has one, and with the same flags.

    The app never sets a remember-me cookie, but Flask-Login clears one whenever session protection resets a session
    (every anonymous page with a CSRF secret in its session): that Set-Cookie had no Secure, HttpOnly or SameSite.
    """
    config = current_app.config
    name = config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if name not in request.cookies:
        return
    response.delete_cookie(
        name,
        domain=config.get("REMEMBER_COOKIE_DOMAIN"),
        path=config.get("REMEMBER_COOKIE_PATH", "/"),
        secure=bool(config.get("REMEMBER_COOKIE_SECURE")),
        httponly=bool(config.get("REMEMBER_COOKIE_HTTPONLY", True)),
        samesite=config.get("REMEMBER_COOKIE_SAMESITE") or "Lax",
    )


def register_auth(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    # Flask-Login calls self._clear_cookie(response) from its after-request hook; this instance uses ours
    # (tests/security/test_production.py reads every Set-Cookie, so a Flask-Login that stops doing this shows).
    login_manager._clear_cookie = _clear_remember_cookie

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        token = session.get(SESSION_TOKEN)
        user, ended_reason = sessions.load_user(int(user_id), token if isinstance(token, str) else None)
        if user is None:
            g.setdefault(ENDED_REASON, ended_reason)
        return user

    from wsoa.permissions import user_can

    app.jinja_env.globals["user_can"] = user_can
