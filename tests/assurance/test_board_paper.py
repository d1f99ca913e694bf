"""The board paper with sign-off on, board challenges in its checks, and evidence files in its appendix."""

import zipfile
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from sqlalchemy import select

from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_update
from tests.reports.test_formats import pdf_text
from wsoa.extensions import db
from wsoa.models import ActionComment, EvidenceFile, ProgressUpdate, UpdateReview
from wsoa.reports.assemble import ReportOptions
from wsoa.services.reports import board_report, write_report

AT = datetime(2021, 5, 1, tzinfo=UTC)
BEFORE_BOARD = datetime(2021, 4, 10, 12, tzinfo=UTC)  # the board meets on 15 Apr 2021


@pytest.fixture
def paper(database):
    plan = create_plan(title="Signed plan")
    plan.signoff_required = True
    create_role(code="DoP")
    period = create_period(plan=plan, label="Q4 2020/21", start=date(2021, 1, 1), end=date(2021, 3, 31))
    period.board_date = date(2021, 4, 15)
    priority = create_priority(plan=plan, number=1, title="Waits", lead_role="SRO")
    signed = create_action(priority=priority, ref="1.1.1", title="Recruit therapists", lead="DoP")
    waiting = create_action(priority=priority, ref="1.1.2", title="Publish the offer", lead="DoP")
    imported = create_action(priority=priority, ref="1.1.3", title="Old work", lead="DoP")
    amber = create_update(action=signed, period=period, rag="amber", created_at=BEFORE_BOARD)
    create_update(action=waiting, period=period, rag="blue", evidence="Minutes", created_at=BEFORE_BOARD)
    create_update(action=imported, period=period, rag="green", source="import", created_at=BEFORE_BOARD)
    db.session.add(UpdateReview(update_id=amber.id, decision="signed_off", created_at=BEFORE_BOARD))
    db.session.add(
        EvidenceFile(
            update_id=amber.id,
            action_id=signed.id,
            file_name="Board minutes.pdf",
            content_type="application/pdf",
            size=5,
            sha256="a" * 64,
            stored_in="database",
            content=b"%PDF-",
            created_at=BEFORE_BOARD,
        )
    )
    db.session.add(
        ActionComment(
            action_id=waiting.id,
            body="Why is this Blue already?",
            is_challenge=True,
            author_name="Board Member",
            created_at=BEFORE_BOARD,
        )
    )
    db.session.commit()
    return {"plan": plan, "period": period, "signed": signed, "waiting": waiting}


def report_of(paper):
    return board_report(
        paper["plan"].id, ReportOptions(period_id=paper["period"].id), generated_by="Test", generated_at=AT
    )


def rags(report) -> dict[str, str]:
    return {line.ref: line.rag_label for section in report.priorities for line in section.actions}


def test_with_sign_off_on_only_signed_off_ratings_count_and_the_rest_are_listed(paper):
    report = report_of(paper)
    assert rags(report) == {"1.1.1": "Amber", "1.1.2": "Not rated", "1.1.3": "Green"}
    assert report.checks.signed_off == (1, 2)
    assert "1 of 2 updates recorded for this period signed off" in report.checks.sign_off_note
    waiting = [line for line in report.checks.lines if line.check == "not_signed_off"]
    assert [(line.ref, line.message) for line in waiting] == [
        ("1.1.2", "Blue update waiting for sign-off: not counted")
    ]


def test_a_paper_without_sign_off_counts_every_rating(paper):
    paper["plan"].signoff_required = False
    db.session.commit()
    report = report_of(paper)
    assert rags(report) == {"1.1.1": "Amber", "1.1.2": "Blue", "1.1.3": "Green"}
    assert report.checks.sign_off_note is None


def test_sign_off_after_the_settled_day_leaves_the_paper_unchanged(paper):
    before = report_of(paper)
    waiting_update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.action_id == paper["waiting"].id))
    challenge = db.session.scalar(select(ActionComment))
    # Both today, long after the board met on 15 Apr 2021.
    db.session.add(UpdateReview(update_id=waiting_update.id, decision="signed_off"))
    db.session.add(ActionComment(action_id=paper["waiting"].id, body="Done in March", answers_id=challenge.id))
    db.session.commit()
    after = report_of(paper)
    assert after == before
    assert rags(after)["1.1.2"] == "Not rated"
    assert write_report(after, "html") == write_report(before, "html")


def test_sign_off_before_the_settled_day_counts(paper):
    waiting_update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.action_id == paper["waiting"].id))
    db.session.add(UpdateReview(update_id=waiting_update.id, decision="signed_off", created_at=BEFORE_BOARD))
    db.session.commit()
    report = report_of(paper)
    assert rags(report)["1.1.2"] == "Blue"
    assert report.checks.signed_off == (2, 2)


def test_open_challenges_are_in_the_checks_and_evidence_in_every_formats_appendix(paper):
    report = report_of(paper)
    challenges = [line for line in report.checks.lines if line.check == "open_challenge"]
    assert [(c.ref, c.message) for c in challenges] == [
        ("1.1.2", "Raised 10 Apr 2021 by Board Member: Why is this Blue already?")
    ]
    assert [(e.ref, e.files) for e in report.appendix.evidence] == [("1.1.1", ("Board minutes.pdf",))]
    assert "Board minutes.pdf" in write_report(report, "html").decode()
    for fmt in ("docx", "xlsx"):
        with zipfile.ZipFile(BytesIO(write_report(report, fmt))) as archive:
            text = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        assert "Board minutes.pdf" in text, fmt
    assert "Board minutes.pdf" in pdf_text(write_report(report, "pdf"))
