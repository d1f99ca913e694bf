"""What editing plans, priorities, outcomes, actions and key roles shares: the problem an admin can fix,
moving an item among its siblings (audited), numbering new ones, and why something cannot be deleted.

Every change records an audit event with the values before and after.
"""

from collections.abc import Callable, Sequence
from typing import Any, Literal

from sqlalchemy import func, select

from wsoa.extensions import db
from wsoa.services import audit

Direction = Literal["up", "down"]


class StructureProblem(ValueError):
    """A problem the admin can fix, tied to a form field (None: about the whole thing, such as a refused delete)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _move(siblings: Sequence[Any], item: Any, direction: Direction, eligible: Callable[[Any], bool]) -> bool:
    """Move `item` one place past its nearest eligible neighbour, then number everyone's position 0, 1, 2…"""
    order = list(siblings)
    index = order.index(item)
    step = -1 if direction == "up" else 1
    target = index + step
    while 0 <= target < len(order) and not eligible(order[target]):
        target += step
    if not 0 <= target < len(order):
        return False
    order.pop(index)
    order.insert(target, item)
    for position, sibling in enumerate(order):
        if sibling.position != position:
            sibling.position = position
    return True


def _place(siblings: Sequence[Any], item: Any, eligible: Callable[[Any], bool]) -> int:
    """`item`'s place (1-based) among the eligible siblings, as people count them."""
    return [s for s in siblings if eligible(s)].index(item) + 1


def everyone(_: Any) -> bool:
    return True


def reorder(
    item: Any,
    siblings: Sequence[Any],
    direction: Direction,
    *,
    what: str,
    event: str,
    user_id: int | None,
    eligible: Callable[[Any], bool] | None = None,
) -> bool:
    """Move `item` among its siblings and audit its place before and after (as people count: 1, 2, 3…)."""
    eligible = eligible or everyone
    before = _place(siblings, item, eligible)
    if not _move(siblings, item, direction, eligible):
        return False
    after = _place(sorted(siblings, key=lambda s: s.position), item, eligible)
    db.session.flush()
    audit.record(
        event=event,
        entity=item,
        summary=f"{what} moved {direction} to place {after} of {sum(map(eligible, siblings))}",
        user_id=user_id,
        before={"place": before},
        after={"place": after},
    )
    return True


def next_position(model, *where) -> int:
    query = select(func.max(model.position))
    if where:
        query = query.where(*where)
    last = db.session.scalar(query)
    return (last + 1) if last is not None else 0


def in_use_reason(what: str, actions: int, kpis: int) -> str | None:
    parts = []
    if actions:
        parts.append(f"{actions} action{'s' if actions != 1 else ''}")
    if kpis:
        parts.append(f"{kpis} impact measure{'s' if kpis != 1 else ''}")
    if not parts:
        return None
    return (
        f"{what} cannot be deleted because it has {' and '.join(parts)}. Actions are never deleted (retire them "
        "instead), so a priority or outcome with actions stays in the plan."
    )


def counts_by(column, *where) -> Any:
    return select(column.label("owner_id"), func.count().label("n")).where(*where).group_by(column).subquery()
