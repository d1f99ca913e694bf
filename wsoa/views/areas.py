"""Local areas: instance admins create them (with a first admin); members of several choose which to work in."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from wsoa.extensions import db
from wsoa.forms.areas import AreaForm
from wsoa.models import Area
from wsoa.permissions import requires
from wsoa.scope import choose_area, current_area_id
from wsoa.services import accounts
from wsoa.services import areas as area_service
from wsoa.views.saving import save_form

bp = Blueprint("areas", __name__)


def current_area() -> Area | None:
    area_id = current_area_id()
    return db.session.get(Area, area_id) if area_id is not None else None


@bp.app_context_processor
def _current_area() -> dict:
    return {"current_area_id": current_area_id, "current_area": current_area}


@bp.route("/areas")
@requires("view")
def index():
    """The areas the user is a member of, their level in each, and which one they are working in."""
    return render_template("areas/index.html", areas=area_service.areas_of(current_user))


@bp.route("/areas/<int:area_id>/choose", methods=["POST"])
@requires("view")
def choose(area_id: int):
    area = choose_area(current_user, area_id)
    flash(f"You are now working in {area.name}.", "success")
    return redirect(url_for("plans.index"))


@bp.route("/admin/areas", methods=["GET", "POST"])
@requires("manage_areas")
def manage():
    """Every local area; create one with its first admin (instance admins only)."""
    form = AreaForm()
    if saved := save_form(
        form,
        lambda: area_service.create_area_with_admin(
            form.name.data, admin_name=form.admin_name.data, admin_email=form.admin_email.data, actor_id=current_user.id
        ),
        (area_service.AreaProblem, accounts.UserProblem),
    ):
        area, admin = saved.value
        link = url_for("auth.set_password", token=accounts.set_password_token(admin), _external=True)
        db.session.commit()
        flash(
            f"{area.name} has been created with {admin.name} as its admin. Their set-password link: {link}", "success"
        )
        return redirect(url_for("areas.manage"))
    return render_template("areas/manage.html", form=form, areas=area_service.list_areas())
