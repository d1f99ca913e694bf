"""The key-roles glossary: editing its entries (a new person is a hand-over, kept as history) and the
action-to-role links derived from each action's lead text.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from wsoa.domain.leads import match_codes, normalise_code
from wsoa.domain.wording import tidy_line
from wsoa.extensions import db
from wsoa.models import (
    Action,
    ActionLead,
    Role,
    RoleHolder,
)
from wsoa.models.types import utcnow
from wsoa.services import audit
from wsoa.services.editing import Direction, StructureProblem, next_position, reorder
from wsoa.services.queries import glossary

ROLE_FIELDS = ["code", "title", "organisation", "person", "contact"]


def coded_roles() -> dict[str, Role]:
    # Glossary rows without a code (a group such as "SEND Advocacy Groups") cannot be named in a lead cell.
    return {role.code: role for role in db.session.scalars(select(Role).where(Role.code.is_not(None)))}


@dataclass(frozen=True)
class RoleValues:
    code: str | None = None
    title: str | None = None
    organisation: str | None = None
    person: str | None = None
    contact: str | None = None


def _role_columns(values: RoleValues, role_id: int | None = None) -> dict[str, Any]:
    columns = {name: tidy_line(getattr(values, name)) for name in ROLE_FIELDS}
    if not columns["code"] and not columns["title"]:
        raise StructureProblem("code", "Enter a code for the role, or a title if it has no code")
    if columns["code"]:
        others = db.session.execute(select(Role.id, Role.code).where(Role.code.is_not(None))).all()
        wanted = normalise_code(columns["code"])
        clash = next(
            (code for other_id, code in others if other_id != role_id and normalise_code(code) == wanted), None
        )
        if clash:
            raise StructureProblem("code", f"There is already a key role with the code {clash}")
    return columns


def _relink_all_leads() -> None:
    """A code was added or renamed: every action's lead text is matched against the glossary again."""
    rows = db.session.execute(select(Action.id, Action.lead).where(Action.lead.is_not(None))).all()
    relink_leads([(action_id, lead) for action_id, lead in rows], coded_roles())


def add_role(values: RoleValues, *, user_id: int | None) -> Role:
    """A new glossary entry; actions whose lead names its code are linked to it."""
    role = Role(position=next_position(Role), **_role_columns(values))
    db.session.add(role)
    db.session.flush()
    if role.person:
        db.session.add(RoleHolder(role_id=role.id, person=role.person, started_at=utcnow()))
    if role.code:
        _relink_all_leads()
    audit.record(
        event="role.created",
        entity=role,
        summary=f"Key role {role.code or role.title} added",
        user_id=user_id,
        after=audit.snapshot(role, ROLE_FIELDS),
    )
    db.session.flush()
    return role


def edit_role(role: Role, values: RoleValues, *, user_id: int | None) -> bool:
    """Change a glossary entry. A new person is a hand-over: the previous holder's time ends, theirs begins."""
    changes = audit.apply_changes(role, _role_columns(values, role.id))
    if not changes:
        return False
    if "person" in changes:
        now = utcnow()
        old_person = changes["person"][0]
        has_history = db.session.scalar(select(func.count(RoleHolder.id)).where(RoleHolder.role_id == role.id))
        if old_person and not has_history:
            # Held before the tracker kept history (start unknown): record that their time ends now.
            db.session.add(RoleHolder(role_id=role.id, person=old_person, started_at=now, ended_at=now))
        db.session.execute(
            update(RoleHolder)
            .where(RoleHolder.role_id == role.id, RoleHolder.ended_at.is_(None))
            .values(ended_at=now)
            .execution_options(synchronize_session=False)
        )
        if role.person:
            db.session.add(RoleHolder(role_id=role.id, person=role.person, started_at=now))
    db.session.flush()
    if "code" in changes:
        _relink_all_leads()
    audit.record(
        event="role.edited",
        entity=role,
        summary=f"Key role {role.code or role.title} edited"
        + (f": now held by {role.person or 'nobody (vacant)'}" if "person" in changes else ""),
        user_id=user_id,
        changes=changes,
    )
    return True


def move_role(role: Role, direction: Direction, *, user_id: int | None) -> bool:
    """Move a key role up or down the glossary; False when it is already first (or last)."""
    return reorder(
        role, glossary(), direction, what=f"Key role {role.code or role.title}", event="role.moved", user_id=user_id
    )


def get_role(role_id: int) -> Role | None:
    return db.session.scalars(select(Role).options(selectinload(Role.holders)).where(Role.id == role_id)).first()


def relink_leads(
    action_leads: list[tuple[int, str | None]], roles: dict[str, Role] | None = None, *, new_actions: bool = False
) -> None:
    """Replace the role links of these actions with those their lead text names now (new actions have none)."""
    if not action_leads:
        return
    if roles is None:
        roles = {role.code: role for role in db.session.scalars(select(Role))}
    action_ids = [] if new_actions else [action_id for action_id, _ in action_leads]
    for chunk_start in range(0, len(action_ids), 500):
        chunk = action_ids[chunk_start : chunk_start + 500]
        db.session.execute(delete(ActionLead).where(ActionLead.action_id.in_(chunk)))
    rows = [
        {"action_id": action_id, "role_id": roles[code].id}
        for action_id, lead in action_leads
        for code in match_codes(lead, roles)
    ]
    if rows:
        db.session.execute(ActionLead.__table__.insert(), rows)
