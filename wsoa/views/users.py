"""Managing who can sign in and what they may do."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user

from wsoa.domain.not_found import found
from wsoa.extensions import db
from wsoa.forms.users import EditUserForm, UserForm
from wsoa.permissions import requires
from wsoa.services import accounts
from wsoa.services import users as user_service
from wsoa.views.saving import save_form

bp = Blueprint("users", __name__)

# The latest set-password link an admin made, shown once on the user's page (never stored or audited).
NEW_LINK = "set_password_link"


def _hand_over_link(user) -> None:
    """Show the admin a fresh set-password link for this user and, where SMTP is configured, email it."""
    link = url_for("auth.set_password", token=accounts.set_password_token(user), _external=True)
    session[NEW_LINK] = {"user_id": user.id, "link": link, "emailed": accounts.email_set_password_link(user, link)}


@bp.route("/users")
@requires("manage_users")
def index():
    """Everyone who can sign in, their level, roles held and when they last signed in."""
    return render_template("users/index.html", users=user_service.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@requires("manage_users")
def new():
    """Add a user; they get a link to set their own password."""
    form = UserForm(roles=user_service.glossary_roles())
    if saved := save_form(
        form,
        lambda: user_service.add_user(
            email=form.email.data,
            name=form.name.data,
            level=form.level.data,
            role_codes=form.roles.data,
            actor_id=current_user.id,
        ),
        accounts.UserProblem,
    ):
        user = saved.value
        _hand_over_link(user)
        flash(f"{user.name} has been added. Give them the link below to set their password.", "success")
        return redirect(url_for("users.edit", user_id=user.id))
    return render_template("users/new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("manage_users")
def edit(user_id: int):
    """Change a user's details, level, roles held, or deactivate them (users are never deleted)."""
    user = found(user_service.get_user(user_id))
    form = EditUserForm(roles=user_service.glossary_roles(), obj=user)
    if not form.is_submitted():
        form.show_user(user)
    if saved := save_form(
        form, lambda: user_service.edit_user(user, form.values(), actor_id=current_user.id), accounts.UserProblem
    ):
        changed = saved.value
        flash(f"{user.name}: {'changes saved' if changed else 'nothing changed'}.", "success")
        return redirect(url_for("users.index"))
    new_link = session.pop(NEW_LINK, None)
    new_link = new_link if new_link and new_link.get("user_id") == user.id else None
    return render_template("users/edit.html", form=form, user=user, new_link=new_link)


@bp.route("/users/<int:user_id>/set-password-link", methods=["POST"])
@requires("manage_users")
def new_link(user_id: int):
    """Make a new set-password link, for a user who never used theirs or has forgotten their password."""
    user = found(user_service.get_user(user_id))
    if not user.active:
        flash(f"{user.name} is deactivated. Make them active before giving them a link.", "error")
        return redirect(url_for("users.edit", user_id=user.id))
    accounts.record_link_issued(user, actor_id=current_user.id)
    db.session.commit()
    _hand_over_link(user)
    flash(f"A new set-password link for {user.name} is below.", "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/users/<int:user_id>/sign-out-everywhere", methods=["POST"])
@requires("manage_users")
def sign_out_everywhere(user_id: int):
    """End every session the user has, wherever they signed in; they can sign in again with their password."""
    user = found(user_service.get_user(user_id))
    ended = user_service.sign_out_everywhere(user, actor_id=current_user.id)
    db.session.commit()
    sessions_word = "session" if ended == 1 else "sessions"
    flash(f"{user.name} has been signed out everywhere ({ended} {sessions_word} ended).", "success")
    return redirect(url_for("users.edit", user_id=user.id))
