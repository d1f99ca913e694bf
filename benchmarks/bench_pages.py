"""Page speed on a large plan: median time of each browsing page and its ratio to a trivial endpoint.

Builds a plan of 10,000 actions (BENCH_ACTIONS) with 8 review periods of updates (80,000 updates) in a temporary SQLite
database (or WSOA_BENCH_DATABASE_URL), signs in, and times each page with Flask's test client in the same process. The
baseline is /healthz by the same signed-in client: the request, session and security-header machinery every page pays
for, with no database query and no template, so each ratio is what the page itself costs.
"""

import os
import statistics
import tempfile
import time

from flask_migrate import upgrade
from sqlalchemy import insert

from config import Test
from wsoa import create_app
from wsoa.extensions import db
from wsoa.models import Action, ActionLead, Outcome, Plan, Priority, ProgressUpdate, ReviewPeriod, Role
from wsoa.services.users import create_user

ACTIONS = int(os.environ.get("BENCH_ACTIONS", "10000"))
PERIODS = 8
PRIORITIES = 10
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
RAGS = ("red", "amber", "green", "blue", None)
BASELINE = "/healthz"
BASELINE_RUNS = max(RUNS, 101)  # a fraction of a millisecond each: more runs for a steady median


def build(app) -> tuple[int, int, int]:
    plan = Plan(title="Benchmark plan")
    db.session.add(plan)
    db.session.flush()
    role = Role(code="LEAD", person="A Lead")
    db.session.add(role)
    periods = [
        ReviewPeriod(plan_id=plan.id, label=f"Q{n}", position=n, is_current=n == PERIODS - 1) for n in range(PERIODS)
    ]
    db.session.add_all(periods)
    priorities = [
        Priority(plan_id=plan.id, number=n + 1, title=f"Priority {n + 1}", position=n) for n in range(PRIORITIES)
    ]
    db.session.add_all(priorities)
    db.session.flush()
    outcomes = [Outcome(priority_id=p.id, ref=f"{p.number}.1", text="Outcome") for p in priorities]
    db.session.add_all(outcomes)
    db.session.flush()
    per_priority = ACTIONS // PRIORITIES
    rows = [
        {
            "plan_id": plan.id,
            "priority_id": priorities[i // per_priority].id,
            "outcome_id": outcomes[i // per_priority].id,
            "ref": f"{i // per_priority + 1}.1.{i % per_priority + 1}",
            "title": f"Action number {i} with a realistic length of text describing what will be done",
            "due_text": "Dec 20",
            "lead": "LEAD",
            "position": i,
            "extra_fields": {},
        }
        for i in range(ACTIONS)
    ]
    ids = list(db.session.scalars(insert(Action).returning(Action.id, sort_by_parameter_order=True), rows))
    db.session.execute(insert(ActionLead), [{"action_id": i, "role_id": role.id} for i in ids])
    for period in periods:
        db.session.execute(
            insert(ProgressUpdate),
            [
                {
                    "action_id": action_id,
                    "review_period_id": period.id,
                    "rag": RAGS[(n + period.position) % 5],
                    "narrative": "Progress narrative for this period",
                    "source": "demo",
                }
                for n, action_id in enumerate(ids)
            ],
        )
    create_user(email="bench@example.org", name="Bench", level="viewer", password="bench-password")
    db.session.commit()
    return plan.id, priorities[0].id, ids[len(ids) // 2]


def median_seconds(client, path: str, runs: int = RUNS) -> float:
    client.get(path)  # warm caches and template compilation
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def main() -> None:
    config = Test()
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    config.SQLALCHEMY_DATABASE_URI = os.environ.get("WSOA_BENCH_DATABASE_URL", f"sqlite:///{path}")
    config.WTF_CSRF_ENABLED = False
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        upgrade()
        started = time.perf_counter()
        plan_id, priority_id, action_id = build(app)
        print(f"built {ACTIONS:,} actions x {PERIODS} periods in {time.perf_counter() - started:.1f} s")
        client = app.test_client()
        client.post("/sign-in", data={"email": "bench@example.org", "password": "bench-password"})
        baseline = median_seconds(client, BASELINE, BASELINE_RUNS)
        pages = {
            "plan overview": f"/plans/{plan_id}",
            f"priority page ({ACTIONS // PRIORITIES:,} actions)": f"/priorities/{priority_id}",
            "action list (page 1)": f"/plans/{plan_id}/actions",
            "action list (filtered)": f"/plans/{plan_id}/actions?rag=red&overdue=y",
            "action page (8 updates)": f"/actions/{action_id}",
        }
        print(
            f"baseline: {BASELINE} (no database, no template) median {baseline * 1000:.2f} ms over {BASELINE_RUNS} runs; "
            f"pages over {RUNS} runs"
        )
        for name, url in pages.items():
            seconds = median_seconds(client, url)
            print(f"{name:<36} median {seconds * 1000:8.1f} ms   {seconds / baseline:8.1f}x baseline")
        db.session.remove()
        db.drop_all()
    os.unlink(path)


if __name__ == "__main__":
    main()
