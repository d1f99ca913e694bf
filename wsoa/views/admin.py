"""Editing the plan's structure: plans, priorities, outcomes, actions and key roles. Every change is audited."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

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
from wsoa.views.saving import Saved, save_form

bp = Blueprint("admin", __name__, url_prefix="/admin")
T = TypeVar("T")


def _save(form, save: Callable[[], T]) -> Saved[T] | None:
    return save_form(form, save, editing.StructureProblem)


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
    if saved := _save(form, lambda: plan_service.create_plan(form.values(), user_id=current_user.id)):
        plan = saved.value
        flash(f"Plan {plan.title} created. Add its priorities next.", "success")
        return redirect(url_for("admin.plan_structure", plan_id=plan.id))
    return render_template("admin/plan_form.html", form=form, plan=None)


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@requires("edit_structure")
def edit_plan(plan_id: int):
    """Change the plan's details."""
    plan = found(plan_service.get_plan(plan_id))
    form = PlanForm(obj=plan)
    if saved := _save(form, lambda: plan_service.edit_plan(plan, form.values(), user_id=current_user.id)):
        changed = saved.value
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
    if saved := _save(form, lambda: priority_service.add_priority(plan, form.values(), user_id=current_user.id)):
        priority = saved.value
        flash(f"Priority {priority.number} added.", "success")
        return redirect(url_for("admin.priority_structure", priority_id=priority.id))
    return render_template("admin/priority_form.html", form=form, plan=plan, priority=None)


@bp.route("/priorities/<int:priority_id>/edit", methods=["GET", "POST"])
@requires("edit_structure")
def edit_priority(priority_id: int):
    """Change a priority's number, title and roles."""
    priority = found(priority_service.get_priority(priority_id))
    form = PriorityForm(obj=priority)
    if saved := _save(form, lambda: priority_service.edit_priority(priority, form.values(), user_id=current_user.id)):
        changed = saved.value
        flash(_saved(f"Priority {priority.number}", changed), "success")
        return redirect(url_for("admin.priority_structure", priority_id=priority.id))
    return render_template("admin/priority_form.html", form=form, plan=priority.plan, priority=priority)


@bp.route("/priorities/<int:priority_id>/structure")
@requires("edit_structure")
def priority_structure(priority_id: int):
    """A priority's outcomes and actions (retired ones too), to add, change, reorder, retire or delete."""
    page = found(priority_service.priority_structure(priority_id))
    return render_template("admin/priority_structure.html", page=page, plan=page.plan)


# ----- outcomes -----------------------------------------------------------------------------------------------------


@bp.route("/priorities/<int:priority_id>/outcomes/new", methods=["GET", "POST"])
@requires("edit_structure")
def new_outcome(priority_id: int):
    """Add an outcome to a priority."""
    priority = found(priority_service.get_priority(priority_id))
    form = OutcomeForm()
    if saved := _save(form, lambda: outcome_service.add_outcome(priority, form.values(), user_id=current_user.id)):
        outcome = saved.value
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
    if saved := _save(form, lambda: outcome_service.edit_outcome(outcome, form.values(), user_id=current_user.id)):
        changed = saved.value
        flash(_saved(f"Outcome {outcome.ref}", changed), "success")
        return redirect(url_for("admin.priority_structure", priority_id=priority.id))
    return render_template("admin/outcome_form.html", form=form, plan=priority.plan, priority=priority, outcome=outcome)


# ----- actions ------------------------------------------------------------------------------------------------------


@bp.route("/priorities/<int:priority_id>/actions/new", methods=["GET", "POST"])
@requires("edit_structure")
def new_action(priority_id: int):
    """Add an action to a priority, after the last action of its outcome."""
    priority = found(priority_service.get_priority(priority_id))
    form = ActionForm(outcomes=outcome_service.outcomes_of(priority.id))
    if saved := _save(form, lambda: action_service.add_action(priority, form.values(), user_id=current_user.id)):
        saved = saved.value
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
            saved = action_service.edit_action(action, form.values(), **form.seen(), user_id=current_user.id)
        except action_service.StaleAction as stale:
            conflict = stale
            form.show_conflict(stale)
        except editing.StructureProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash(f"{_saved(f'Action {action.ref}', bool(saved.changed))} {saved.due_reading or ''}".strip(), "success")
            return redirect(url_for("actions.show", action_id=action.id))
    page = {"plan": action.priority.plan, "priority": action.priority, "action": action}
    return render_template("admin/action_form.html", form=form, conflict=conflict, **page)


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
    if saved := _save(form, lambda: role_service.add_role(form.values(), user_id=current_user.id)):
        role = saved.value
        flash(f"Key role {role.code or role.title} added.", "success")
        return redirect(url_for("plans.key_roles"))
    return render_template("admin/role_form.html", form=form, role=None)


