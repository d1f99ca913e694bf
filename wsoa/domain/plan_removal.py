"""When a whole plan may be deleted: only a wrong import on which nothing has been recorded in the app.

A plan is otherwise never deleted (archive it instead). "Recorded in the app" means anything a person, or a
command other than the import, put into the plan after the workbook was read:

- a progress update not read from a workbook (typed in the app, or demo data from `wsoa load-demo`);
- a KPI value (the importer records none: every value was typed in or uploaded);
- an audit event about the plan or anything it holds (its details, priorities, outcomes, actions, KPIs, KPI values,
  review periods, progress updates) other than the import's own events, whose names end in ".imported", and
  archiving or restoring the plan, which change nothing in it.

Importing the same or a newer workbook again is still the import. A plan that was created in the app rather than
imported is not a wrong import, and key roles are shared by every plan (so a role edit is not about one plan).
"""

from dataclasses import dataclass

IMPORT_EVENT_SUFFIX = ".imported"  # plan.imported, priority.imported, action.imported: written by the importer
# Archiving and restoring are about the plan's place in the lists, not its content; a deletion closes the record.
LIFECYCLE_EVENTS = frozenset({"plan.archived", "plan.restored", "plan.deleted"})
# Progress updates and KPI values are counted as the rows themselves (they are never deleted), not again as the
# events that record them; an upload's summary event names values already counted.
COUNTED_AS_ROWS = frozenset({"progressupdate", "kpivalue"})
COUNTED_AS_ROWS_EVENTS = frozenset({"kpi_values.uploaded"})

WHAT_COUNTS = (
    "A plan can be deleted only when it was imported and nothing has been recorded in the app since: no progress "
    "update other than those read from the workbook, no KPI value, and no change to the plan, its priorities, "
    "outcomes, actions, impact measures or review periods other than by importing a workbook again. Archiving and "
    "restoring do not count."
)


def recorded_in_app(event: str) -> bool:
    """Whether an audit event about a plan's content is something recorded in the app (not the import's own)."""
    return not event.endswith(IMPORT_EVENT_SUFFIX) and event not in LIFECYCLE_EVENTS


def counted_as_a_change(event: str, entity_type: str) -> bool:
    """Whether the event is counted among a plan's other changes (progress updates and KPI values count as rows)."""
    return recorded_in_app(event) and entity_type not in COUNTED_AS_ROWS and event not in COUNTED_AS_ROWS_EVENTS


@dataclass(frozen=True)
class PlanFootprint:
    """What has been put into a plan, counted by where it came from."""

    imports: int  # import batches that wrote into the plan
    updates_from_app: int  # progress updates not read from a workbook
    kpi_values: int
    app_events: int  # audit events about the plan's content that are counted_as_a_change
    last_app_event: str | None = None  # the newest such event's summary, to name it in the refusal


def _counted(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def deletion_refusal(footprint: PlanFootprint) -> str | None:
    """Why the plan cannot be deleted, in words for the admin, or None when it can."""
    if footprint.imports == 0:
        return (
            "This plan was created in the app, not imported, so it is not a wrong import. Archive it instead: it is "
            "kept, left out of the lists, and can be restored."
        )
    found = []
    if footprint.updates_from_app:
        found.append(_counted(footprint.updates_from_app, "progress update", "progress updates"))
    if footprint.kpi_values:
        found.append(_counted(footprint.kpi_values, "KPI value", "KPI values"))
    if footprint.app_events:
        found.append(_counted(footprint.app_events, "change to the plan", "changes to the plan"))
    if not found:
        return None
    listed = ", ".join(found[:-1]) + " and " + found[-1] if len(found) > 1 else found[0]
    latest = f' The latest change: "{footprint.last_app_event}".' if footprint.last_app_event else ""
    return (
        f"This plan cannot be deleted because {listed} {'has' if _single(found, footprint) else 'have'} been "
        f"recorded in the app since it was imported.{latest} Only a plan with nothing recorded since its import (a "
        "wrong import) can be deleted, so that nobody's work is lost. Archive it instead: it is kept, left out of "
        "the lists, and can be restored."
    )


def _single(found: list[str], footprint: PlanFootprint) -> bool:
    return len(found) == 1 and footprint.updates_from_app + footprint.kpi_values + footprint.app_events == 1
