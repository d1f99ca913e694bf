"""Board report speed: median generation time of each format for the demo plan and for a 1,000-action plan.

Builds both plans in a temporary SQLite database (or WSOA_BENCH_DATABASE_URL): the demo plan through the real
importer (wsoa.demo.load_demo), and a plan of 1,000 actions with 8 review periods of history (8,000
updates, with narratives, next steps, risks, revised dates, KPI values and a hand-over of a key role). Times each
format end to end (load the records, take the snapshot, assemble, write) and prints it with its ratio to a
baseline measured in the same run: loading the snapshot records; the PDF also with its ratio to the HTML paper of
the same snapshot. Prints MET or MISSED for each target (the PDF under 0.5 s for the demo plan and 3 s for the
1,000-action plan, medians of wall time) and checks that the number of queries does not grow with the plan.

    .venv/bin/python benchmarks/bench_reports.py
    BENCH_RUNS=3 BENCH_ACTIONS=2000 .venv/bin/python benchmarks/bench_reports.py
"""

import os
import resource
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import event, insert, select

from config import Test
from wsoa import create_app
from wsoa.extensions import db
from wsoa.models import (
    Action,
    ActionLead,
    Kpi,
    KpiValue,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    ReviewPeriod,
    Role,
    RoleHolder,
)
from wsoa.reports import docx as docx_writer
from wsoa.reports import html as html_writer
from wsoa.reports.assemble import ReportOptions
from wsoa.reports.docx import render_docx
from wsoa.reports.html import render_standalone
from wsoa.reports.pdf import render_pdf
from wsoa.reports.xlsx import render_xlsx
from wsoa.services.reports import build_report, default_period_id, load_report_source

ACTIONS = int(os.environ.get("BENCH_ACTIONS", "1000"))
PERIODS = 8
PRIORITIES = 8
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PDF_RUNS = int(os.environ.get("BENCH_PDF_RUNS", "3"))
RAGS = ("green", "amber", "green", "red", "blue", None, "green", "amber")
# Median seconds, end to end: (plan, format) -> target.
TARGETS = {("large", "html"): 0.5, ("large", "pdf"): 3.0, ("demo", "pdf"): 0.5}
NARRATIVE = (
    "Work continued with partners across education, health and care this period. The task and finish group met "
    "twice and agreed the next stage with the parent carer forum; the impact will be reported next quarter."
)
WRITERS = {
    "html": render_standalone,
    "pdf": render_pdf,
    "docx": render_docx,
    "xlsx": render_xlsx,
}


