"""User administration: creating, listing and editing users, and signing a user out everywhere.

Signing in, passwords and throttling are wsoa.services.accounts."""

from dataclasses import dataclass

from sqlalchemy import func, select

from wsoa.extensions import db
from wsoa.models import AreaMembership, Role, User
from wsoa.models.users import LEVELS
from wsoa.scope import area_for_new_rows, members_here, working_in
from wsoa.services import audit, sessions
from wsoa.services.accounts import UserProblem, check_new_password, find_user_by_email, hash_password, normalise_email


def create_user(
    *,
    email: str,
    name: str,
    level: str,
    password: str | None = None,
    role_codes: list[str] | None = None,
    area_id: int | None = None,
) -> User:
    """Create a user without an audit event (test data and the demo); people use `add_user`.

    They are a member of `area_id` (default: the area being worked in, or the only one) at `level`. Someone already
    known in another area joins this one instead (their name and password stay as they are)."""
    if level not in LEVELS:
        raise UserProblem("level", f"Level must be one of {', '.join(LEVELS)}")
    area_id = area_id or area_for_new_rows()
    user = find_user_by_email(email)
    if user is not None and user.membership_in(area_id) is not None:
        raise UserProblem("email", f"A user with the email address {normalise_email(email)} already exists")
    if user is None:
        user = User(email=normalise_email(email), name=name.strip())
        if password:
            user.password_hash = hash_password(password)
    user.memberships.append(AreaMembership(area_id=area_id, level=level))
    if role_codes:
        with working_in(area_id):
            user.roles = [*user.roles, *_roles_by_code(role_codes)]
    db.session.add(user)
    db.session.flush()
    return user


# --- managing users (admins) -------------------------------------------------------------------------------------

USER_FIELDS = ["name", "email", "level", "active"]


def _roles_by_code(role_codes: list[str]) -> list[Role]:
    if not role_codes:
        return []
    return list(db.session.scalars(select(Role).where(Role.code.in_(role_codes)).order_by(Role.code)))


def _snapshot(user: User) -> dict:
    return {**audit.snapshot(user, USER_FIELDS), "roles": sorted(role.code or "" for role in user.roles)}


def list_users() -> list[User]:
    """Everyone who can or could sign in to this area: active first, then by name (roles loaded in one more query)."""
    query = select(User).where(members_here(User.id))
    return list(db.session.scalars(query.order_by(User.active.desc(), func.lower(User.name), User.id)))


MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id in a URL would be a database error, not a 404


def get_user(user_id: int) -> User | None:
    if not 0 < user_id <= MAX_ID:
        return None
    return db.session.get(User, user_id)


def glossary_roles() -> list[Role]:
    """Roles a user can hold: glossary rows with a code, in glossary order."""
    return list(db.session.scalars(select(Role).where(Role.code.is_not(None)).order_by(Role.position, Role.code)))


def add_user(
    *,
    email: str,
    name: str,
    level: str,
    role_codes: list[str],
    actor_id: int | None,
    password: str | None = None,
) -> User:
    """Create a user and record who did it; they set their own password through a link unless one is given."""
    if password is not None:
        check_new_password(password, email=email, name=name, whose="their")
    user = create_user(email=email, name=name, level=level, password=password, role_codes=role_codes)
    audit.record(
        event="user.created",
        entity=user,
        summary=f"User {user.name} ({user.email}) created as {user.level}",
        user_id=actor_id,
        after=_snapshot(user),
    )
    return user


@dataclass(frozen=True)
class UserValues:
    name: str
    email: str
    level: str
    role_codes: list[str]
    active: bool


def _other_active_admins(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.level == "admin", User.active.is_(True), User.id != user_id)
    )


def edit_user(user: User, values: UserValues, *, actor_id: int | None) -> bool:
    """Change a user's details, level, roles held or whether they can sign in; returns whether anything changed.

    Users are never deleted, so their name stays on what they wrote; and the service always keeps an active admin.
    """
    if values.level not in LEVELS:
        raise UserProblem("level", "Select a permission level")
    email = normalise_email(values.email)
    if email != user.email:
        clash = db.session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != user.id))
        if clash is not None:
            raise UserProblem("email", f"A user with the email address {email} already exists")
    stays_admin = values.level == "admin" and values.active
    if user.level == "admin" and user.active and not stays_admin and _other_active_admins(user.id) == 0:
        field = "active" if not values.active else "level"
        who = "you are" if user.id == actor_id else f"{user.name} is"
        raise UserProblem(
            field, f"You cannot do this because {who} the only active admin. Make someone else an admin first"
        )
    before_roles = sorted(role.code or "" for role in user.roles)
    changes = audit.apply_changes(
        user, {"name": " ".join(values.name.split()), "email": email, "level": values.level, "active": values.active}
    )
    roles = _roles_by_code(values.role_codes)
    after_roles = sorted(role.code or "" for role in roles)
    if after_roles != before_roles:
        user.roles = roles
        changes["roles"] = (before_roles, after_roles)
    if "active" in changes and not user.active:
        sessions.end_all(user.id, reason=sessions.DEACTIVATED)  # signed out wherever they are signed in
    return audit.record_changes(
        user,
        changes,
        event="user.edited",
        summary=f"User {user.name} ({user.email}) changed: {', '.join(changes)}",
        user_id=actor_id,
    )


def sign_out_everywhere(user: User, *, actor_id: int | None) -> int:
    """End every session the user has, on every device (a lost laptop, a shared computer); returns how many."""
    ended = sessions.end_all(user.id, reason=sessions.SIGNED_OUT_EVERYWHERE)
    sessions_word = "session" if ended == 1 else "sessions"
    audit.record(
        event="user.signed_out_everywhere",
        entity=user,
        summary=f"{user.name} ({user.email}) signed out everywhere: {ended} {sessions_word} ended",
        user_id=actor_id,
    )
    return ended
