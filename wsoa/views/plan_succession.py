"""One area's plans over time: starting the next plan from an earlier one (admins)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from wsoa.domain.not_found import found
from wsoa.forms.plan_succession import StartPlanForm
from wsoa.permissions import requires
from wsoa.services import plan_succession
from wsoa.services import plans as plan_service
from wsoa.services.editing import StructureProblem
from wsoa.views.saving import save_form

bp = Blueprint("plan_succession", __name__)


@bp.route("/admin/plans/<int:plan_id>/start-new-plan", methods=["GET", "POST"])
@requires("start_plans")
def start(plan_id: int):
    """Start a new plan from this one, choosing which priorities and actions carry over."""
    source = found(plan_service.get_plan(plan_id))
    choices = plan_succession.carry_choices(source)
    form = StartPlanForm()
    form.offer(choices)

    def start_it() -> plan_succession.Started:
        return plan_succession.start_plan_from(source, form.values(), user_id=current_user.id, choices=choices)

    if saved := save_form(form, start_it, StructureProblem):
        started = saved.value
        flash(
            f"Plan {started.plan.title} started from {source.title}: {started.priorities} priorities, "
            f"{started.actions} actions and {started.kpis} impact measures carried over."
            + (f" {source.title} is marked superseded." if started.superseded else ""),
            "success",
        )
        return redirect(url_for("plans.overview", plan_id=started.plan.id))
    return render_template("plans/start_new_plan.html", form=form, choices=choices, plan=source)
