"""Loading a report issues a fixed number of queries, whatever the size of the plan and its history."""

from datetime import UTC, date, datetime, timedelta

from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_update
from tests.reports.plan_builder import build_report_plan
from wsoa.extensions import db
from wsoa.models import Kpi, KpiMilestone, KpiValue, RoleHolder
from wsoa.reports.assemble import ReportOptions
from wsoa.services.reports import build_report, load_report_source, write_report

AT = datetime(2021, 10, 5, tzinfo=UTC)


def build_large_plan(priorities: int = 5, actions_per_priority: int = 30, periods: int = 4):
    plan = create_plan(title="Large plan")
    role = create_role(code="LARGE", person="A Lead")
    db.session.add(RoleHolder(role_id=role.id, person="A Lead", started_at=datetime(2020, 1, 1, tzinfo=UTC)))
    starts = [date(2021, 1 + 3 * n, 1) for n in range(periods)]
    period_rows = [
        create_period(plan=plan, label=f"P{n}", start=start, end=start + timedelta(days=89), position=n)
        for n, start in enumerate(starts)
    ]
    for p in range(1, priorities + 1):
        priority = create_priority(plan=plan, number=p, lead_role="LARGE")
        kpi = Kpi(priority_id=priority.id, text=f"KPI {p}", direction="higher", frequency="quarterly")
        db.session.add(kpi)
        db.session.flush()
        db.session.add(KpiMilestone(kpi_id=kpi.id, on=date(2021, 6, 30), value=50))
        for n, period in enumerate(period_rows):
            db.session.add(KpiValue(kpi_id=kpi.id, on=period.end_date, value=40 + n))
        for a in range(actions_per_priority):
            action = create_action(priority=priority, ref=f"{p}.1.{a}", lead="LARGE", due_text="Jun 21")
            for n, period in enumerate(period_rows):
                create_update(action=action, period=period, rag=("red", "amber", "green", "blue", None)[(a + n) % 5])
    db.session.commit()
    return plan, period_rows[-1]


def statements(count_queries, plan_id: int, period_id: int) -> int:
    with count_queries() as counted:
        source = load_report_source(plan_id)
        build_report(source, ReportOptions(period_id=period_id), generated_by="T", generated_at=AT)
    return counted()


def test_the_number_of_queries_does_not_grow_with_the_plan(database, count_queries):
    small = build_report_plan(title="Small plan")
    large, last_period = build_large_plan()
    small_count = statements(count_queries, small.plan.id, small.q2.id)
    large_count = statements(count_queries, large.id, last_period.id)
    assert small_count == large_count
    assert small_count <= 14  # 11, and sign-off decisions, evidence files and board challenges


def test_writers_issue_no_queries(database, count_queries):
    built = build_report_plan()
    report = build_report(
        load_report_source(built.plan.id), ReportOptions(period_id=built.q2.id), generated_by="T", generated_at=AT
    )
    with count_queries() as counted:
        for fmt in ("html", "docx", "xlsx"):
            write_report(report, fmt)
    assert counted() == 0
