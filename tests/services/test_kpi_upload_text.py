"""KPI value uploads with long or hostile text: period words stored whole up to the form's limit, else a row problem.

The period label is whatever the date column says when it names a period, so an upload can give one longer than a
person would type; the form that corrects a value shows it again, so both keep to the same limit.
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import create_plan, create_priority, create_user
from wsoa.domain.kpi_values import MAX_PERIOD_LABEL, ValueDraft, resolve_value
from wsoa.extensions import db
from wsoa.models import Kpi, KpiValue, Priority
from wsoa.services import kpi_values as value_service

TODAY = date(2021, 12, 31)
LONG_PERIOD = "Wednesday, 1st September 2021 to Thursday, 30th September 2021"  # 62 characters: past the old column


@pytest.fixture
def kpi(database):
    plan = create_plan()
    priority = create_priority(plan=plan, number=1)
    kpi = Kpi(priority_id=priority.id, name="Waits", text="Fewer children wait", unit="number", direction="lower")
    db.session.add(kpi)
    db.session.commit()
    return kpi


def upload(kpi, *rows):
    table = [(1, ["KPI", "Date", "Value", "Note"]), *((n, list(row)) for n, row in enumerate(rows, start=2))]
    plan_id = db.session.get(Priority, kpi.priority_id).plan_id
    report = value_service.upload_values(
        value_service.upload_context(plan_id),
        table,
        user=create_user(level="editor"),
        today=TODAY,
        file_name="values " + "🙂" * 300 + ".csv",
    )
    db.session.commit()
    return report


def test_a_long_period_is_stored_whole(kpi):
    report = upload(kpi, [str(kpi.id), LONG_PERIOD, "12", "From the " + "monthly " * 200 + "report"])

    assert (report.added, report.problems) == (1, [])
    value = db.session.scalar(select(KpiValue))
    assert (value.on, value.period_label, value.value) == (date(2021, 9, 30), LONG_PERIOD, Decimal(12))


def test_period_words_longer_than_the_form_takes_are_a_problem_on_the_date_column(kpi):
    padded = LONG_PERIOD + " " + "()" * 80  # empty brackets: still read as the period, but 223 characters long

    report = upload(kpi, [str(kpi.id), padded, "12", ""])

    assert report.added == 0
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (2, "Date", f"Period must be {MAX_PERIOD_LABEL} characters or fewer")
    ]
    assert db.session.scalar(select(KpiValue)) is None


def test_a_note_holding_a_nul_is_a_problem_not_a_database_error(kpi):
    report = upload(kpi, [str(kpi.id), "30/09/2021", "12", "before\x00after"])

    assert [(p.row, p.column) for p in report.problems] == [(2, "Note")]
    assert "cannot be saved" in report.problems[0].message
    assert db.session.scalar(select(KpiValue)) is None


def test_the_form_takes_as_long_a_period_as_an_upload_can_store():
    draft = ValueDraft(on=date(2021, 9, 30), value=Decimal(1), period_label="x" * MAX_PERIOD_LABEL)
    assert resolve_value(draft, unit="number", is_ratio=False, today=TODAY)[1] == []
    longer = ValueDraft(on=date(2021, 9, 30), value=Decimal(1), period_label="x" * (MAX_PERIOD_LABEL + 1))
    assert [p.field for p in resolve_value(longer, unit="number", is_ratio=False, today=TODAY)[1]] == ["period_label"]
