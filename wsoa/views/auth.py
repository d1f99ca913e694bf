"""Signing in and out, session expiry, changing a password and setting one from a link; the public health check."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_url, login_user, logout_user

from wsoa.auth import ENDED_REASON, SESSION_TOKEN
from wsoa.extensions import db
from wsoa.forms import show_problems
from wsoa.forms.auth import ChangePasswordForm, SetPasswordForm, SignInForm
from wsoa.permissions import PUBLIC, requires
from wsoa.services import accounts, sessions
from wsoa.services.accounts import UserProblem
from wsoa.views.saving import save_form

bp = Blueprint("auth", __name__)

SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVE = "last_active"
_UNSAFE_CHARACTERS = frozenset("\\") | {chr(code) for code in range(33)} | {chr(127)}
# Requests that skip session expiry: no user is loaded, so no database query is made.
SESSIONLESS_ENDPOINTS = frozenset({"static", "auth.healthz"})


def safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site: never an open redirect."""
    # Browsers read "/\evil.example" as "//evil.example" and drop tabs and newlines from URLs, so a path with a
    # backslash, whitespace or control character is never followed.
    if target and target.startswith("/") and not target.startswith("//") and _UNSAFE_CHARACTERS.isdisjoint(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("plans.index")


def _start_session(user) -> None:
    """A fresh session (nothing from before sign-in carries over) that expires however it is used, recorded on the
    server so that signing out ends it everywhere (the caller commits)."""
    sessions.end(session.get(SESSION_TOKEN))  # signing in again in the same browser ends the session before
    session.clear()
    login_user(user)
    session.permanent = True
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[LAST_ACTIVE] = now
    session[SESSION_TOKEN] = sessions.start(user, lifetime=current_app.permanent_session_lifetime)


def _end_session() -> None:
    """End this session on the server as well as in this browser: a copy of the cookie signs no one in."""
    token = session.get(SESSION_TOKEN)
    # A row already ended elsewhere is kept (until the lifetime clean-up) so every copy is told why, not just the first.
    if isinstance(token, str) and g.get(ENDED_REASON) is None:
        sessions.end(token)
        db.session.commit()
    logout_user()
    session.clear()


def _signed_out(reason: str):
    """End the session and say why; a page that needs signing in goes straight to sign-in (one message, not two)."""
    _end_session()
    flash(reason, "info")
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "required_capability", PUBLIC) == PUBLIC:
        return None
    return redirect(login_url("auth.sign_in", next_url=request.url if request.method == "GET" else None))


@bp.before_app_request
def expire_sessions():
    """Sign out a session that has been idle too long or is older than its lifetime, and tell whoever holds a session
    that was ended elsewhere (signed out, password changed, signed out by an admin) why."""
    if request.endpoint in SESSIONLESS_ENDPOINTS or "_user_id" not in session:
        return None
    now = time.time()
    idle = current_app.config.get("SESSION_IDLE_TIMEOUT", timedelta(hours=2)).total_seconds()
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    last_active, signed_in_at = session.get(LAST_ACTIVE), session.get(SIGNED_IN_AT)
    if not isinstance(last_active, int | float) or not isinstance(signed_in_at, int | float):
        _end_session()
        return None
    if now - last_active > idle:
        return _signed_out("You were signed out because you had not used the service for a while. Sign in again.")
    if now - signed_in_at > lifetime:
        hours = int(lifetime // 3600)
        return _signed_out(f"You were signed out because you signed in more than {hours} hours ago. Sign in again.")
    # Loading the user (with their session's row, in one query) costs nothing extra: every signed-in page does.
    if not current_user.is_authenticated:
        reason = g.get(ENDED_REASON)
        return _signed_out(sessions.ENDED_MESSAGES.get(reason or "", sessions.ENDED_MESSAGE))
    if now - last_active > 60:  # rewrite the cookie at most once a minute
        session[LAST_ACTIVE] = now
    return None


@bp.route("/healthz")
@requires(PUBLIC)
def healthz():
    """For load balancers and monitoring: the app is serving. No database query, no session, no template."""
    return Response("ok", mimetype="text/plain")


@bp.route("/sign-in", methods=["GET", "POST"])
@requires(PUBLIC)
def sign_in():
    """Sign in with email and password."""
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_in(form.email.data, form.password.data, address=request.remote_addr)
        except accounts.SignInRefused as refused:
            db.session.commit()  # the failure counts towards the limits even though nothing else is saved
            form.email.errors = [*form.email.errors, refused.message]
        else:
            _start_session(user)
            db.session.commit()
            # Leads land on their own actions unless they were sent here from another page.
            target = request.args.get("next") or (url_for("updates.my_actions") if user.level == "lead" else None)
            return redirect(safe_next(target))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@requires(PUBLIC)
def sign_out():
    """Sign out and forget the session."""
    _end_session()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/change-password", methods=["GET", "POST"])
@requires("change_own_password")
def change_password():
    """Change your own password: the current one, then the new one twice."""
    form = ChangePasswordForm()
    if save_form(
        form,
        lambda: accounts.change_password(
            current_user,
            current_password=form.current_password.data,
            new_password=form.new_password.data,
            this_session=session.get(SESSION_TOKEN),  # this session stays; every other one ends
        ),
        UserProblem,
    ):
        flash("Your password has been changed.", "success")
        return redirect(url_for("plans.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@requires(PUBLIC)
def set_password(token: str):
    """Set a password from the link an admin gave a new user (or a user who had forgotten theirs)."""
    user = accounts.user_for_token(token)
    if user is None:
        return render_template("auth/link_expired.html"), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.set_password_from_token(token, form.new_password.data)
        except UserProblem as problem:
            show_problems(form, problem, names={"password": "new_password"})
        else:
            if user is None:
                return render_template("auth/link_expired.html"), 400
            db.session.commit()
            flash("Your password is set. Sign in with your email address and new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form, user=user)
