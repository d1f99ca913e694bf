"""Leads recording progress and RAG for their actions, with evidence files; sign-off; comments and challenges."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from wsoa.clock import today
from wsoa.domain.evidence import describe_size
from wsoa.extensions import db
from wsoa.forms import select_choices
from wsoa.forms.updates import ProgressUpdateForm, RoleChoiceForm
from wsoa.permissions import can_update_action, has_capability, requires
from wsoa.services import evidence as evidence_service
from wsoa.services import updates as update_service

bp = Blueprint("updates", __name__)


@bp.app_template_global("may_update_action")
def may_update_action(lead_roles) -> bool:
    """For templates: show "Update progress" only to those the object-level rule allows."""
    return can_update_action(current_user, {getattr(role, "id", role) for role in lead_roles})


@bp.route("/my-actions")
@requires("update_progress")
def my_actions():
    """The actions led by the roles I hold, those still to update this period first."""
    may_choose = has_capability(current_user.level, "update_any_progress")
    form = RoleChoiceForm(formdata=request.args if may_choose and request.args else None)
    page = update_service.my_actions(
        current_user, today(), role_code=form.role.data if may_choose else None, may_choose=may_choose
    )
    first = ("", "Roles I hold" if current_user.roles else "Choose a role")
    form.role.choices = select_choices([first, *((r.code, r.code) for r in page.role_choices)])
    return render_template("updates/my_actions.html", page=page, role_form=form if may_choose else None)


@bp.route("/actions/<int:action_id>/update", methods=["GET", "POST"])
@requires("update_progress")
def edit(action_id: int):
    """Record this period's progress on one action: appended to its history, never replacing it."""
    context = update_service.update_context(action_id) or abort(404)
    if not can_update_action(current_user, context.lead_role_ids):
        abort(403)
    if context.action.retired_at is not None:
        flash("This action has been retired, so progress can no longer be recorded against it.", "error")
        return redirect(url_for("actions.show", action_id=action_id))
    form, outcome = ProgressUpdateForm(), update_service.SaveOutcome()
    if request.method == "GET":
        form.prefill(context.action.version, context.latest.id if context.latest else None)
    elif form.validate_with(context.current_due):
        outcome = update_service.save_from_form(context, form, current_user)
        if outcome.update is not None:
            db.session.commit()
            flash(outcome.message, "success")
            return redirect(url_for("actions.show", action_id=action_id))
    return render_template("updates/edit.html", form=form, context=context, conflict=outcome.conflict)


@bp.app_template_global("evidence_limit")
def evidence_limit() -> str:
    return describe_size(evidence_service.max_bytes())


@bp.route("/actions/<int:action_id>/evidence/<int:file_id>")
@requires("view")
def evidence_file(action_id: int, file_id: int):
    """Download one evidence file: always as an attachment, under its safe name, with the type its content showed."""
    row = evidence_service.find(action_id, file_id) or abort(404)
    try:
        content = evidence_service.load_content(row)
    except FileNotFoundError:
        abort(404)
    response = send_file(
        io.BytesIO(content), mimetype=row.content_type, as_attachment=True, download_name=row.file_name
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.app_template_global("action_evidence")
def action_evidence(action_id: int) -> dict[int, list]:
    """For the action page: its evidence files by update id (one query; the bytes are not loaded)."""
    return evidence_service.evidence_by_update(action_id)


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    return describe_size(size)
