"""The action ↔ glossary-role links derived from each action's lead text."""

from sqlalchemy import delete, select

from wsoa.domain.leads import match_codes
from wsoa.extensions import db
from wsoa.models import ActionLead, Role


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
