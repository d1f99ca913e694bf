"""Leads recording progress and RAG for their actions."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wsoa.clock import today
from wsoa.domain.rag import rag_label
from wsoa.extensions import db
from wsoa.forms import select_choices
from wsoa.forms.updates import ProgressUpdateForm, RoleChoiceForm
from wsoa.permissions import can_update_action, has_capability, requires
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
    form.role.choices = select_choices(
        [
            ("", "Roles I hold" if current_user.roles else "Choose a role"),
            *((r.code, r.code) for r in page.role_choices),
        ]
    )
    return render_template("updates/my_actions.html", page=page, role_form=form if may_choose else None)


@bp.route("/actions/<int:action_id>/update", methods=["GET", "POST"])
@requires("update_progress")
def edit(action_id: int):
    """Record this period's progress on one action: appended to its history, never replacing it."""
    context = update_service.update_context(action_id)
    if context is None:
        abort(404)
    if not can_update_action(current_user, context.lead_role_ids):
        abort(403)
    if context.action.retired_at is not None:
        flash("This action has been retired, so progress can no longer be recorded against it.", "error")
        return redirect(url_for("actions.show", action_id=action_id))
    form = ProgressUpdateForm()
    conflict = None
    if request.method == "GET":
        form.version.data = str(context.action.version)
        form.seen_update.data = str(context.latest.id) if context.latest else ""
    elif form.validate_with(context.current_due):
        try:
            update = update_service.record_progress_update(
                context,
                form.draft(),
                user=current_user,
                expected_version=form.expected_version,
                seen_update_id=form.seen_update_id,
            )
        # A refused save has written nothing, and the request ends without a commit.
        except update_service.StaleAction as stale:
            conflict = stale
            _show_conflict(form, stale)
        except update_service.NoCurrentPeriod:
            form.form_errors.append("No review period is open for this plan, so nothing was saved")
        except update_service.UpdateProblems as refused:
            for problem in refused.problems:
                form.add_error(problem.field, problem.message)
        else:
            db.session.commit()
            flash(
                f"Progress on action {context.action.ref} saved for {context.period.label}: {rag_label(update.rag)}.",
                "success",
            )
            return redirect(url_for("actions.show", action_id=action_id))
    return render_template("updates/edit.html", form=form, context=context, conflict=conflict)


def _show_conflict(form: ProgressUpdateForm, stale: update_service.StaleAction) -> None:
    """Keep what they typed; move the form on to the version they have now seen, so saving again is deliberate."""
    form.version.data = str(stale.current_version)
    if stale.newer_updates:
        form.seen_update.data = str(stale.newer_updates[0].id)
    form.add_error(
        "narrative",
        "Your update was not saved because someone else changed this action while you were editing. "
        "Read their update below, change yours if you need to, then save again",
    )
