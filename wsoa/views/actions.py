"""One action: every field and its full history."""

from flask import Blueprint, render_template

from wsoa.clock import today
from wsoa.permissions import requires
from wsoa.services import plan_succession
from wsoa.services import plans as plan_service

bp = Blueprint("actions", __name__)


@bp.route("/actions/<int:action_id>")
@requires("view")
def show(action_id: int):
    """Every field of the action and its update history, newest first (and before that, in earlier plans)."""
    detail = plan_service.action_detail(action_id, today())
    return render_template(
        "actions/show.html",
        detail=detail,
        plan=detail.action.priority.plan,
        predecessors=plan_succession.predecessors(detail.action),  # its history in earlier plans, read-only
        successors=plan_succession.successors(detail.action),
    )
