"""The report plan (three quarters of history, see tests/reports/plan_builder.py) with a KPI milestone, an evidence
file, an open and an answered board challenge, and a DfE/NHS England review held on 1 Mar 2022."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.factories import create_user
from tests.reports.plan_builder import add_later_history, build_report_plan
from wsoa.extensions import db
from wsoa.models import ActionComment, EvidenceFile, KpiMilestone, ProgressUpdate
from wsoa.services import meetings

HELD_ON = date(2022, 3, 1)


@pytest.fixture
def officer(database):
    user = create_user(level="editor", email="officer@example.org", name="Pat Officer")
    db.session.commit()
    return user


@pytest.fixture
def built(database):
    built = build_report_plan()
    add_later_history(built)
    a = built.actions
    db.session.add(KpiMilestone(kpi_id=built.kpis["waits"].id, on=date(2021, 9, 30), value=Decimal(60)))
    update = db.session.query(ProgressUpdate).filter_by(action_id=a["1.1.4"].id).order_by(ProgressUpdate.id).all()[-1]
    db.session.add(
        EvidenceFile(
            update_id=update.id,
            action_id=a["1.1.4"].id,
            file_name="board-minutes-sep.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            stored_in="database",
            content=b"%PDF-1.4 x",
            created_at=datetime(2021, 9, 10, tzinfo=UTC),
        )
    )
    db.session.add(
        ActionComment(
            action_id=a["1.1.2"].id,
            body="Why is recruitment still failing?",
            is_challenge=True,
            author_name="Board member",
            created_at=datetime(2021, 11, 2, tzinfo=UTC),
        )
    )
    answered = ActionComment(
        action_id=a["2.1.1"].id,
        body="Is the training reaching childminders?",
        is_challenge=True,
        author_name="Board member",
        created_at=datetime(2021, 11, 2, tzinfo=UTC),
    )
    db.session.add(answered)
    db.session.flush()
    db.session.add(
        ActionComment(
            action_id=a["2.1.1"].id,
            body="Yes: 40 childminders trained",
            answers_id=answered.id,
            created_at=datetime(2021, 12, 1, tzinfo=UTC),
        )
    )
    db.session.commit()
    return built


@pytest.fixture
def review(built, officer):
    meeting = meetings.record_meeting(
        built.plan,
        meetings.MeetingValues(kind="dfe_nhse", held_on=HELD_ON, attendee_roles=("DCS",), other_attendees="DfE, NHSE"),
        officer,
    )
    db.session.commit()
    return meeting
