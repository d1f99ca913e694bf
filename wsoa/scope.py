"""Areas kept apart: the one place that decides which local area a request (or command) works in.

- `requires(...)` (wsoa.permissions) calls `enter_request_area(view_args)` before checking the capability. Every URL
  argument naming an object (plan_id, action_id, kpi_id, ...: AREA_OF below) is traced to its plan's area; an object
  in an area the signed-in user is not a member of is a 404, never a 403. The request then works in that area, and
  the user's level (`User.level`) is their membership level there. Pages naming no object work in the user's current
  area (chosen on /areas, kept in the session).
- While an area is being worked in, every ORM query of plans, the things a plan owns, key roles and audit events
  reads only that area's rows (`_only_this_area`), so lists, search, filters, reports, exports, uploads and the
  glossary need no filter of their own. A command works in an area with `working_in(area_id)`.
- New plans and roles (and audit events) with no area are put in the area being worked in (`_put_in_area`); with
  none, in the only area there is (one is made on an empty database), so a one-area service needs no --area.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import g, has_app_context, has_request_context, session
from sqlalchemy import event, func, select, true
from sqlalchemy.orm import Session, with_loader_criteria

from wsoa.domain.not_found import NotFound
from wsoa.extensions import db
from wsoa.models.areas import DEFAULT_AREA_NAME, Area, AreaMembership
from wsoa.models.assurance import ActionComment, EvidenceFile
from wsoa.models.audit import AuditEvent, ImportBatch
from wsoa.models.kpi import Kpi, KpiValue
from wsoa.models.meetings import AgreedAction, ReviewMeeting
from wsoa.models.plan import Action, Outcome, Plan, Priority
from wsoa.models.progress import ProgressUpdate, ReviewPeriod
from wsoa.models.public import PublicPage, PublicText
from wsoa.models.roles import Role
from wsoa.models.types import utcnow

ALL_AREAS = {"all_areas": True}  # execution options for a query that must see every area (tracing an object's area)
MAX_ID = 2**31 - 1


class AreaNeeded(LookupError):
    """Several areas and none named: the command must say which (--area NAME)."""


def current_area_id() -> int | None:
    """The area this request or command works in, if any."""
    return g.get("area_id") if has_app_context() else None


@contextmanager
def working_in(area_id: int | None) -> Iterator[None]:
    """Work in one area (a command): queries see only its rows and new plans and roles go into it."""
    before = g.get("area_id")
    g.area_id = area_id
    try:
        yield
    finally:
        g.area_id = before


def find_area(name: str) -> Area | None:
    return db.session.scalar(select(Area).where(func.lower(Area.name) == " ".join(name.split()).lower()))


def list_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.name)))


def members_here(user_id_column):
    """A condition: the user is a member of the area being worked in (anyone, outside an area)."""
    area_id = current_area_id()
    if area_id is None:
        return true()
    return user_id_column.in_(select(AreaMembership.user_id).where(AreaMembership.area_id == area_id))


def area_for_new_rows() -> int:
    """The area a new plan or role goes into: the one being worked in, else the only one (made when there is none)."""
    if (area_id := current_area_id()) is not None:
        return area_id
    # Core statements, not the ORM: this also runs while a flush is under way (_put_in_area).
    connection = db.session.connection()
    area_ids = connection.execute(select(Area.id).order_by(Area.id).limit(2)).scalars().all()
    if len(area_ids) > 1:
        raise AreaNeeded("There is more than one local area: say which (--area NAME)")
    if area_ids:
        return area_ids[0]
    return connection.execute(
        Area.__table__.insert().values(name=DEFAULT_AREA_NAME, created_at=utcnow()).returning(Area.__table__.c.id)
    ).scalar_one()


def area_named(name: str | None) -> Area:
    """The area a command names (--area NAME); with none named, the only one there is (made on an empty database)."""
    if name is None:
        return db.session.get(Area, area_for_new_rows())  # type: ignore[return-value]
    area = find_area(name)
    if area is None:
        known = ", ".join(a.name for a in list_areas()) or "none yet"
        raise AreaNeeded(f"There is no local area called {name!r} (areas: {known})")
    return area


# --- which area an object named in a URL belongs to --------------------------------------------------------------


def _through_plan(model, *joins) -> Callable[[int], object]:
    def query(object_id: int):
        statement = select(Plan.area_id).select_from(model)
        for target, on in joins:
            statement = statement.join(target, on)
        return statement.join(Plan, Plan.id == (joins[-1][0].plan_id if joins else model.plan_id)).where(
            model.id == object_id
        )

    return query


_PRIORITY = (Priority, Priority.id == Kpi.priority_id)
AREA_OF: dict[str, Callable[[int], object]] = {
    "plan_id": lambda plan_id: select(Plan.area_id).where(Plan.id == plan_id),
    "role_id": lambda role_id: select(Role.area_id).where(Role.id == role_id),
    "priority_id": _through_plan(Priority),
    "action_id": _through_plan(Action),
    "period_id": _through_plan(ReviewPeriod),
    "meeting_id": _through_plan(ReviewMeeting),
    "batch_id": _through_plan(ImportBatch),
    "outcome_id": _through_plan(Outcome, (Priority, Priority.id == Outcome.priority_id)),
    "kpi_id": _through_plan(Kpi, _PRIORITY),
    "value_id": _through_plan(KpiValue, (Kpi, Kpi.id == KpiValue.kpi_id), _PRIORITY),
    "update_id": _through_plan(ProgressUpdate, (Action, Action.id == ProgressUpdate.action_id)),
    "file_id": _through_plan(EvidenceFile, (Action, Action.id == EvidenceFile.action_id)),
    "comment_id": _through_plan(ActionComment, (Action, Action.id == ActionComment.action_id)),
    "agreed_id": _through_plan(AgreedAction, (ReviewMeeting, ReviewMeeting.id == AgreedAction.meeting_id)),
    "event_id": lambda event_id: select(AuditEvent.area_id).where(AuditEvent.id == event_id),
    "text_id": _through_plan(PublicText),
}
AREA_OF["review_period_id"] = AREA_OF["period_id"]
AREA_OF["progress_update_id"] = AREA_OF["update_id"]
AREA_OF["kpi_value_id"] = AREA_OF["value_id"]
AREA_OF["import_batch_id"] = AREA_OF["batch_id"]


def _areas_named_by(view_args: dict, member_of: list[int]) -> set[int]:
    """The areas of the objects the URL names (those that exist); NotFound for one outside the user's areas."""
    areas: set[int] = set()
    for name, value in view_args.items():
        if name in AREA_OF and isinstance(value, int) and 0 < value <= MAX_ID:
            area_id = db.session.scalar(AREA_OF[name](value).execution_options(**ALL_AREAS))  # type: ignore[attr-defined]
            if area_id is not None and area_id not in member_of:
                raise NotFound(name)
            areas |= {area_id} if area_id is not None else set()
    if isinstance(user_id := view_args.get("user_id"), int) and 0 < user_id <= MAX_ID:
        areas |= {_area_shared_with(user_id, areas, member_of)}
    if len(areas) > 1:
        raise NotFound("objects from different areas")
    return areas


