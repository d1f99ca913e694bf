"""The officer's side of the public progress page: texts for families, approving them, KPIs, publishing."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from wsoa.domain.not_found import found
from wsoa.forms.publishing import (
    ApproveForm,
    KpiChoiceForm,
    PublishForm,
    RemoveForm,
    SaidDidForm,
    SummaryForm,
    WithdrawForm,
)
from wsoa.permissions import requires
from wsoa.services import plans as plan_service
from wsoa.services import publishing
from wsoa.services.publishing import PublishingProblem
from wsoa.views.saving import save_form

bp = Blueprint("publishing", __name__)

KINDS = {"summary": ("summary", SummaryForm), "you-said-we-did": ("said_did", SaidDidForm)}


def _back(plan, anchor: str | None = None):
    return redirect(url_for("publishing.index", plan_id=plan.id, _anchor=anchor))


def _flash_refusal(form) -> None:
    for message in [*form.form_errors, *(m for errors in form.errors.values() for m in errors if m)][:1]:
        flash(message, "error")


@bp.route("/plans/<int:plan_id>/public-page")
@requires("publish_progress")
def index(plan_id: int):
    """Each priority's texts for families with their state, the KPIs to publish, and the page's state."""
    plan = found(plan_service.get_plan(plan_id))
    page = publishing.officer_page(plan)
    chosen = [str(i) for i in page.page.kpi_ids] if page.page else []
    kpi_form = KpiChoiceForm(kpis=page.kpis, data={"kpis": chosen})
    return render_template("publishing/index.html", plan=plan, page=page, kpi_form=kpi_form)


def _text_page(plan, priority, kind: str, form, text=None):
    """The form for a text: saved as a draft (a new wording of `text`, when given), then back to the list."""
    you_said = getattr(form, "you_said", None)

    def save():
        body, said = form.body.data, you_said.data if you_said else None
        return publishing.write_text(plan, priority, kind, body=body, you_said=said, user=current_user, text=text)

    if saved := save_form(form, save, PublishingProblem):
        flash("Draft saved: it is published once approved.", "success")
        return _back(plan, f"text-{saved.value.id}")
    return render_template("publishing/text_form.html", form=form, plan=plan, priority=priority, kind=kind, text=text)


@bp.route("/plans/<int:plan_id>/public-page/priorities/<int:priority_id>/<kind>/new", methods=["GET", "POST"])
@requires("publish_progress")
def new_text(plan_id: int, priority_id: int, kind: str):
    """Write a priority's summary for families or a "you said, we did" item, as a draft."""
    plan = found(plan_service.get_plan(plan_id))
    priority = found(publishing.get_priority(plan_id, priority_id))
    model_kind, form_class = found(KINDS.get(kind))
    return _text_page(plan, priority, model_kind, form_class())


@bp.route("/plans/<int:plan_id>/public-page/texts/<int:text_id>", methods=["GET", "POST"])
@requires("publish_progress")
def edit_text(plan_id: int, text_id: int):
    """Change a text: a new wording, which needs approving again (the approved one stays shown meanwhile)."""
    plan = found(plan_service.get_plan(plan_id))
    state = found(publishing.text_state(found(publishing.get_text(plan_id, text_id))))
    priority = found(publishing.get_priority(plan_id, state.text.priority_id))
    form = (SummaryForm if state.text.kind == "summary" else SaidDidForm)(obj=state.latest)
    return _text_page(plan, priority, state.text.kind, form, state.text)


@bp.route("/plans/<int:plan_id>/public-page/texts/<int:text_id>/approve", methods=["POST"])
@requires("publish_progress")
def approve(plan_id: int, text_id: int):
    """Approve the wording shown for publishing (refused if it changed since it was read)."""
    plan = found(plan_service.get_plan(plan_id))
    text = found(publishing.get_text(plan_id, text_id))
    form = ApproveForm()
    if saved := save_form(
        form, lambda: publishing.approve_text(plan, text, form.version_id, current_user), PublishingProblem
    ):
        flash("Approved for publishing." if saved.value else "It was already approved.", "success")
    _flash_refusal(form)
    return _back(plan, f"text-{text.id}")


@bp.route("/plans/<int:plan_id>/public-page/texts/<int:text_id>/remove", methods=["GET", "POST"])
@requires("publish_progress")
def remove_text(plan_id: int, text_id: int):
    """Confirm, then take a text off the page (and out of this list); its history is kept."""
    plan = found(plan_service.get_plan(plan_id))
    state = found(publishing.text_state(found(publishing.get_text(plan_id, text_id))))
    form = RemoveForm()
    if save_form(form, lambda: publishing.remove_text(plan, state.text, current_user), PublishingProblem):
        flash(f"{state.text.kind_label} removed.", "success")
        return _back(plan)
    return render_template("publishing/remove.html", form=form, plan=plan, state=state)


@bp.route("/plans/<int:plan_id>/public-page/kpis", methods=["POST"])
@requires("publish_progress")
def choose_kpis(plan_id: int):
    """Choose the KPIs the page shows."""
    plan = found(plan_service.get_plan(plan_id))
    form = KpiChoiceForm(kpis=publishing.plan_kpis(plan))
    if saved := save_form(form, lambda: publishing.choose_kpis(plan, form.kpi_ids, current_user), PublishingProblem):
        flash("KPIs to publish saved." if saved.value else "KPIs to publish not changed.", "success")
    _flash_refusal(form)
    return _back(plan, "kpis-to-publish")


@bp.route("/plans/<int:plan_id>/public-page/publish", methods=["GET", "POST"])
@requires("publish_progress")
def publish(plan_id: int):
    """Confirm, then publish (or update) the page from what is approved now."""
    plan = found(plan_service.get_plan(plan_id))
    form = PublishForm()
    if save_form(form, lambda: publishing.publish(plan, current_user), PublishingProblem):
        flash("The public page is published.", "success")
        return _back(plan)
    return render_template(
        "publishing/confirm.html", form=form, plan=plan, page=publishing.get_page(plan.id), withdrawing=False
    )


@bp.route("/plans/<int:plan_id>/public-page/withdraw", methods=["GET", "POST"])
@requires("publish_progress")
def withdraw(plan_id: int):
    """Confirm, then withdraw the page: its address finds nothing until it is published again."""
    plan = found(plan_service.get_plan(plan_id))
    form = WithdrawForm()
    if saved := save_form(form, lambda: publishing.withdraw(plan, current_user), PublishingProblem):
        flash("The public page is withdrawn." if saved.value else "The public page was not published.", "success")
        return _back(plan)
    return render_template(
        "publishing/confirm.html", form=form, plan=plan, page=publishing.get_page(plan.id), withdrawing=True
    )
