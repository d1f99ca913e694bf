"""Editing the plan's structure: plans, priorities, outcomes, actions and key roles. Every change is audited."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wsoa.domain.not_found import found
from wsoa.domain.plan_removal import WHAT_COUNTS
from wsoa.extensions import db
from wsoa.forms import show_problems
from wsoa.forms.admin import ActionForm, OutcomeForm, PlanForm, PriorityForm, RoleForm
from wsoa.permissions import requires
from wsoa.services import actions as action_service
from wsoa.services import editing, plan_archive
from wsoa.services import outcomes as outcome_service
from wsoa.services import plans as plan_service
from wsoa.services import priorities as priority_service
from wsoa.services import roles as role_service

bp = Blueprint("admin", __name__, url_prefix="/admin")

UP, DOWN = {"direction": "up"}, {"direction": "down"}


def _saved(what: str, changed: bool) -> str:
    return f"{what} saved." if changed else f"{what} not changed: nothing was different."


def _moved(what: str, moved: bool, direction: str) -> str:
    return f"{what} moved {direction}." if moved else f"{what} is already {'first' if direction == 'up' else 'last'}."


# ----- plans --------------------------------------------------------------------------------------------------------


@bp.route("/plans/new", methods=["GET", "POST"])
@requires("edit_structure")
def new_plan():
    """Start a plan: its title, kind, area, inspection date and status."""
    form = PlanForm()
    if form.validate_on_submit():
        try:
            plan = plan_service.create_plan(form.values(), user_id=current_user.id)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(f"Plan {plan.title} created. Add its priorities next.", "success")
            return redirect(url_for("admin.plan_structure", plan_id=plan.id))
    return render_template("admin/plan_form.html", form=form, plan=None)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@requires("edit_structure")
def edit_plan(plan_id: int):
    """Change the plan's details."""
    plan = found(plan_service.get_plan(plan_id))
    form = PlanForm(obj=plan)
    if form.validate_on_submit():
        try:
            changed = plan_service.edit_plan(plan, form.values(), user_id=current_user.id)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(_saved(f"Plan {plan.title}", changed), "success")
            return redirect(url_for("admin.plan_structure", plan_id=plan.id))
    return render_template("admin/plan_form.html", form=form, plan=plan)


@bp.route("/plans/<int:plan_id>/structure")
@requires("edit_structure")
def plan_structure(plan_id: int):
    """The plan's details and its priorities, to add, change, reorder or delete."""
    page = found(plan_service.plan_structure(plan_id))
    return render_template("admin/plan_structure.html", page=page, plan=page.plan)


@bp.route("/plans/archived")
@requires("edit_structure")
def archived_plans():
    """The archived plans: kept whole, left out of every list, each restorable (or deletable if a wrong import)."""
    return render_template("admin/archived_plans.html", plans=plan_archive.archived_plans())


@bp.route("/plans/<int:plan_id>/archive", methods=["GET", "POST"])
@requires("edit_structure")
def archive_plan(plan_id: int):
    """Archive a plan, after asking: it is kept but left out of the lists until restored."""
    plan = found(plan_service.get_plan(plan_id))
    if request.method == "POST":
        archived = plan_archive.archive_plan(plan, user_id=current_user.id)
        db.session.commit()
        flash(
            f"Plan {plan.title} {'archived' if archived else 'was already archived'}. "
            "It is kept and can be restored from the archived plans.",
            "success",
        )
        return redirect(url_for("admin.archived_plans"))
    return render_template("admin/confirm_archive_plan.html", plan=plan)


