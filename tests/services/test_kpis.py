"""KPI services: the model-to-domain adapter, definitions, append-only values, uploads, page reads and the demo."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import create_outcome, create_plan, create_priority, create_role, create_user
from wsoa.domain.kpi_status import Direction, Frequency, KpiStatus, TrajectoryPoint
from wsoa.domain.kpi_values import Benchmark, KpiDraft, Milestone, ValueDraft
from wsoa.extensions import db
from wsoa.importing.kpi_values import UploadUnreadable
from wsoa.models import AppendOnlyViolation, AuditEvent, Kpi, KpiMilestone, KpiValue
from wsoa.services import kpi_values as value_service
from wsoa.services import kpis as kpi_service

TODAY = date(2021, 6, 30)


def make_kpi(priority, **fields) -> Kpi:
    values = {
        "text": "92% CYP seen within 18 weeks",
        "name": "SALT: seen within 18 weeks",
        "unit": "%",
        "direction": "higher",
        "baseline_value": Decimal(14),
        "baseline_date": date(2020, 1, 31),
        "target_value": Decimal(92),
        "target_date": date(2021, 3, 31),
        "frequency": "monthly",
    }
    values.update(fields)
    kpi = Kpi(priority_id=priority.id, **values)
    db.session.add(kpi)
    db.session.flush()
    return kpi


def add_value(kpi, on, value, **fields) -> KpiValue:
    row = KpiValue(kpi_id=kpi.id, on=on, value=Decimal(value), **fields)
    db.session.add(row)
    db.session.flush()
    return row


def events(name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)))


@pytest.fixture
def priority(database):
    plan = create_plan()
    return create_priority(plan=plan, number=4, title="SALT waiting times")


@pytest.fixture
def editor(database):
    return create_user(level="editor", name="Ed Itor")


# ---------------------------------------------------------------------------------------------------------------
# The adapter.


def test_the_adapter_gives_the_domain_every_part_of_the_definition(priority):
    kpi = make_kpi(priority, tolerance=Decimal(2), band_low=None, frequency="termly")
    db.session.add_all(
        [
            KpiMilestone(kpi_id=kpi.id, on=date(2020, 9, 30), value=Decimal(85)),
            KpiMilestone(kpi_id=kpi.id, on=date(2020, 6, 30), value=Decimal(50)),
        ]
    )
    db.session.commit()
    kpi = db.session.get(Kpi, kpi.id)
    milestones = db.session.scalars(select(KpiMilestone).where(KpiMilestone.kpi_id == kpi.id)).all()
    definition = kpi_service.definition_of(kpi, milestones)
    assert definition.direction is Direction.HIGHER
    assert definition.baseline == TrajectoryPoint(date(2020, 1, 31), Decimal(14))
    assert definition.target == TrajectoryPoint(date(2021, 3, 31), Decimal(92))
    assert [m.on for m in definition.milestones] == [date(2020, 6, 30), date(2020, 9, 30)]
    assert definition.tolerance == Decimal(2)
    assert definition.frequency is Frequency.TERMLY


def test_a_target_of_zero_reaches_the_domain_as_a_target(priority):
    kpi = make_kpi(priority, direction="lower", baseline_value=Decimal(5), target_value=Decimal(0))
    definition = kpi_service.definition_of(kpi, [])
    assert definition.target == TrajectoryPoint(date(2021, 3, 31), Decimal(0))


def test_numbers_come_back_from_the_database_as_decimals(priority):
    kpi = make_kpi(priority, target_value=Decimal("92.5"))
    add_value(kpi, date(2021, 1, 31), "85.25", numerator=Decimal(341), denominator=Decimal(400))
    db.session.commit()
    db.session.expire_all()
    value = db.session.scalars(select(KpiValue)).one()
    assert isinstance(value.value, Decimal)
    assert value.value == Decimal("85.25")
    assert isinstance(value.numerator, Decimal)
    assert isinstance(db.session.get(Kpi, kpi.id).target_value, Decimal)


def test_only_values_not_superseded_stand(priority):
    kpi = make_kpi(priority)
    first = add_value(kpi, date(2021, 1, 31), 80)
    add_value(kpi, date(2021, 1, 31), 82, supersedes_id=first.id)
    add_value(kpi, date(2020, 12, 31), 70)
    standing = kpi_service.current_values(db.session.scalars(select(KpiValue)).all())
    assert [(v.on, v.value) for v in standing] == [(date(2020, 12, 31), 70), (date(2021, 1, 31), 82)]


# ---------------------------------------------------------------------------------------------------------------
# Definitions.


def full_draft(**changes) -> KpiDraft:
    fields = {
        "name": "Permanent exclusions of children with an EHCP",
        "text": "There will be no permanent exclusions for children with an EHCP from Sept 2021.",
        "unit": "number",
        "direction": "lower",
        "baseline_value": Decimal(5),
        "baseline_date": date(2019, 12, 31),
        "target_value": Decimal(0),
        "target_date": date(2021, 9, 1),
        "frequency": "termly",
        "data_source": "Exclusions log",
        "milestones": [Milestone(date(2021, 3, 31), Decimal(2))],
        "benchmarks": [Benchmark("England average", Decimal("0.06"), date(2020, 8, 31))],
    }
    fields.update(changes)
    return KpiDraft(**fields)


def test_creating_a_kpi_stores_every_part_and_audits_it(priority, editor):
    outcome = create_outcome(priority=priority, ref="4.1")
    role = create_role(code="EAS")
    context = kpi_service.new_kpi_context(priority.id)
    kpi = kpi_service.create_kpi(
        context, full_draft(outcome_id=outcome.id, owner_role_id=role.id, is_ratio=True), user_id=editor.id
    )
    db.session.commit()
    db.session.expire_all()
    stored = kpi_service.kpi_page(kpi.id, TODAY).kpi
    assert (stored.name, stored.unit, stored.direction, stored.target_value) == (
        "Permanent exclusions of children with an EHCP",
        "number",
        "lower",
        Decimal(0),
    )
    assert (stored.outcome_id, stored.owner_role_id, stored.is_ratio, stored.frequency) == (
        outcome.id,
        role.id,
        True,
        "termly",
    )
    assert [(m.on, m.value) for m in stored.milestones] == [(date(2021, 3, 31), Decimal(2))]
    assert [(b.label, b.value, b.on) for b in stored.benchmarks] == [
        ("England average", Decimal("0.06"), date(2020, 8, 31))
    ]
    [created] = events("kpi.created")
    assert created.user_id == editor.id
    assert Decimal(created.after["target_value"]) == 0  # a zero target is recorded, not dropped
    assert created.after["milestones"] == "31/03/2021, 2"


def test_a_bad_definition_is_refused_with_problems_and_nothing_is_saved(priority, editor):
    other = create_outcome(priority=create_priority(plan=create_plan(title="Other")), ref="9.9")
    context = kpi_service.new_kpi_context(priority.id)
    with pytest.raises(kpi_service.KpiProblems) as refused:
        kpi_service.create_kpi(
            context, full_draft(name="", outcome_id=other.id, owner_role_id=987654), user_id=editor.id
        )
    assert [p.field for p in refused.value.problems] == ["name", "outcome_id", "owner_role_id"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Kpi)) == 0


def test_an_imported_impact_measure_is_turned_into_a_kpi_by_editing_it(priority, editor):
    imported = Kpi(priority_id=priority.id, text="There will be no permanent exclusions for children with an EHCP.")
    db.session.add(imported)
    db.session.commit()
    context = kpi_service.edit_kpi_context(imported.id)
    changes = kpi_service.update_kpi(context, full_draft(text=imported.text), user_id=editor.id)
    db.session.commit()
    assert {"name", "unit", "direction", "target_value", "milestones", "benchmarks"} <= set(changes)
    [defined] = events("kpi.defined")
    assert defined.summary == "Impact measure turned into the KPI 'Permanent exclusions of children with an EHCP'"
    assert defined.before["name"] is None
    assert defined.after["direction"] == "lower"


def test_editing_records_only_what_changed_and_replaces_the_milestones(priority, editor):
    context = kpi_service.new_kpi_context(priority.id)
    kpi = kpi_service.create_kpi(context, full_draft(), user_id=editor.id)
    db.session.commit()
    context = kpi_service.edit_kpi_context(kpi.id)
    changes = kpi_service.update_kpi(
        context,
        full_draft(milestones=[Milestone(date(2020, 12, 31), Decimal(3)), Milestone(date(2021, 4, 30), Decimal(1))]),
        user_id=editor.id,
    )
    db.session.commit()
    assert set(changes) == {"milestones"}
    [updated] = events("kpi.updated")
    assert updated.before == {"milestones": "31/03/2021, 2"}
    assert updated.after == {"milestones": "31/12/2020, 3\n30/04/2021, 1"}
    assert db.session.scalar(select(func.count()).select_from(KpiMilestone)) == 2
    assert (
        kpi_service.update_kpi(
            kpi_service.edit_kpi_context(kpi.id),
            full_draft(
                milestones=[Milestone(date(2020, 12, 31), Decimal(3)), Milestone(date(2021, 4, 30), Decimal(1))]
            ),
            user_id=editor.id,
        )
        == {}
    )
    assert len(events("kpi.updated")) == 1


# ---------------------------------------------------------------------------------------------------------------
# Values.


def test_recording_a_value_appends_it_and_audits_who_recorded_it(priority, editor):
    kpi = make_kpi(priority, is_ratio=True)
    db.session.commit()
    context = value_service.value_context(kpi.id)
    value = value_service.record_value(
        context,
        ValueDraft(on=date(2021, 3, 31), numerator=Decimal(92), denominator=Decimal(100), note=" Triage working "),
        user=editor,
        today=TODAY,
    )
    db.session.commit()
    assert (value.value, value.numerator, value.denominator, value.note, value.source, value.author_id) == (
        Decimal(92),
        Decimal(92),
        Decimal(100),
        "Triage working",
        "app",
        editor.id,
    )
    [recorded] = events("kpi_value.recorded")
    assert recorded.entity_id == value.id
    assert recorded.summary == "KPI 'SALT: seen within 18 weeks': 92% for 31 Mar 2021 recorded"


def test_a_second_value_for_the_same_date_corrects_the_first_which_stays_in_the_history(priority, editor):
    kpi = make_kpi(priority)
    first = add_value(kpi, date(2021, 3, 31), 91)
    db.session.commit()
    correction = value_service.record_value(
        value_service.value_context(kpi.id),
        ValueDraft(on=date(2021, 3, 31), value=Decimal(93)),
        user=editor,
        today=TODAY,
    )
    db.session.commit()
    assert correction.supersedes_id == first.id
    assert db.session.scalar(select(func.count()).select_from(KpiValue)) == 2
    db.session.expire_all()
    assert db.session.get(KpiValue, first.id).value == Decimal(91)  # untouched
    [corrected] = events("kpi_value.corrected")
    assert Decimal(corrected.before["value"]) == 91
    assert Decimal(corrected.after["value"]) == 93
    page = kpi_service.kpi_page(kpi.id, TODAY)
    assert [(e.value.value, e.replaces.id if e.replaces else None) for e in page.current] == [(Decimal(93), first.id)]
    assert [e.value.id for e in page.history] == [correction.id, first.id]
    assert page.history[1].replaced_by.id == correction.id


def test_correcting_a_value_by_its_id_can_move_it_to_another_date(priority, editor):
    kpi = make_kpi(priority)
    wrong = add_value(kpi, date(2021, 3, 30), 91)
    db.session.commit()
    moved = value_service.record_value(
        value_service.value_context(kpi.id, wrong.id),
        ValueDraft(on=date(2021, 3, 31), value=Decimal(91)),
        user=editor,
        today=TODAY,
        corrects_id=wrong.id,
    )
    assert moved.supersedes_id == wrong.id
    page = kpi_service.kpi_page(kpi.id, TODAY)
    assert [e.value.on for e in page.current] == [date(2021, 3, 31)]


@pytest.mark.parametrize(
    ("setup", "draft", "field", "message"),
    [
        ("same", ValueDraft(on=date(2021, 3, 31), value=Decimal(91)), "value", "already recorded for 31 Mar 2021"),
        ("corrected", ValueDraft(on=date(2021, 3, 31), value=Decimal(95)), "value", "already corrected"),
        ("clash", ValueDraft(on=date(2021, 2, 28), value=Decimal(95)), "on", "correct that one instead"),
        ("foreign", ValueDraft(on=date(2021, 3, 31), value=Decimal(95)), "on", "not one of this KPI's values"),
        ("none", ValueDraft(on=date(2021, 7, 1), value=Decimal(95)), "on", "today or in the past"),
    ],
)
def test_values_that_would_muddle_the_history_are_refused(priority, editor, setup, draft, field, message):
    kpi = make_kpi(priority)
    other = make_kpi(priority, name="Other")
    first = add_value(kpi, date(2021, 3, 31), 91)
    add_value(kpi, date(2021, 2, 28), 90)
    foreign = add_value(other, date(2021, 3, 31), 1)
    corrects = None
    if setup == "corrected":
        add_value(kpi, date(2021, 3, 31), 92, supersedes_id=first.id)
        corrects = first.id
    elif setup in ("clash",):
        corrects = first.id
    elif setup == "foreign":
        corrects = foreign.id
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(KpiValue))
    with pytest.raises(kpi_service.KpiProblems) as refused:
        value_service.record_value(
            value_service.value_context(kpi.id), draft, user=editor, today=TODAY, corrects_id=corrects
        )
    [problem] = refused.value.problems
    assert problem.field == field
    assert message in problem.message
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(KpiValue)) == before


def test_a_correction_for_another_kpis_value_is_not_offered(priority):
    kpi = make_kpi(priority)
    other = make_kpi(priority, name="Other")
    foreign = add_value(other, date(2021, 3, 31), 1)
    db.session.commit()
    assert value_service.value_context(kpi.id, foreign.id) is None
    assert value_service.value_context(987654) is None


def test_values_are_history_and_cannot_be_edited_in_place(priority):
    kpi = make_kpi(priority)
    value = add_value(kpi, date(2021, 3, 31), 91)
    db.session.commit()
    value.value = Decimal(1)
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()


# ---------------------------------------------------------------------------------------------------------------
# Uploads.


def upload_table(*rows):
    return [(1, ["KPI", "Date", "Value", "Note"]), *((n, list(row)) for n, row in enumerate(rows, start=2))]


def test_an_upload_keeps_good_rows_reports_bad_ones_and_audits_each_value(priority, editor):
    kpi = make_kpi(priority)
    exclusions = make_kpi(
        priority, name="Permanent exclusions", unit="number", direction="lower", target_value=Decimal(0)
    )
    db.session.commit()
    context = value_service.upload_context(priority.plan_id)
    report = value_service.upload_values(
        context,
        upload_table(
            [str(kpi.id), "31/01/2021", "80", "From the waiting list report"],
            ["Permanent exclusions", "Spring term 2021", "0", ""],
            ["nobody", "31/01/2021", "1", ""],
            [str(kpi.id), "soon", "1", ""],
        ),
        user=editor,
        today=TODAY,
        file_name="values.csv",
    )
    db.session.commit()
    assert (report.added, report.corrected, report.unchanged, report.saved) == (2, 0, 0, 2)
    assert [(p.row, p.column) for p in report.problems] == [(4, "KPI"), (5, "Date")]
    values = db.session.scalars(select(KpiValue).order_by(KpiValue.id)).all()
    assert [(v.kpi_id, v.on, v.value, v.period_label, v.source, v.author_id) for v in values] == [
        (kpi.id, date(2021, 1, 31), Decimal(80), None, "import", editor.id),
        (exclusions.id, date(2021, 4, 30), Decimal(0), "Spring term 2021", "import", editor.id),
    ]
    assert len(events("kpi_value.recorded")) == 2
    assert "(uploaded from values.csv, row 2)" in events("kpi_value.recorded")[0].summary
    [summary] = events("kpi_values.uploaded")
    assert summary.after == {"file_name": "values.csv", "added": 2, "corrected": 0, "unchanged": 0, "problems": 2}


def test_uploading_the_same_file_again_adds_nothing_and_a_changed_value_is_a_correction(priority, editor):
    kpi = make_kpi(priority)
    db.session.commit()
    rows = upload_table([str(kpi.id), "31/01/2021", "80", ""], [str(kpi.id), "28/02/2021", "82", ""])
    value_service.upload_values(
        value_service.upload_context(priority.plan_id), rows, user=editor, today=TODAY, file_name="a.csv"
    )
    db.session.commit()
    again = value_service.upload_values(
        value_service.upload_context(priority.plan_id), rows, user=editor, today=TODAY, file_name="a.csv"
    )
    db.session.commit()
    assert (again.added, again.corrected, again.unchanged) == (0, 0, 2)
    changed = value_service.upload_values(
        value_service.upload_context(priority.plan_id),
        upload_table([str(kpi.id), "28/02/2021", "83", "Recount"]),
        user=editor,
        today=TODAY,
        file_name="b.csv",
    )
    db.session.commit()
    assert (changed.added, changed.corrected) == (0, 1)
    page = kpi_service.kpi_page(kpi.id, TODAY)
    assert [(e.value.value, e.replaces.value if e.replaces else None) for e in page.current] == [
        (Decimal(83), Decimal(82)),
        (Decimal(80), None),
    ]


def test_a_lead_can_upload_only_for_the_kpis_their_roles_own(priority):
    mine, theirs = create_role(code="SALT SM"), create_role(code="EAS")
    lead = create_user(level="lead", roles=["SALT SM"])
    own = make_kpi(priority, owner_role_id=mine.id)
    other = make_kpi(priority, name="Not mine", owner_role_id=theirs.id)
    db.session.commit()
    report = value_service.upload_values(
        value_service.upload_context(priority.plan_id),
        upload_table([str(own.id), "31/01/2021", "80", ""], [str(other.id), "31/01/2021", "1", ""]),
        user=lead,
        today=TODAY,
        file_name="values.csv",
    )
    assert report.added == 1
    assert [(p.row, p.column) for p in report.problems] == [(3, "KPI")]


def test_a_kpi_of_another_plan_is_unknown_to_an_upload(priority, editor):
    elsewhere = make_kpi(create_priority(plan=create_plan(title="Elsewhere")), name="Elsewhere")
    db.session.commit()
    report = value_service.upload_values(
        value_service.upload_context(priority.plan_id),
        upload_table([str(elsewhere.id), "31/01/2021", "80", ""], [str(elsewhere.id), "28/02/2021", "80", ""]),
        user=editor,
        today=TODAY,
        file_name="values.csv",
    )
    assert report.saved == 0
    assert [p.message for p in report.problems] == [f"No KPI in this plan has the id {elsewhere.id}"] * 2


def test_an_upload_without_a_header_is_refused_and_saves_nothing(priority, editor):
    make_kpi(priority)
    db.session.commit()
    with pytest.raises(UploadUnreadable):
        value_service.upload_values(
            value_service.upload_context(priority.plan_id),
            [(1, ["a", "b"]), (2, ["1", "2"])],
            user=editor,
            today=TODAY,
            file_name="x.csv",
        )
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


# ---------------------------------------------------------------------------------------------------------------
# Reads.


def test_cards_give_each_kpi_its_status_chart_and_numbers(priority):
    on_track = make_kpi(priority)
    imported = Kpi(priority_id=priority.id, text="Parents report they know how to access early help")
    db.session.add(imported)
    db.session.flush()
    db.session.add(KpiMilestone(kpi_id=on_track.id, on=date(2020, 9, 30), value=Decimal(85)))
    add_value(on_track, date(2021, 3, 31), 93, source="demo")
    db.session.commit()
    cards = kpi_service.kpi_cards([on_track, imported], TODAY)
    assert [c.status.status for c in cards] == [KpiStatus.TARGET_MET, KpiStatus.NO_DATA]
    assert [c.defined for c in cards] == [True, False]
    assert cards[0].has_demo_values
    assert cards[0].status.stale  # monthly, last value three months old
    assert cards[0].chart.target == (date(2021, 3, 31), 92.0)
    assert [(r.on, r.point) for r in cards[0].rows] == [
        (date(2020, 1, 31), "Baseline"),
        (date(2020, 9, 30), "Milestone"),
        (date(2021, 3, 31), "Target"),
    ]
    assert cards[0].rows[-1].recorded == Decimal(93)


def build_kpis(priority, count: int, values_each: int) -> list[Kpi]:
    kpis = []
    for n in range(count):
        kpi = make_kpi(priority, name=f"KPI {n}")
        db.session.add(KpiMilestone(kpi_id=kpi.id, on=date(2020, 9, 30), value=Decimal(50)))
        for month in range(1, values_each + 1):
            add_value(kpi, date(2020, month, 28), month * 5)
        kpis.append(kpi)
    db.session.commit()
    return kpis


def test_cards_and_the_kpi_page_take_the_same_number_of_queries_however_many_kpis_and_values(priority, count_queries):
    small = build_kpis(priority, 1, 1)
    large = build_kpis(create_priority(plan=create_plan(title="Big")), 8, 12)
    counts = []
    for kpis in (small, large):
        db.session.expire_all()
        kpis = db.session.scalars(select(Kpi).where(Kpi.id.in_([k.id for k in kpis]))).all()  # as a page loads them
        with count_queries() as counted:
            kpi_service.kpi_cards(kpis, TODAY)
        cards_count = counted()
        with count_queries() as counted:
            kpi_service.kpi_page(kpis[-1].id, TODAY)
        counts.append((cards_count, counted()))
    assert counts[0] == counts[1]
    assert counts[0][0] <= 3


# ---------------------------------------------------------------------------------------------------------------
# The demo.


def test_the_demo_defines_kpis_from_seed_004_with_demo_values_once(database):
    from wsoa.demo import load_demo

    lines = load_demo()
    db.session.commit()
    assert any("demo KPIs" in line for line in lines)
    defined = db.session.scalars(select(Kpi).where(Kpi.name.is_not(None)).order_by(Kpi.id)).all()
    names = {kpi.name: kpi for kpi in defined}
    assert len(defined) >= 4
    exclusions = names["Permanent exclusions of children with an EHCP"]
    assert (exclusions.direction, exclusions.target_value) == ("lower", Decimal(0))
    salt = names["SALT: children seen within 18 weeks of referral"]
    assert salt.target_value == Decimal(92)
    assert salt.owner_role_id is not None
    values = db.session.scalars(select(KpiValue)).all()
    assert values
    assert {v.source for v in values} == {"demo"}
    assert any(v.supersedes_id for v in values)  # one illustrative correction
    statuses = {c.status.status for c in kpi_service.kpi_cards(defined, date(2022, 4, 30))}
    assert len(statuses) >= 3  # the demo shows a variety
    count = len(values)
    load_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(KpiValue)) == count
    assert len(events("demo.kpis_added")) == 1
