"""Flask-Login wiring: how a session finds its user."""

from flask import Flask
from sqlalchemy import select

from wsoa.extensions import db, login_manager
from wsoa.models import User


def register_auth(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        return db.session.scalars(select(User).where(User.id == int(user_id), User.active.is_(True))).first()

    from wsoa.permissions import user_can

    app.jinja_env.globals["user_can"] = user_can
