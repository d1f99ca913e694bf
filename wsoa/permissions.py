"""The one permission check every route carries, and what each level may do."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, g, request
from flask_login import current_user

from wsoa.extensions import login_manager
from wsoa.scope import enter_request_area

F = TypeVar("F", bound=Callable)

# Which permission levels hold each capability. Object-level rules (a lead may update only the actions whose
# lead role they hold) are checked by `can_update_action`, on top of the capability.
CAPABILITIES: dict[str, frozenset[str]] = {
    "view": frozenset({"admin", "editor", "lead", "viewer"}),
    "update_progress": frozenset({"admin", "editor", "lead"}),
    "update_any_progress": frozenset({"admin", "editor"}),  # beyond their own roles' actions: see can_update_action
    "edit_actions": frozenset({"admin", "editor"}),
    "edit_structure": frozenset({"admin"}),
    "start_plans": frozenset({"admin"}),  # start a new plan from an earlier one, carrying priorities and actions over
    "import_plans": frozenset({"admin"}),
    "manage_periods": frozenset({"admin"}),
    "manage_users": frozenset({"admin"}),
    "view_audit": frozenset({"admin"}),
    "record_kpi_values": frozenset({"admin", "editor", "lead"}),
    "record_any_kpi_values": frozenset({"admin", "editor"}),  # beyond their own roles' KPIs: see can_record_kpi_values
    "edit_kpis": frozenset({"admin", "editor"}),
    "change_own_password": frozenset({"admin", "editor", "lead", "viewer"}),
    "chase_updates": frozenset({"admin", "editor"}),  # the chase list, "Send a reminder now", reminder settings
    "choose_own_notices": frozenset({"admin", "editor", "lead", "viewer"}),
    "comment": frozenset({"admin", "editor", "lead", "viewer"}),  # comments and board challenges on actions
    # A lead only on their priorities' updates, and nobody on their own: see the sign-off rules in domain/assurance.
    "sign_off_updates": frozenset({"admin", "editor", "lead"}),
    "manage_sign_off": frozenset({"admin", "editor"}),  # switch a plan's sign-off on or off
    # Record review meetings (board, DfE/NHSE): details, "Is progress sufficient?" statements, actions agreed.
    "manage_meetings": frozenset({"admin", "editor"}),
    # Turn an action a meeting agreed into a plan action. Editors may, though adding actions otherwise is for admins:
    # the meeting has agreed it, and the officer who keeps the minutes records it, linked back to the meeting.
    "add_agreed_actions": frozenset({"admin", "editor"}),
    # The plan's public "you said, we did" page: write and approve its texts for families, publish and withdraw it.
    "publish_progress": frozenset({"admin", "editor"}),
    # Create local areas and their first admin: instance admins only (User.is_instance_admin), whatever their level
    # in any area; an area's own admins are refused.
    "manage_areas": frozenset(),
}
INSTANCE_ADMIN_CAPABILITIES = frozenset({"manage_areas"})
PUBLIC = "public"


def requires(capability: str) -> Callable[[F], F]:
    """Refuse the view unless the signed-in user's level holds `capability` (`PUBLIC`: anyone)."""
    if capability != PUBLIC and capability not in CAPABILITIES:
        raise ValueError(f"Unknown capability {capability!r}")

    def decorator(view: F) -> F:
        @wraps(view)
        def guarded(*args, **kwargs):
            if capability != PUBLIC:
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                # Another area's object is a 404 (not 403); the user's level is then the one in its area.
                enter_request_area(request.view_args, current_user)
                if not user_has(current_user, capability):
                    abort(403)
            return view(*args, **kwargs)

        guarded.required_capability = capability  # read by the route audit test
        return guarded  # type: ignore[return-value]

    return decorator


def has_capability(level: str | None, capability: str) -> bool:
    return level in CAPABILITIES.get(capability, frozenset())


def user_has(user, capability: str) -> bool:
    """The user's level in the area being worked in holds it (an instance admin's capabilities: their flag)."""
    if capability in INSTANCE_ADMIN_CAPABILITIES:
        return bool(user.is_instance_admin)
    return has_capability(user.level, capability)


def user_can(capability: str) -> bool:
    """For templates: show a link only to those who may follow it."""
    if g.get("database_unavailable"):
        return False
    return current_user.is_authenticated and user_has(current_user, capability)


def can_update_action(user, lead_role_ids) -> bool:
    """Admins and editors may update any action; a lead only those led by a role they hold; viewers none."""
    if not getattr(user, "is_authenticated", False) or not has_capability(user.level, "update_progress"):
        return False
    if has_capability(user.level, "update_any_progress"):
        return True
    return not {role.id for role in user.roles}.isdisjoint(lead_role_ids)


def can_record_kpi_values(user, owner_role_id: int | None) -> bool:
    """Admins and editors may record any KPI's values; a lead only a KPI owned by a role they hold; viewers none."""
    if not getattr(user, "is_authenticated", False) or not has_capability(user.level, "record_kpi_values"):
        return False
    if has_capability(user.level, "record_any_kpi_values"):
        return True
    return owner_role_id is not None and owner_role_id in {role.id for role in user.roles}
