"""Leads recording progress and RAG for their actions, with evidence files; sign-off; comments and challenges."""

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from wsoa.clock import today
from wsoa.domain.assurance import STATE_LABELS, Reviewer, may_sign_off, sign_off_state
from wsoa.domain.evidence import describe_size
from wsoa.extensions import db
from wsoa.forms import select_choices
from wsoa.forms.updates import (
    AnswerForm,
    CommentForm,
    ProgressUpdateForm,
    ReviewForm,
    RoleChoiceForm,
    SignOffSettingForm,
)
from wsoa.models import Plan
from wsoa.permissions import can_update_action, has_capability, requires
from wsoa.services import assurance
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


# ----- comments and board challenges ---------------------------------------------------------------------------


@bp.app_template_global("action_threads")
def action_threads(action_id: int):
    return assurance.action_threads(action_id)


@bp.route("/actions/<int:action_id>/comments/new", methods=["GET", "POST"])
@requires("comment")
def new_comment(action_id: int):
    """Anyone who may read the action comments on it; a comment may be a board challenge."""
    action = _action_or_404(action_id)
    form = CommentForm()
    if form.validate_on_submit():
        assurance.add_comment(action, current_user, form.body.data, is_challenge=form.is_challenge.data)
        db.session.commit()
        flash("Board challenge added." if form.is_challenge.data else "Comment added.", "success")
        return redirect(url_for("actions.show", action_id=action_id, _anchor="comments"))
    return render_template("updates/comment_form.html", form=form, action=action, mode="new")


@bp.route("/actions/<int:action_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@requires("comment")
def edit_comment(action_id: int, comment_id: int):
    """Only its author edits a comment (anyone else: no such comment of theirs, 404); the earlier versions stay."""
    action, thread = _action_or_404(action_id), _thread_or_404(action_id, comment_id)
    if thread.versions[0].author_id != current_user.id:
        abort(404)
    form = CommentForm(data={"body": thread.current.body} if request.method == "GET" else None)
    if form.validate_on_submit():
        assurance.edit_comment(action, thread, current_user, form.body.data)
        db.session.commit()
        flash("Your comment was changed. The earlier version is still shown.", "success")
        return redirect(url_for("actions.show", action_id=action_id, _anchor="comments"))
    return render_template("updates/comment_form.html", form=form, action=action, thread=thread, mode="edit")


@bp.route("/actions/<int:action_id>/comments/<int:comment_id>/answer", methods=["GET", "POST"])
@requires("update_progress")
def answer_challenge(action_id: int, comment_id: int):
    """The action's lead, or an officer, answers a board challenge: it is then no longer open."""
    action, thread = _action_or_404(action_id), _thread_or_404(action_id, comment_id)
    if not can_update_action(current_user, {role.id for role in action.lead_roles}):
        abort(403)
    form = AnswerForm()
    if thread.is_challenge and form.validate_on_submit():
        assurance.answer_challenge(action, thread, current_user, form.body.data)
        db.session.commit()
        flash("Your answer to the board challenge was added.", "success")
        return redirect(url_for("actions.show", action_id=action_id, _anchor="comments"))
    return render_template("updates/comment_form.html", form=form, action=action, thread=thread, mode="answer")


def _action_or_404(action_id: int):
    try:
        return assurance.find_action(action_id)
    except assurance.NotFound:
        abort(404)


def _thread_or_404(action_id: int, comment_id: int):
    try:
        return assurance.find_thread(action_id, comment_id)
    except assurance.NotFound:
        abort(404)


# ----- sign-off ------------------------------------------------------------------------------------------------


@bp.app_template_global("update_reviews")
def update_reviews(update_ids) -> dict:
    return assurance.reviews_by_update(list(update_ids))


@bp.route("/updates/<int:update_id>/sign-off", methods=["GET", "POST"])
@requires("sign_off_updates")
def review_update(update_id: int):
    """The priority's lead or an officer signs off an update, or returns it to the lead with a reason."""
    try:
        context = assurance.review_context(update_id)
    except assurance.NotFound:
        abort(404)
    refusal = context.refusal(current_user)
    form = ReviewForm()
    if refusal is None and form.validate_on_submit():
        assurance.record_review(context, current_user, form.decision.data, form.reason.data)
        db.session.commit()
        done = "signed off" if form.decision.data == "signed_off" else "returned to the lead"
        flash(f"The update on action {context.action.ref} was {done}.", "success")
        return redirect(url_for("actions.show", action_id=context.action.id, _anchor=f"update-{update_id}"))
    status = 403 if refusal and request.method == "POST" else 200
    return render_template("updates/review.html", form=form, context=context, refusal=refusal), status


@bp.route("/plans/<int:plan_id>/sign-off", methods=["GET", "POST"])
@requires("manage_sign_off")
def sign_off_setting(plan_id: int):
    """Per plan: whether updates need sign-off before they count in the board paper."""
    plan = db.session.get(Plan, plan_id) or abort(404)
    form = SignOffSettingForm(data={"required": plan.signoff_required} if request.method == "GET" else None)
    if form.validate_on_submit():
        assurance.set_sign_off(plan, bool(form.required.data), current_user)
        db.session.commit()
        flash(f"Updates {'now need' if plan.signoff_required else 'no longer need'} sign-off.", "success")
        return redirect(url_for("plans.overview", plan_id=plan_id))
    return render_template("updates/sign_off_setting.html", form=form, plan=plan)


@bp.app_template_filter("sign_off_label")
def sign_off_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


@bp.app_template_global("may_review_update")
def may_review_update(priority, update) -> bool:
    """For templates: offer "Sign off or return" only to those allowed to sign off this update."""
    if not (current_user.is_authenticated and has_capability(current_user.level, "sign_off_updates")):
        return False
    reviewer = Reviewer(current_user.level, frozenset(r.code for r in current_user.roles), current_user.id)
    return may_sign_off(reviewer, [priority.lead_role, priority.accountable_role], update.author_id)


@bp.app_template_filter("review_state")
def review_state(reviews) -> str:
    return sign_off_state((review.id, review.decision) for review in reviews or [])