@bp.route("/plans/<int:plan_id>/restore", methods=["POST"])
@requires("edit_structure")
def restore_plan(plan_id: int):
    """Bring an archived plan back into the lists."""
    plan = found(plan_service.get_plan(plan_id))
    restored = plan_archive.restore_plan(plan, user_id=current_user.id)
    db.session.commit()
    flash(f"Plan {plan.title} {'restored' if restored else 'is not archived'}.", "success")
    return redirect(url_for("plans.overview", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/delete", methods=["GET", "POST"])
@requires("edit_structure")
def delete_plan(plan_id: int):
    """Delete a wrong import (a plan with nothing recorded in the app since), after saying what goes with it."""
    plan = found(plan_service.get_plan(plan_id))
    if request.method == "POST":
        title = plan.title
        try:
            plan_archive.delete_plan(plan, user_id=current_user.id)
        except plan_archive.PlanNotDeletable:
            # Nothing was written; the page says why, as it stands now.
            db.session.rollback()
            return redirect(url_for("admin.delete_plan", plan_id=plan_id))
        db.session.commit()
        flash(f"Plan {title} deleted. The deletion and the plan's history are kept in the audit trail.", "success")
        return redirect(url_for("plans.index"))
    return render_template(
        "admin/confirm_delete_plan.html", plan=plan, removal=plan_archive.removal(plan), rule=WHAT_COUNTS
    )


# ----- priorities ---------------------------------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/priorities/new", methods=["GET", "POST"])
@requires("edit_structure")
def new_priority(plan_id: int):
    """Add a priority at the end of the plan."""
    plan = found(plan_service.get_plan(plan_id))
    form = PriorityForm(
        data={"number": priority_service.next_priority_number(plan.id)} if request.method == "GET" else None
    )
    if form.validate_on_submit():
        try:
            priority = priority_service.add_priority(plan, form.values(), user_id=current_user.id)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(f"Priority {priority.number} added.", "success")
            return redirect(url_for("admin.priority_structure", priority_id=priority.id))
    return render_template("admin/priority_form.html", form=form, plan=plan, priority=None)


@bp.route("/priorities/<int:priority_id>/edit", methods=["GET", "POST"])
@requires("edit_structure")
def edit_priority(priority_id: int):
    """Change a priority's number, title and roles."""
    priority = found(priority_service.get_priority(priority_id))
    form = PriorityForm(obj=priority)
    if form.validate_on_submit():
        try:
            changed = priority_service.edit_priority(priority, form.values(), user_id=current_user.id)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(_saved(f"Priority {priority.number}", changed), "success")
            return redirect(url_for("admin.priority_structure", priority_id=priority.id))
    return render_template("admin/priority_form.html", form=form, plan=priority.plan, priority=priority)


@bp.route("/priorities/<int:priority_id>/structure")
@requires("edit_structure")
def priority_structure(priority_id: int):
    """A priority's outcomes and actions (retired ones too), to add, change, reorder, retire or delete."""
    page = found(priority_service.priority_structure(priority_id))
    return render_template("admin/priority_structure.html", page=page, plan=page.plan)


@bp.route("/priorities/<int:priority_id>/move-up", methods=["POST"], defaults=UP)
@bp.route("/priorities/<int:priority_id>/move-down", methods=["POST"], defaults=DOWN)
@requires("edit_structure")
def move_priority(priority_id: int, direction: str):
    """Move a priority one place up or down the plan."""
    priority = found(priority_service.get_priority(priority_id))
    moved = priority_service.move_priority(priority, direction, user_id=current_user.id)
    db.session.commit()
    flash(_moved(f"Priority {priority.number}", moved, direction), "success")
    return redirect(url_for("admin.plan_structure", plan_id=priority.plan_id))


@bp.route("/priorities/<int:priority_id>/delete", methods=["GET", "POST"])
@requires("edit_structure")
def delete_priority(priority_id: int):
    """Delete a priority that has no actions or impact measures, after asking."""
    priority = found(priority_service.get_priority(priority_id))
    if request.method == "POST":
        try:
            priority_service.delete_priority(priority, user_id=current_user.id)
        except editing.StructureProblem as problem:
            flash(problem.message, "error")
            return redirect(url_for("admin.priority_structure", priority_id=priority.id))
        number, plan_id = priority.number, priority.plan_id
        db.session.commit()
        flash(f"Priority {number} deleted.", "success")
        return redirect(url_for("admin.plan_structure", plan_id=plan_id))
    return render_template(
        "admin/confirm_delete.html",
        plan=priority.plan,
        thing=f"priority {priority.number}",
        text=priority.title,
        refusal=priority_service.priority_in_use(priority),
        back=url_for("admin.priority_structure", priority_id=priority.id),
    )


# ----- outcomes -----------------------------------------------------------------------------------------------------


@bp.route("/priorities/<int:priority_id>/outcomes/new", methods=["GET", "POST"])
@requires("edit_structure")
def new_outcome(priority_id: int):
    """Add an outcome to a priority."""
    priority = found(priority_service.get_priority(priority_id))
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            outcome = outcome_service.add_outcome(priority, form.values(), user_id=current_user.id)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(f"Outcome {outcome.ref} added.", "success")
            return redirect(url_for("admin.priority_structure", priority_id=priority.id))
    return render_template("admin/outcome_form.html", form=form, plan=priority.plan, priority=priority, outcome=None)


@bp.route("/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
@requires("edit_structure")
def edit_outcome(outcome_id: int):
    """Change an outcome's reference or wording."""
    outcome = found(outcome_service.get_outcome(outcome_id))
    priority = outcome.priority
    form = OutcomeForm(obj=outcome)
    if form.validate_on_submit():
        try:
            changed = outcome_service.edit_outcome(outcome, form.values(), user_id=current_user.id)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(_saved(f"Outcome {outcome.ref}", changed), "success")
            return redirect(url_for("admin.priority_structure", priority_id=priority.id))
    return render_template("admin/outcome_form.html", form=form, plan=priority.plan, priority=priority, outcome=outcome)


@bp.route("/outcomes/<int:outcome_id>/move-up", methods=["POST"], defaults=UP)
@bp.route("/outcomes/<int:outcome_id>/move-down", methods=["POST"], defaults=DOWN)
@requires("edit_structure")
def move_outcome(outcome_id: int, direction: str):
    """Move an outcome one place up or down its priority."""
    outcome = found(outcome_service.get_outcome(outcome_id))
    moved = outcome_service.move_outcome(outcome, direction, user_id=current_user.id)
    db.session.commit()
    flash(_moved(f"Outcome {outcome.ref}", moved, direction), "success")
    return redirect(url_for("admin.priority_structure", priority_id=outcome.priority_id))


@bp.route("/outcomes/<int:outcome_id>/delete", methods=["GET", "POST"])
@requires("edit_structure")
def delete_outcome(outcome_id: int):
    """Delete an outcome that no action or impact measure belongs to, after asking."""
    outcome = found(outcome_service.get_outcome(outcome_id))
    back = url_for("admin.priority_structure", priority_id=outcome.priority_id)
    if request.method == "POST":
        ref = outcome.ref
        try:
            outcome_service.delete_outcome(outcome, user_id=current_user.id)
        except editing.StructureProblem as problem:
            flash(problem.message, "error")
            return redirect(back)
        db.session.commit()
        flash(f"Outcome {ref} deleted.", "success")
        return redirect(back)
    return render_template(
        "admin/confirm_delete.html",
        plan=outcome.priority.plan,
        thing=f"outcome {outcome.ref}",
        text=outcome.text,
        refusal=outcome_service.outcome_in_use(outcome),
        back=back,
    )


# ----- actions ------------------------------------------------------------------------------------------------------


@bp.route("/priorities/<int:priority_id>/actions/new", methods=["GET", "POST"])
@requires("edit_structure")
def new_action(priority_id: int):
    """Add an action to a priority, after the last action of its outcome."""
    priority = found(priority_service.get_priority(priority_id))
    form = ActionForm(outcomes=outcome_service.outcomes_of(priority.id))
    if form.validate_on_submit():
        try:
            saved = action_service.add_action(priority, form.values(), user_id=current_user.id)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(f"Action {saved.action.ref} added. {saved.due_reading or ''}".strip(), "success")
            return redirect(url_for("actions.show", action_id=saved.action.id))
    return render_template("admin/action_form.html", form=form, plan=priority.plan, priority=priority, action=None)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@requires("edit_actions")
def edit_action(action_id: int):
    """Change an action's fields; refused if someone else saved it after this form was opened."""
    action = found(action_service.get_action(action_id))
    form = ActionForm(obj=action, outcomes=outcome_service.outcomes_of(action.priority_id))
    conflict = None
    if request.method == "GET":
        form.start_editing(action.version, action_service.latest_event_id())
    elif form.validate_on_submit():
        try:
            saved = action_service.edit_action(
                action,
                form.values(),
                expected_version=form.expected_version,
                seen_event_id=form.seen_event_id,
                user_id=current_user.id,
            )
        except action_service.StaleAction as stale:
            conflict = stale
            form.show_conflict(stale)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(f"{_saved(f'Action {action.ref}', bool(saved.changed))} {saved.due_reading or ''}".strip(), "success")
            return redirect(url_for("actions.show", action_id=action.id))
    return render_template(
        "admin/action_form.html",
        form=form,
        plan=action.priority.plan,
        priority=action.priority,
        action=action,
        conflict=conflict,
    )


@bp.route("/actions/<int:action_id>/move-up", methods=["POST"], defaults=UP)
@bp.route("/actions/<int:action_id>/move-down", methods=["POST"], defaults=DOWN)
@requires("edit_structure")
def move_action(action_id: int, direction: str):
    """Move an action one place up or down its priority."""
    action = found(action_service.get_action(action_id))
    moved = action_service.move_action(action, direction, user_id=current_user.id)
    db.session.commit()
    flash(_moved(f"Action {action.ref}", moved, direction), "success")
    return redirect(url_for("admin.priority_structure", priority_id=action.priority_id))


@bp.route("/actions/<int:action_id>/retire", methods=["GET", "POST"])
@requires("edit_structure")
def retire_action(action_id: int):
    """Retire an action (after asking): it leaves the live plan but it and its history are kept."""
    action = found(action_service.get_action(action_id))
    if request.method == "POST":
        retired = action_service.retire_action(action, user_id=current_user.id)
        db.session.commit()
        flash(
            f"Action {action.ref} {'retired' if retired else 'was already retired'}. It can be reinstated.", "success"
        )
        return redirect(url_for("actions.show", action_id=action.id))
    return render_template("admin/confirm_retire.html", action=action, plan=action.priority.plan)


@bp.route("/actions/<int:action_id>/reinstate", methods=["POST"])
@requires("edit_structure")
def reinstate_action(action_id: int):
    """Bring a retired action back into the live plan."""
    action = found(action_service.get_action(action_id))
    reinstated = action_service.reinstate_action(action, user_id=current_user.id)
    db.session.commit()
    flash(f"Action {action.ref} {'reinstated' if reinstated else 'is not retired'}.", "success")
    return redirect(url_for("actions.show", action_id=action.id))


# ----- key roles ----------------------------------------------------------------------------------------------------


@bp.route("/key-roles/new", methods=["GET", "POST"])
@requires("edit_structure")
def new_role():
    """Add a key role to the glossary."""
    form = RoleForm()
    if form.validate_on_submit():
        try:
            role = role_service.add_role(form.values(), user_id=current_user.id)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(f"Key role {role.code or role.title} added.", "success")
            return redirect(url_for("plans.key_roles"))
    return render_template("admin/role_form.html", form=form, role=None)


@bp.route("/key-roles/<int:role_id>/edit", methods=["GET", "POST"])
@requires("edit_structure")
def edit_role(role_id: int):
    """Change a key role; a new holder is a hand-over, and who held it before is kept."""
    role = found(role_service.get_role(role_id))
    form = RoleForm(obj=role)
    if form.validate_on_submit():
        try:
            changed = role_service.edit_role(role, form.values(), user_id=current_user.id)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(_saved(f"Key role {role.code or role.title}", changed), "success")
            return redirect(url_for("plans.key_roles"))
    return render_template("admin/role_form.html", form=form, role=role)


@bp.route("/key-roles/<int:role_id>/move-up", methods=["POST"], defaults=UP)
@bp.route("/key-roles/<int:role_id>/move-down", methods=["POST"], defaults=DOWN)
@requires("edit_structure")
def move_role(role_id: int, direction: str):
    """Move a key role one place up or down the glossary."""
    role = found(role_service.get_role(role_id))
    moved = role_service.move_role(role, direction, user_id=current_user.id)
    db.session.commit()
    flash(_moved(f"Key role {role.code or role.title}", moved, direction), "success")
    return redirect(url_for("plans.key_roles"))
