"""Signing in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from wsoa.extensions import db
from wsoa.forms.auth import SignInForm
from wsoa.permissions import PUBLIC, requires
from wsoa.services.users import authenticate

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site: never an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("plans.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@requires(PUBLIC)
def sign_in():
    """Sign in with email and password."""
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            db.session.commit()
            # Leads land on their own actions unless they were sent here from another page.
            target = request.args.get("next") or (url_for("updates.my_actions") if user.level == "lead" else None)
            return redirect(safe_next(target))
        form.email.errors = [*form.email.errors, "Enter a correct email address and password"]
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@requires(PUBLIC)
def sign_out():
    """Sign out and forget the session."""
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))
