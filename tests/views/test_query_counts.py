"""Pages issue a fixed number of queries whatever the plan's size (no query per row)."""

import pytest

from tests.factories import (
    create_action,
    create_outcome,
    create_period,
    create_plan,
    create_priority,
    create_role,
    create_update,
)
from wsoa.extensions import db


def build_plan(priorities: int, actions_per_priority: int, periods: int):
    plan = create_plan(title=f"Plan {priorities}x{actions_per_priority}")
    role = create_role(code=f"L{priorities}", person="A Lead")
    period_rows = [create_period(plan=plan, label=f"P{n}", current=n == periods - 1) for n in range(periods)]
    first_action = None
    for p in range(1, priorities + 1):
        priority = create_priority(plan=plan, number=p, lead_role=role.code)
        outcome = create_outcome(priority=priority, ref=f"{p}.1")
        for a in range(actions_per_priority):
            action = create_action(
                priority=priority, outcome=outcome, ref=f"{p}.1.{a}", lead=role.code, section=f"Section {a % 3}"
            )
            first_action = first_action or action
            for period in period_rows:
                create_update(action=action, period=period, rag=("red", "amber", "green", None)[a % 4])
    db.session.commit()
    return plan, first_action


def statements_for(client, count_queries, path: str) -> int:
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return counted()


# Not "page": that name is pytest-playwright's browser page fixture, so a parameter named so would shadow it.
@pytest.mark.parametrize(
    "path_of",
    [
        lambda plan, action: f"/plans/{plan.id}",
        lambda plan, action: f"/priorities/{action.priority_id}",
        lambda plan, action: f"/plans/{plan.id}/actions",
        lambda plan, action: f"/plans/{plan.id}/actions?rag=red&overdue=y&lead=L6",
        lambda plan, action: f"/actions/{action.id}",
    ],
    ids=["overview", "priority", "action-list", "action-list-filtered", "action"],
)
def test_page_query_count_does_not_grow_with_the_plan(client, login_as, count_queries, path_of):
    login_as("viewer")
    small_plan, small_action = build_plan(priorities=1, actions_per_priority=2, periods=1)
    large_plan, large_action = build_plan(priorities=6, actions_per_priority=40, periods=4)
    small = statements_for(client, count_queries, path_of(small_plan, small_action))
    large = statements_for(client, count_queries, path_of(large_plan, large_action))
    assert small == large
