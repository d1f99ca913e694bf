"""What counts as recorded in the app, and why a plan may not be deleted."""

import pytest

from wsoa.domain.plan_removal import PlanFootprint, counted_as_a_change, deletion_refusal, recorded_in_app


@pytest.mark.parametrize(
    ("event", "entity_type", "recorded", "a_change"),
    [
        ("plan.imported", "plan", False, False),  # the import itself
        ("priority.imported", "priority", False, False),  # a re-import changing a priority's title
        ("action.imported", "action", False, False),  # a re-import changing an action
        ("plan.archived", "plan", False, False),  # where the plan is listed, not what it holds
        ("plan.restored", "plan", False, False),
        ("plan.edited", "plan", True, True),
        ("priority.moved", "priority", True, True),
        ("outcome.created", "outcome", True, True),
        ("action.edited", "action", True, True),
        ("action.retired", "action", True, True),
        ("kpi.defined", "kpi", True, True),
        ("review_period.opened", "reviewperiod", True, True),
        ("demo.updates_added", "reviewperiod", True, True),
        # Counted as the progress update or KPI value itself, not twice.
        ("progress_update.recorded", "progressupdate", True, False),
        ("kpi_value.recorded", "kpivalue", True, False),
        ("kpi_value.corrected", "kpivalue", True, False),
        ("kpi_values.uploaded", "plan", True, False),
    ],
)
def test_which_events_are_recorded_in_the_app(event, entity_type, recorded, a_change):
    assert recorded_in_app(event) is recorded
    assert counted_as_a_change(event, entity_type) is a_change


def footprint(**counts) -> PlanFootprint:
    return PlanFootprint(**({"imports": 1, "updates_from_app": 0, "kpi_values": 0, "app_events": 0} | counts))


def test_an_imported_plan_with_nothing_recorded_since_may_be_deleted():
    assert deletion_refusal(footprint()) is None
    assert deletion_refusal(footprint(imports=3)) is None


def test_a_plan_never_imported_is_not_a_wrong_import():
    refusal = deletion_refusal(footprint(imports=0))
    assert refusal.startswith("This plan was created in the app, not imported, so it is not a wrong import.")
    assert "Archive it instead" in refusal


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ({"updates_from_app": 1}, "because 1 progress update has been recorded"),
        ({"updates_from_app": 1200}, "because 1,200 progress updates have been recorded"),
        ({"kpi_values": 2}, "because 2 KPI values have been recorded"),
        ({"app_events": 1}, "because 1 change to the plan has been recorded"),
        (
            {"updates_from_app": 3, "kpi_values": 1, "app_events": 2},
            "because 3 progress updates, 1 KPI value and 2 changes to the plan have been recorded",
        ),
    ],
)
def test_the_refusal_says_what_was_recorded(counts, words):
    refusal = deletion_refusal(footprint(**counts))
    assert words + " in the app since it was imported." in refusal
    assert "Archive it instead: it is kept, left out of the lists, and can be restored." in refusal


def test_the_refusal_names_the_latest_change_when_known():
    refusal = deletion_refusal(footprint(app_events=1, last_app_event="Action 1.1.1 edited"))
    assert 'The latest change: "Action 1.1.1 edited".' in refusal
