"""Review periods: opening one and making it current."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from wsoa.domain.not_found import found
from wsoa.extensions import db
from wsoa.forms.periods import OpenReviewPeriodForm, ReviewPeriodForm
from wsoa.permissions import requires
from wsoa.services import periods as period_service
from wsoa.views.saving import save_form

bp = Blueprint("periods", __name__)


def _values(form: ReviewPeriodForm) -> period_service.PeriodValues:
    return period_service.PeriodValues(
        label=form.label.data or "",
        start_date=form.start_date.data,
        end_date=form.end_date.data,
        board_date=form.board_date.data,
        updates_due_on=form.updates_due_on.data,
    )


@bp.route("/plans/<int:plan_id>/review-periods")
@requires("manage_periods")
def index(plan_id: int):
    """The plan's review periods, newest first, with the current one marked."""
    listing = found(period_service.list_periods(plan_id))
    return render_template("periods/index.html", listing=listing, plan=listing.plan)


@bp.route("/plans/<int:plan_id>/review-periods/new", methods=["GET", "POST"])
@requires("manage_periods")
def new(plan_id: int):
    """Open a review period: a name, its dates and the board date."""
    listing = found(period_service.list_periods(plan_id))
    form = OpenReviewPeriodForm()
    if saved := save_form(
        form,
        lambda: period_service.open_period(
            listing.plan, _values(form), make_current=form.make_current.data, user_id=current_user.id
        ),
        period_service.PeriodProblem,
    ):
        period = saved.value
        flash(f"Review period {period.label} opened{' and made current' if period.is_current else ''}.", "success")
        return redirect(url_for("periods.index", plan_id=plan_id))
    return render_template("periods/form.html", form=form, plan=listing.plan, period=None)


@bp.route("/review-periods/<int:period_id>/edit", methods=["GET", "POST"])
@requires("manage_periods")
def edit(period_id: int):
    """Change a period's name or dates."""
    period = found(period_service.get_period(period_id))
    listing = period_service.list_periods(period.plan_id)
    form = ReviewPeriodForm(obj=period)
    if saved := save_form(
        form,
        lambda: period_service.edit_period(period, _values(form), user_id=current_user.id),
        period_service.PeriodProblem,
    ):
        changed = saved.value
        flash(f"Review period {period.label} {'saved' if changed else 'not changed'}.", "success")
        return redirect(url_for("periods.index", plan_id=period.plan_id))
    return render_template("periods/form.html", form=form, plan=listing.plan, period=period)


@bp.route("/review-periods/<int:period_id>/make-current", methods=["POST"])
@requires("manage_periods")
def make_current(period_id: int):
    """Make this the plan's current period: updates from now on are recorded against it."""
    period = found(period_service.get_period(period_id))
    period_service.make_current_period(period, user_id=current_user.id)
    db.session.commit()
    flash(f"{period.label} is now the current review period.", "success")
    return redirect(url_for("periods.index", plan_id=period.plan_id))
