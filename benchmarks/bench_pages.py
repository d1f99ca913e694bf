"""Page speed on a large plan: median time of each browsing page, its ratio to a trivial endpoint, and its queries.

For each plan size in BENCH_SIZES (default 1,000 and 10,000 actions) builds a plan with 8 review periods of updates
(80,000 updates at 10,000 actions) in a temporary SQLite database (or WSOA_BENCH_DATABASE_URL, emptied first), signs
in, and times each page with Flask's test client in the same process. The baseline is /healthz by the same signed-in
client: the request, session and security-header machinery every page pays for, with no database query and no
template, so each ratio is what the page itself costs. Targets (issue 20): every page's median under 100 ms at 10,000
actions and under 30 ms at 1,000, each printed MET or MISSED; the number of SQL statements per page is printed per size
and must not grow with the plan.
"""

import os
import statistics
import tempfile
import time

from flask_migrate import upgrade
from sqlalchemy import event, insert

from config import Test
from wsoa import create_app
from wsoa.extensions import db
from wsoa.models import Action, ActionLead, Outcome, Plan, Priority, ProgressUpdate, ReviewPeriod, Role
from wsoa.services import plans as plan_service
from wsoa.services.queries import refresh_latest_updates
from wsoa.services.users import create_user

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", os.environ.get("BENCH_ACTIONS", "1000,10000")).split(",")]
TARGET_MS = {1000: 30.0, 10000: 100.0}  # issue 20: median per page at these plan sizes
PERIODS = 8
PRIORITIES = 10
RUNS = int(os.environ.get("BENCH_RUNS", "15"))  # a shared machine is noisy: more runs, steadier medians
RAGS = ("red", "amber", "green", "blue", None)
BASELINE = "/healthz"
BASELINE_RUNS = max(RUNS, 101)  # a fraction of a millisecond each: more runs for a steady median


def build(actions: int) -> tuple[int, int, int]:
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
    per_priority = actions // PRIORITIES
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
        for i in range(actions)
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
    refresh_latest_updates(plan_id=plan.id)  # bulk inserts set the pointers as an import does
    create_user(email="bench@example.org", name="Bench", level="viewer", password="bench-password")
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Planner statistics, as autovacuum keeps them on a live database (straight after a bulk load there are none).
        db.session.execute(db.text("ANALYZE"))
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


def statements(client, path: str) -> int:
    """SQL statements one request of the page runs."""
    counted = []

    def count(*args):
        counted.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(counted)


def run(config, actions: int) -> dict[str, int]:
    """Build a plan of `actions` actions, time every page and print the results; returns statements per page."""
    app = create_app(config)
    counts = {}
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
        started = time.perf_counter()
        plan_id, priority_id, action_id = build(actions)
        print(
            f"\n{db.engine.dialect.name}: built {actions:,} actions x {PERIODS} periods in "
            f"{time.perf_counter() - started:.1f} s"
        )
        client = app.test_client()
        client.post("/sign-in", data={"email": "bench@example.org", "password": "bench-password"})
        baseline = median_seconds(client, BASELINE, BASELINE_RUNS)
        pages = {
            "plan overview": f"/plans/{plan_id}",
            "priority page": f"/priorities/{priority_id}",
            "action list (page 1)": f"/plans/{plan_id}/actions",
            "action list (filtered)": f"/plans/{plan_id}/actions?rag=red&overdue=y",
            "action list (page 5)": f"/plans/{plan_id}/actions?page=5",
            "action page (8 updates)": f"/actions/{action_id}",
        }
        target = TARGET_MS.get(actions)
        print(
            f"baseline: {BASELINE} (no database, no template) median {baseline * 1000:.2f} ms over {BASELINE_RUNS} "
            f"runs; pages over {RUNS} runs; target {f'{target:.0f} ms' if target else 'none at this size'}; "
            f"the priority holds {actions // PRIORITIES:,} actions, shown {plan_service.PRIORITY_PAGE_SIZE} a page; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        for name, url in pages.items():
            seconds = median_seconds(client, url)
            counts[name] = statements(client, url)
            verdict = "" if target is None else ("MET" if seconds * 1000 < target else "MISSED")
            print(
                f"{name:<26} median {seconds * 1000:7.1f} ms {seconds / baseline:7.1f}x baseline "
                f"{counts[name]:3d} queries  {verdict}"
            )
        db.session.remove()
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    return counts


def main() -> None:
    config = Test()
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    config.SQLALCHEMY_DATABASE_URI = os.environ.get("WSOA_BENCH_DATABASE_URL", f"sqlite:///{path}")
    config.WTF_CSRF_ENABLED = False
    counts_by_size = {size: run(config, size) for size in SIZES}
    os.unlink(path)
    print("\nqueries per page by plan size: " + ", ".join(f"{size:,}" for size in SIZES))
    for name in counts_by_size[SIZES[0]]:
        per_size = [counts_by_size[size][name] for size in SIZES]
        verdict = "constant" if len(set(per_size)) == 1 else "GROWS"
        print(f"{name:<26} {' '.join(f'{n:6d}' for n in per_size)}  {verdict}")


if __name__ == "__main__":
    main()
