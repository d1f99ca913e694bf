"""A small plan whose Q2 2021/22 board report has one action of every kind the report treats differently.

As at the end of Q2 (30 Sep 2021), compared with Q1:

| ref   | Q1     | Q2     | change         | notes                                                        |
|-------|--------|--------|----------------|--------------------------------------------------------------|
| 1.1.1 | red    | amber  | improved       | next steps and risks; due Dec 21 (due next period)           |
| 1.1.2 | green  | red    | worsened       | no next steps or mitigation; date moved Dec 21 → Mar 22       |
| 1.1.3 | —      | green  | newly rated    |                                                              |
| 1.1.4 | green  | blue   | newly complete | with evidence                                                |
| 1.1.5 | amber  | (none) | unchanged      | not updated in Q2; due Jun 21, so overdue and past due       |
| 2.1.1 | green  | green  | unchanged      | due Nov 21 (due next period)                                 |
| 2.1.2 | amber  | blue   | newly complete | no evidence                                                  |
| 2.1.3 | amber  | red    | worsened       | formula-like text everywhere; due Jul 21, so overdue         |
| 2.1.4 | —      | —      | unchanged      | never rated                                                  |
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_update
from wsoa.extensions import db
from wsoa.models import Action, Kpi, KpiValue, Plan, Priority, ReviewPeriod, Role, RoleHolder
from wsoa.services.actions import ActionValues, edit_action
from wsoa.services.priorities import PriorityValues, edit_priority

FORMULA_TITLE = '=HYPERLINK("http://example.org/evil","Click me")'
FORMULA_NARRATIVE = "+44 1743 000000 called the family"
FORMULA_NEXT_STEPS = "-1 post remains vacant"
FORMULA_RISKS = "@risk: the provider may withdraw"


@dataclass
class ReportPlan:
    plan: Plan
    q1: ReviewPeriod
    q2: ReviewPeriod
    q3: ReviewPeriod
    actions: dict[str, Action]
    kpis: dict[str, Kpi]


def build_report_plan(*, title: str = "Testshire Written Statement of Action") -> ReportPlan:
    plan = create_plan(title=title, area="Testshire")
    q1 = create_period(
        plan=plan, label="Q1 2021/22", current=False, start=date(2021, 4, 1), end=date(2021, 6, 30), position=0
    )
    q2 = create_period(
        plan=plan, label="Q2 2021/22", current=True, start=date(2021, 7, 1), end=date(2021, 9, 30), position=1
    )
    q2.board_date = date(2021, 10, 20)
    q3 = create_period(
        plan=plan, label="Q3 2021/22", current=False, start=date(2021, 10, 1), end=date(2021, 12, 31), position=2
    )
    existing = {role.code: role for role in db.session.scalars(select(Role))}
    if "DCS" not in existing:  # the glossary is shared by every plan
        dcs = create_role(
            code="DCS", title="Director of Children's Services", organisation="Council", person="Sam Patel"
        )
        dop = create_role(code="DoP", title="Director of Partnerships", organisation="ICB", person="Claire Parker")
        db.session.add_all(
            [
                RoleHolder(
                    role_id=dcs.id,
                    person="Karen Bradshaw",
                    started_at=datetime(2019, 1, 1, tzinfo=UTC),
                    ended_at=datetime(2021, 8, 1, tzinfo=UTC),
                ),
                RoleHolder(role_id=dcs.id, person="Sam Patel", started_at=datetime(2021, 8, 1, tzinfo=UTC)),
                RoleHolder(role_id=dop.id, person="Claire Parker", started_at=datetime(2019, 1, 1, tzinfo=UTC)),
            ]
        )
    one = create_priority(plan=plan, number=1, title="Weak strategic leadership", lead_role="DCS")
    two = create_priority(plan=plan, number=2, title="Long waits for speech and language therapy", lead_role="DoP")
    specs = [
        (one, "1.1.1", "Agree the SEND strategy", "Dec 21", "DCS"),
        (one, "1.1.2", "Recruit the designated clinical officer", "Dec 21", "DoP"),
        (one, "1.1.3", "Publish the local offer", "Mar 22", "DCS"),
        (one, "1.1.4", "Set up the SEND partnership board", "Sep 21", "DCS"),
        (one, "1.1.5", "Review joint commissioning", "Jun 21", "DoP/DCS"),
        (two, "2.1.1", "Train early years staff in speech and language", "Nov 21", "DoP"),
        (two, "2.1.2", "Commission extra therapy sessions", "Aug 21", "DoP"),
        (two, "2.1.3", FORMULA_TITLE, "Jul 21", "DoP"),
        (two, "2.1.4", "Co-produce the waiting-list letter with families", "Ongoing", "DoP"),
    ]
    actions = {
        ref: create_action(priority=priority, ref=ref, title=title, due_text=due, lead=lead, position=n)
        for n, (priority, ref, title, due, lead) in enumerate(specs)
    }
    a = actions
    create_update(action=a["1.1.1"], period=q1, rag="red", narrative="Strategy draft delayed")
    create_update(
        action=a["1.1.1"],
        period=q2,
        rag="amber",
        narrative="Draft strategy out for consultation",
        next_steps="Present to the board in October",
        risks="Consultation response low; mitigated by parent carer forum events",
    )
    create_update(action=a["1.1.2"], period=q1, rag="green", narrative="Job description agreed")
    create_update(
        action=a["1.1.2"],
        period=q2,
        rag="red",
        narrative="No suitable applicants",
        revised_due_text="Mar 22",
        revised_due_end=date(2022, 3, 31),
        revised_due_reason="Recruitment delayed",
        revised_due_agreed_by="SEND Strategic Board",
    )
    create_update(action=a["1.1.3"], period=q2, rag="green", narrative="Local offer pages drafted with families")
    create_update(action=a["1.1.4"], period=q1, rag="green", narrative="Terms of reference drafted")
    create_update(
        action=a["1.1.4"], period=q2, rag="blue", narrative="Board met in September", evidence="Board minutes, 9 Sep"
    )
    create_update(action=a["1.1.5"], period=q1, rag="amber", narrative="Joint commissioning review started")
    create_update(action=a["2.1.1"], period=q1, rag="green", narrative="Training booked")
    create_update(action=a["2.1.1"], period=q2, rag="green", narrative="Two sessions delivered")
    create_update(action=a["2.1.2"], period=q1, rag="amber", narrative="Provider identified")
    create_update(action=a["2.1.2"], period=q2, rag="blue", narrative="Sessions running")
    create_update(action=a["2.1.3"], period=q1, rag="amber", narrative="Referral pathway drafted")
    create_update(
        action=a["2.1.3"],
        period=q2,
        rag="red",
        narrative=FORMULA_NARRATIVE,
        next_steps=FORMULA_NEXT_STEPS,
        risks=FORMULA_RISKS,
    )
    kpis = {
        "waits": _kpi(
            one,
            "Percentage of children seen within 18 weeks",
            direction="higher",
            baseline=(date(2021, 4, 1), 40),
            target=(date(2022, 3, 31), 90),
            values=[(date(2021, 6, 30), 45), (date(2021, 9, 30), 50)],
        ),
        "exclusions": _kpi(two, "Permanent exclusions of children with an EHC plan", direction="lower", values=[]),
        "stale": _kpi(
            two,
            "EHC plans issued within 20 weeks",
            direction="higher",
            baseline=(date(2020, 4, 1), 30),
            target=(date(2022, 3, 31), 60),
            values=[(date(2021, 1, 31), 41)],
        ),
    }
    db.session.commit()
    return ReportPlan(plan=plan, q1=q1, q2=q2, q3=q3, actions=actions, kpis=kpis)


def _kpi(priority, name, *, direction, baseline=None, target=None, values=()) -> Kpi:
    kpi = Kpi(
        priority_id=priority.id,
        name=name,
        text=name,
        unit="%",
        direction=direction,
        baseline_date=baseline[0] if baseline else None,
        baseline_value=baseline[1] if baseline else None,
        target_date=target[0] if target else None,
        target_value=target[1] if target else None,
        frequency="quarterly",
    )
    db.session.add(kpi)
    db.session.flush()
    for on, value in values:
        # Recorded on the day it is dated, as a team keeping its KPIs current would.
        recorded = datetime.combine(on, time(12, 0), tzinfo=UTC)
        db.session.add(KpiValue(kpi_id=kpi.id, on=on, value=value, period_label=None, created_at=recorded))
    db.session.flush()
    return kpi


def add_later_history(built: ReportPlan) -> None:
    """What happens after Q2's paper is settled: Q3 updates, a later KPI value, a correction and a Q2 value recorded
    late, a hand-over, an undated update, an action added in the app in Q3, and edits to an action's wording, lead
    and completion date and to a priority's title and lead."""
    a = built.actions
    create_update(action=a["1.1.1"], period=built.q3, rag="green", narrative="Strategy agreed")
    create_update(action=a["1.1.2"], period=built.q3, rag="blue", narrative="Officer in post", evidence="Contract")
    create_update(
        action=a["1.1.5"],
        period=built.q3,
        rag="red",
        narrative="Review stalled",
        revised_due_end=date(2022, 6, 30),
        revised_due_text="Jun 22",
        revised_due_reason="Capacity",
    )
    create_update(action=a["2.1.4"], period=None, rag="green", narrative="Recorded later with no period")
    waits = built.kpis["waits"]
    q2_value = db.session.scalars(
        select(KpiValue).where(KpiValue.kpi_id == waits.id, KpiValue.on == date(2021, 9, 30))
    ).one()
    db.session.add(KpiValue(kpi_id=waits.id, on=date(2021, 9, 30), value=55, supersedes_id=q2_value.id))
    db.session.add(KpiValue(kpi_id=waits.id, on=date(2021, 12, 31), value=70))
    for kpi in built.kpis.values():  # a Q2 figure typed in after the board had met
        db.session.add(KpiValue(kpi_id=kpi.id, on=date(2021, 9, 15), value=1))
    priority = db.session.get(Priority, a["1.1.1"].priority_id)
    added = create_action(priority=priority, ref="1.1.9", title="Added in January", due_text="Mar 22")
    added.in_plan_from = date(2022, 1, 10)
    dcs_holder = db.session.scalars(select(RoleHolder).where(RoleHolder.person == "Sam Patel")).one()
    dcs_holder.ended_at = datetime(2022, 2, 1, tzinfo=UTC)
    db.session.add(
        RoleHolder(role_id=dcs_holder.role_id, person="Alex Jones", started_at=datetime(2022, 2, 1, tzinfo=UTC))
    )
    edited = a["1.1.5"]  # overdue in Q2; a later completion date would take it off Q2's overdue list
    edit_action(
        edited,
        ActionValues(
            ref="1.1.5a",
            title="Reworded after the board",
            outcome_id=edited.outcome_id,
            section=edited.section,
            due_text="Mar 23",
            lead="DoP",
        ),
        expected_version=edited.version,
        user_id=None,
    )
    edit_priority(
        priority, PriorityValues(number=priority.number, title="Renamed after the board", lead_role="DoP"), user_id=None
    )
    db.session.commit()
