"""Browsing the plan: plans, overview, priorities, the action list and the key-roles glossary."""

from flask import Blueprint, render_template, request
from werkzeug.datastructures import MultiDict

from wsoa.clock import today
from wsoa.forms import select_choices
from wsoa.forms.plans import ActionFilterForm
from wsoa.permissions import requires
from wsoa.services import plans as plan_service

bp = Blueprint("plans", __name__)


@bp.route("/")
@requires("view")
def index():
    """Every plan held, newest first."""
    return render_template("plans/index.html", plans=plan_service.list_plans())


@bp.route("/plans/<int:plan_id>")
@requires("view")
def overview(plan_id: int):
    """Each priority with its lead, RAG distribution and overdue count."""
    as_at = today()
    overview = plan_service.plan_overview(plan_id, as_at)
    return render_template("plans/overview.html", overview=overview, plan=overview.plan, as_at=as_at)


@bp.route("/priorities/<int:priority_id>")
@requires("view")
def priority(priority_id: int):
    """A priority: its outcomes, impact measures and actions grouped by outcome and section (a page at a time)."""
    page = plan_service.priority_page(priority_id, today(), page=request.args.get("page", 1, type=int) or 1)
    return render_template("plans/priority.html", page=page, plan=page.plan)


@bp.route("/plans/<int:plan_id>/actions")
@requires("view")
def actions(plan_id: int):
    """Every action in the plan, filtered by what is in the query string."""
    form = ActionFilterForm(formdata=MultiDict(request.args) if request.args else None)
    page_number = request.args.get("page", 1, type=int) or 1
    choices = plan_service.action_filter_choices(plan_id)
    form.priority.choices = select_choices(
        [("", "Any"), *((str(p.number), f"{p.number}. {p.title[:60]}") for p in choices.priorities)]
    )
    form.lead.choices = select_choices([("", "Any"), *((code, code) for code in choices.lead_codes)])
    filters = plan_service.ActionFilters()
    if request.args and form.validate():
        filters = plan_service.ActionFilters(
            priority=int(form.priority.data) if form.priority.data else None,
            lead=form.lead.data or None,
            rag=form.rag.data or None,
            overdue=bool(form.overdue.data),
            due_before=form.due_before_date(),
        )
    listing = plan_service.action_list(plan_id, filters, today(), page=max(page_number, 1))
    return render_template("plans/actions.html", listing=listing, plan=listing.plan, form=form, filters=filters)


@bp.route("/key-roles")
@requires("view")
def key_roles():
    """The key-roles glossary: who each lead code is."""
    return render_template("plans/key_roles.html", roles=plan_service.glossary())
