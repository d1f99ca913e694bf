"""The one way a missing thing is reported: services and views raise NotFound, and wsoa.errors answers it with the
404 page. No Flask here, so services can raise it too."""

from typing import TypeVar

T = TypeVar("T")


class NotFound(LookupError):
    """What was asked for does not exist (or is not one this page shows)."""


def found(thing: T | None) -> T:
    """`thing`, or NotFound when it is None: `plan = found(plans.get_plan(plan_id))`."""
    if thing is None:
        raise NotFound
    return thing