@bp.route("/key-roles/<int:role_id>/edit", methods=["GET", "POST"])
@requires("edit_structure")
def edit_role(role_id: int):
    """Change a key role; a new holder is a hand-over, and who held it before is kept."""
    role = found(role_service.get_role(role_id))
    form = RoleForm(obj=role)
    if saved := _save(form, lambda: role_service.edit_role(role, form.values(), user_id=current_user.id)):
        changed = saved.value
        flash(_saved(f"Key role {role.code or role.title}", changed), "success")
        return redirect(url_for("plans.key_roles"))
    return render_template("admin/role_form.html", form=form, role=role)


# ----- moving and deleting: one mechanism for every kind ------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """How the shared move and delete views treat one kind of thing (endpoints move_<name>, delete_<name>)."""

    name: str
    path: str  # the thing's URL, whose one variable is its id: "/priorities/<int:priority_id>"
    load: Callable[[int], Any]
    called: Callable[[Any], str]  # as messages name it: "Priority 2"
    move: Callable[..., bool]
    listed_on: Callable[[Any], str]  # the page listing it among its siblings: where a move or delete returns
    deleting: "_Deleting | None" = None  # None: never deleted (actions are retired; roles stay in the glossary)


@dataclass(frozen=True)
class _Deleting:
    delete: Callable[..., None]
    in_use: Callable[[Any], str | None]  # why it cannot be deleted, or None
    shown_on: Callable[[Any], str]  # its own page: where a refused delete or "back" goes
    text: Callable[[Any], str]
    plan: Callable[[Any], Any]


def _structure_of(priority_id: int) -> str:
    return url_for("admin.priority_structure", priority_id=priority_id)


KINDS = [
    _Kind(
        "priority",
        "/priorities/<int:priority_id>",
        priority_service.get_priority,
        called=lambda p: f"Priority {p.number}",
        move=priority_service.move_priority,
        listed_on=lambda p: url_for("admin.plan_structure", plan_id=p.plan_id),
        deleting=_Deleting(
            priority_service.delete_priority,
            priority_service.priority_in_use,
            shown_on=lambda p: _structure_of(p.id),
            text=lambda p: p.title,
            plan=lambda p: p.plan,
        ),
    ),
    _Kind(
        "outcome",
        "/outcomes/<int:outcome_id>",
        outcome_service.get_outcome,
        called=lambda o: f"Outcome {o.ref}",
        move=outcome_service.move_outcome,
        listed_on=lambda o: _structure_of(o.priority_id),
        deleting=_Deleting(
            outcome_service.delete_outcome,
            outcome_service.outcome_in_use,
            shown_on=lambda o: _structure_of(o.priority_id),
            text=lambda o: o.text,
            plan=lambda o: o.priority.plan,
        ),
    ),
    _Kind(
        "action",
        "/actions/<int:action_id>",
        action_service.get_action,
        called=lambda a: f"Action {a.ref}",
        move=action_service.move_action,
        listed_on=lambda a: _structure_of(a.priority_id),
    ),
    _Kind(
        "role",
        "/key-roles/<int:role_id>",
        role_service.get_role,
        called=lambda r: f"Key role {r.code or r.title}",
        move=role_service.move_role,
        listed_on=lambda r: url_for("plans.key_roles"),
    ),
]


def _move_view(kind: _Kind) -> Callable:
    def move(direction: str, **ids: int):
        item = found(kind.load(*ids.values()))
        moved = kind.move(item, direction, user_id=current_user.id)
        db.session.commit()
        flash(_moved(kind.called(item), moved, direction), "success")
        return redirect(kind.listed_on(item))

    move.__doc__ = f"Move a {kind.name} one place up or down among its siblings."
    return requires("edit_structure")(move)


def _delete_view(kind: _Kind, deleting: _Deleting) -> Callable:
    def delete(**ids: int):
        item = found(kind.load(*ids.values()))
        called, back, after = kind.called(item), deleting.shown_on(item), kind.listed_on(item)
        if request.method == "POST":
            try:
                deleting.delete(item, user_id=current_user.id)
            except editing.StructureProblem as problem:
                flash(problem.message, "error")
                return redirect(back)
            db.session.commit()
            flash(f"{called} deleted.", "success")
            return redirect(after)
        thing, text, refusal = called[:1].lower() + called[1:], deleting.text(item), deleting.in_use(item)
        page = {"plan": deleting.plan(item), "thing": thing, "text": text, "refusal": refusal, "back": back}
        return render_template("admin/confirm_delete.html", **page)

    delete.__doc__ = f"Delete a {kind.name} that nothing hangs off, after asking."
    return requires("edit_structure")(delete)


for _kind in KINDS:
    _view = _move_view(_kind)
    for _direction in ("up", "down"):
        _defaults = {"direction": _direction}
        bp.add_url_rule(
            f"{_kind.path}/move-{_direction}", f"move_{_kind.name}", _view, methods=["POST"], defaults=_defaults
        )
    if _kind.deleting:
        _view = _delete_view(_kind, _kind.deleting)
        bp.add_url_rule(f"{_kind.path}/delete", f"delete_{_kind.name}", _view, methods=["GET", "POST"])