def build_large_plan(actions: int) -> int:
    """A plan of `actions` actions over 8 priorities with 8 quarterly periods of updates (Core bulk inserts)."""
    plan = Plan(title=f"Benchmark plan ({actions:,} actions)", area="Benchmarkshire")
    db.session.add(plan)
    db.session.flush()
    roles = [
        Role(code=f"BL{n}", title=f"Benchmark lead {n}", organisation="Council", person=f"Lead {n}") for n in range(8)
    ]
    db.session.add_all(roles)
    db.session.flush()
    start = datetime(2020, 4, 1, tzinfo=UTC)
    for role in roles:
        db.session.add(RoleHolder(role_id=role.id, person=f"First holder of {role.code}", started_at=start))
    db.session.add(
        RoleHolder(role_id=roles[0].id, person="Second holder of BL0", started_at=datetime(2021, 1, 1, tzinfo=UTC))
    )
    quarters = [(date(2020 + (3 + 3 * q) // 12, (3 + 3 * q) % 12 + 1, 1)) for q in range(PERIODS + 1)]
    periods = [
        ReviewPeriod(
            plan_id=plan.id,
            label=f"Q{n + 1}",
            start_date=quarters[n],
            end_date=quarters[n + 1] - timedelta(days=1),
            board_date=quarters[n + 1] + timedelta(days=20),
            position=n,
            is_current=n == PERIODS - 1,
        )
        for n in range(PERIODS)
    ]
    db.session.add_all(periods)
    priorities = [
        Priority(plan_id=plan.id, number=n + 1, title=f"Area of weakness {n + 1}", lead_role=roles[n].code, position=n)
        for n in range(PRIORITIES)
    ]
    db.session.add_all(priorities)
    db.session.flush()
    outcomes = [Outcome(priority_id=p.id, ref=f"{p.number}.1", text="Outcome") for p in priorities]
    db.session.add_all(outcomes)
    db.session.flush()
    per_priority = -(-actions // PRIORITIES)
    rows = [
        {
            "plan_id": plan.id,
            "priority_id": priorities[i // per_priority].id,
            "outcome_id": outcomes[i // per_priority].id,
            "ref": f"{i // per_priority + 1}.1.{i % per_priority + 1}",
            "title": f"Action {i}: review the local offer with families and publish what changed as a result",
            "due_text": "Mar 22",
            "due_end": quarters[(i % PERIODS) + 1] - timedelta(days=1),
            "lead": roles[(i // per_priority) % len(roles)].code,
            "position": i,
            "extra_fields": {},
        }
        for i in range(actions)
    ]
    ids = list(db.session.scalars(insert(Action).returning(Action.id, sort_by_parameter_order=True), rows))
    db.session.execute(
        insert(ActionLead),
        [
            {"action_id": action_id, "role_id": roles[(n // per_priority) % len(roles)].id}
            for n, action_id in enumerate(ids)
        ],
    )
    for period in periods:
        updates = []
        for n, action_id in enumerate(ids):
            rag = RAGS[(n + period.position) % len(RAGS)]
            update = {
                "action_id": action_id,
                "review_period_id": period.id,
                "rag": rag,
                "narrative": NARRATIVE,
                "source": "demo",
                "author_name": "Benchmark",
            }
            if rag in ("red", "amber"):
                update["next_steps"] = "Agree a recovery plan with the service manager at the next meeting."
                update["risks"] = "Staff vacancies; mitigated by agency cover agreed until the end of the year."
            if rag == "blue":
                update["evidence"] = "Board minutes"
            if n % 17 == period.position:
                update["revised_due_text"] = "Sep 22"
                update["revised_due_end"] = date(2022, 9, 30)
                update["revised_due_reason"] = "Recruitment delayed"
            updates.append(update)
        db.session.execute(insert(ProgressUpdate), updates)
    for p in priorities:
        for k in range(3):
            kpi = Kpi(
                priority_id=p.id,
                text=f"KPI {p.number}.{k + 1}: percentage of EHC plans issued within 20 weeks",
                unit="%",
                direction="higher",
                baseline_value=40,
                baseline_date=date(2020, 4, 1),
                target_value=90,
                target_date=date(2022, 3, 31),
                frequency="quarterly",
                position=k,
            )
            db.session.add(kpi)
            db.session.flush()
            db.session.execute(
                insert(KpiValue),
                [
                    {"kpi_id": kpi.id, "on": period.end_date, "value": 40 + 5 * period.position + k}
                    for period in periods
                ],
            )
    db.session.commit()
    return plan.id


def load_demo_plan() -> int:
    from wsoa.demo import load_demo

    load_demo()
    db.session.commit()
    return db.session.scalars(select(Plan.id).order_by(Plan.id)).first()


def clear_chart_caches() -> None:
    """Forget every drawn chart, so the next report draws them all again (a cold start)."""
    for cached in (
        html_writer.rag_bar,
        html_writer.kpi_chart,
        html_writer.rag_bar_source,
        html_writer.kpi_chart_source,
        docx_writer._rag_bar_png,
        docx_writer._kpi_chart_png,
    ):
        cached.cache_clear()


def timed(work, into: list | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run (CPU time shows what other processes on the machine cost us)."""
    wall, cpu = time.perf_counter(), time.process_time() + children_cpu()
    output = work()
    if into is not None:
        into.append(output)
    return time.perf_counter() - wall, time.process_time() + children_cpu() - cpu


def children_cpu() -> float:
    """CPU seconds of the finished child processes (the PDF is typeset in one)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_seconds(work, runs: int = RUNS) -> tuple[float, float]:
    """Median wall and CPU seconds over `runs`, after one run to warm imports, templates and chart caches."""
    work()
    times = [timed(work) for _ in range(runs)]
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def count_queries(work) -> int:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def bench_plan(name: str, plan_id: int) -> dict[str, float]:
    def load():
        db.session.expire_all()
        return load_report_source(plan_id)

    source = load()
    options = ReportOptions(period_id=default_period_id(source))
    at = datetime(2026, 1, 1, tzinfo=UTC)

    def report():
        return build_report(load(), options, generated_by="Benchmark", generated_at=at)

    queries = count_queries(report)
    baseline, _ = median_seconds(load)
    assembled, _ = median_seconds(lambda: build_report(source, options, generated_by="Benchmark", generated_at=at))
    print(f"\n{name}: {len(source.actions):,} actions, {len(source.updates):,} updates, {len(source.kpis)} KPIs")
    print(f"  queries per report: {queries}")
    print(f"  baseline: load the snapshot records    median {baseline * 1000:9.1f} ms")
    print(f"  snapshot + assemble (records loaded)   median {assembled * 1000:9.1f} ms  {assembled / baseline:7.1f}x")
    print("  each format end to end (load + assemble + write):")
    results: dict[str, float] = {"queries": queries}
    sizes = {}
    for fmt, writer in WRITERS.items():
        clear_chart_caches()
        outputs: list[bytes | str] = []
        cold, _ = timed(lambda writer=writer: writer(report()), outputs)
        sizes[fmt] = len(outputs[0])
        runs = RUNS if fmt != "pdf" else PDF_RUNS
        wall, cpu = median_seconds(lambda writer=writer: writer(report()), runs)
        results[fmt] = wall
        results[f"{fmt} cpu"] = cpu
        print(
            f"  {fmt:<5} median {wall * 1000:9.1f} ms {wall / baseline:7.1f}x baseline (CPU {cpu * 1000:9.1f} ms)"
            f" | first, charts not yet drawn: {cold * 1000:9.1f} ms"
        )
    print(
        f"  pdf / html paper of the same snapshot: {results['pdf'] / results['html']:.1f}x wall,"
        f" {results['pdf cpu'] / results['html cpu']:.1f}x CPU"
    )
    lean = ReportOptions(period_id=options.period_id, include_appendix=False)
    wall, cpu = timed(lambda: render_pdf(build_report(load(), lean, generated_by="Benchmark", generated_at=at)))
    results["pdf without appendix"] = wall
    print(f"  pdf without the appendix (one run)  {wall * 1000:9.1f} ms (CPU {cpu * 1000:9.1f} ms)")
    print("  sizes: " + ", ".join(f"{fmt} {n / 1024:,.0f} KB" for fmt, n in sizes.items()))
    return results


def main() -> None:
    config = Test()
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    config.SQLALCHEMY_DATABASE_URI = os.environ.get("WSOA_BENCH_DATABASE_URL", f"sqlite:///{path}")
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        upgrade()
        started = time.perf_counter()
        demo_id = load_demo_plan()
        large_id = build_large_plan(ACTIONS)
        print(f"built the demo plan and a {ACTIONS:,}-action plan in {time.perf_counter() - started:.1f} s")
        demo = bench_plan("Demo plan (Shropshire WSoA)", demo_id)
        large = bench_plan(f"Large plan ({ACTIONS:,} actions x {PERIODS} periods)", large_id)
        print()
        print(f"queries: demo {demo['queries']}, large {large['queries']} (must be equal: no query per action)")
        measured = {"demo": demo, "large": large}
        load = os.getloadavg()[0]
        print(f"load average {load:.1f} on {os.cpu_count()} cores: wall time above CPU time is time spent waiting")
        for (plan, fmt), target in TARGETS.items():
            seconds, cpu = measured[plan][fmt], measured[plan][f"{fmt} cpu"]
            name = "the demo plan" if plan == "demo" else f"{ACTIONS:,} actions x {PERIODS} periods"
            print(
                f"target {fmt.upper()} under {target} s for {name}: median {seconds:.2f} s"
                f" ({seconds / measured[plan]['html']:.1f}x its HTML paper) {'MET' if seconds < target else 'MISSED'}"
                f" | CPU {cpu:.2f} s {'MET' if cpu < target else 'MISSED'}"
            )
        print("queries constant: " + ("MET" if demo["queries"] == large["queries"] else "MISSED"))
        db.session.remove()
        db.drop_all()
    os.unlink(path)


if __name__ == "__main__":
    main()
