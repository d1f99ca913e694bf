"""A plan with one action led by DoP, in a priority led by SRO, with a current period."""

import pytest

from tests.factories import create_action, create_period, create_plan, create_priority, create_role
from wsoa.extensions import db


@pytest.fixture
def plan(database):
    plan = create_plan(title="Testshire WSoA")
    create_role(code="DoP", title="Director of Partnerships")
    create_role(code="SRO", title="Senior responsible officer")
    period = create_period(plan=plan, label="Mar 21")
    priority = create_priority(plan=plan, number=1, title="Waits", lead_role="SRO")
    action = create_action(priority=priority, ref="1.1.1", title="Recruit therapists", due_text="Dec 20", lead="DoP")
    db.session.commit()
    return {"plan": plan, "period": period, "action": action, "priority": priority}
