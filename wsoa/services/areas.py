"""Local areas: an instance admin creates one with its first admin; a member of several picks which to work in."""

from dataclasses import dataclass

from wsoa.domain.wording import tidy_line
from wsoa.extensions import db
from wsoa.models import Area, User
from wsoa.scope import find_area, list_areas, working_in
from wsoa.services import audit
from wsoa.services.users import add_user

__all__ = ["AreaProblem", "create_area", "list_areas", "areas_of"]


@dataclass
class AreaProblem(Exception):
    field: str
    message: str


def create_area(name: str | None, *, actor_id: int | None) -> Area:
    """A new, empty local area (its own plans and key-roles glossary)."""
    name = tidy_line(name)
    if not name:
        raise AreaProblem("name", "Enter the area's name")
    if find_area(name) is not None:
        raise AreaProblem("name", f"There is already a local area called {name}")
    area = Area(name=name)
    db.session.add(area)
    db.session.flush()
    with working_in(area.id):
        audit.record(event="area.created", entity=area, summary=f"Local area {name} created", user_id=actor_id)
    return area


def create_area_with_admin(name: str | None, *, admin_name: str, admin_email: str, actor_id: int | None):
    """The area and its first admin (someone already known joins it as its admin); returns both."""
    area = create_area(name, actor_id=actor_id)
    with working_in(area.id):
        admin = add_user(email=admin_email, name=admin_name, level="admin", role_codes=[], actor_id=actor_id)
    return area, admin


def areas_of(user: User) -> list[Area]:
    wanted = set(user.area_ids)
    return [area for area in list_areas() if area.id in wanted]