def _area_shared_with(user_id: int, areas: set[int], member_of: list[int]) -> int:
    """A person named in a URL is seen in an area both they and the user are members of: the one the other objects
    named are in, else the user's current area when it is one of them. NotFound when there is none."""
    theirs = set(db.session.scalars(select(AreaMembership.area_id).where(AreaMembership.user_id == user_id)))
    shared = (theirs & areas) if areas else (theirs & set(member_of))
    if not shared:
        raise NotFound("user_id")
    return preferred_area(list(shared), member_of)


def preferred_area(area_ids: list[int], member_of: list[int]) -> int:
    """The session's current area when it is one of these, else the first."""
    chosen = session.get("area_id") if has_request_context() else None
    return chosen if chosen in area_ids else sorted(area_ids)[0]


def enter_request_area(view_args: dict | None, user) -> None:
    """Work, for this request, in the area of the objects its URL names, or the user's current area."""
    member_of = user.area_ids
    named = _areas_named_by(view_args or {}, member_of)
    if named:
        g.area_id = named.pop()
        if session.get("area_id") != g.area_id:  # opening one of your areas' pages makes it your current area
            session["area_id"] = g.area_id
    elif member_of:
        g.area_id = preferred_area(member_of, member_of)
    else:
        g.area_id = None


def choose_area(user, area_id: int) -> Area:
    """Make one of the user's areas their current one; NotFound for any other."""
    if area_id not in user.area_ids:
        raise NotFound(area_id)
    session["area_id"] = area_id
    return db.session.get(Area, area_id)  # type: ignore[return-value]


# --- the ORM sees one area at a time -------------------------------------------------------------------------------

_OWNED_BY_PLAN = (Priority, Action, ReviewPeriod, ReviewMeeting, ImportBatch, PublicPage, PublicText)


@event.listens_for(Session, "do_orm_execute")
def _only_this_area(state) -> None:
    area_id = current_area_id()
    if area_id is None or not state.is_select or state.execution_options.get("all_areas"):
        return
    in_area = select(Plan.id).where(Plan.area_id == area_id)
    options = [
        with_loader_criteria(Plan, Plan.area_id == area_id, include_aliases=True),
        with_loader_criteria(Role, Role.area_id == area_id, include_aliases=True),
        with_loader_criteria(AuditEvent, AuditEvent.area_id == area_id, include_aliases=True),
        with_loader_criteria(
            Kpi, Kpi.priority_id.in_(select(Priority.id).where(Priority.plan_id.in_(in_area))), include_aliases=True
        ),
        *(
            with_loader_criteria(model, model.plan_id.in_(in_area), include_aliases=True)  # type: ignore[attr-defined]
            for model in _OWNED_BY_PLAN
        ),
    ]
    state.statement = state.statement.options(*options)


def _in_the_area_worked_in(target, args, kwargs) -> None:
    """Made while an area is being worked in: it belongs to that area (even if flushed after working_in ends)."""
    if kwargs.get("area_id") is None and (area_id := current_area_id()) is not None:
        kwargs["area_id"] = area_id


for _model in (Plan, Role, AuditEvent):
    event.listen(_model, "init", _in_the_area_worked_in)


@event.listens_for(Session, "before_flush")
def _put_in_area(session_: Session, flush_context, instances) -> None:
    for obj in session_.new:
        if isinstance(obj, Plan | Role) and obj.area_id is None:
            obj.area_id = area_for_new_rows()
        elif isinstance(obj, AuditEvent) and obj.area_id is None:
            try:
                obj.area_id = area_for_new_rows()
            except AreaNeeded:  # a command about no one area (several there): shown in no area's trail
                obj.area_id = None
