"""The review pack downloads: Word reopens with python-docx, the PDF is tagged and pdftotext reads it, and both name
every priority with its RAG counts per period, the statement and what became of last time's agreed actions."""

from datetime import UTC, date, datetime
from io import BytesIO

import pikepdf
import pytest
from docx import Document

from tests.conftest import normalise_spaces, pdf_to_text
from wsoa.extensions import db
from wsoa.services import meetings

AT = datetime(2022, 2, 20, 9, 0, tzinfo=UTC)
PRIORITIES = ("Priority 1: Renamed after the board", "Priority 2: Long waits for speech and language therapy")


@pytest.fixture
def pack(built, review, officer):
    one, two = meetings.priorities_of(built.plan.id)
    meetings.add_statement(
        review, priority_id=one.id, verdict="partly", reasons="Waits still long", agreed_by="DCS, DfE", user=officer
    )
    agreed = meetings.add_agreed_action(review, text="Publish a recovery plan", priority_id=two.id, user=officer)
    nxt = meetings.record_meeting(
        built.plan, meetings.MeetingValues(kind="dfe_nhse", held_on=date(2022, 9, 1)), officer
    )
    db.session.commit()
    assert agreed.action_id is None
    return meetings.review_pack(nxt, generated_by="Pat Officer", generated_at=AT)


def test_the_word_pack_reopens_and_names_every_priority_with_its_figures(pack):
    document = Document(BytesIO(meetings.write_pack(pack, "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for name in PRIORITIES:
        assert name in headings
    cells = [normalise_spaces(c.text) for t in document.tables for row in t.rows for c in row.cells]
    assert "Q3 2021/22" in cells
    assert "Publish a recovery plan" in cells
    assert "Not yet actioned" in cells
    assert "Waits still long" in cells


@pytest.mark.slow
def test_the_pdf_pack_is_tagged_and_names_every_priority(pack):
    data = meetings.write_pack(pack, "pdf")
    text = normalise_spaces(pdf_to_text(data))
    for name in PRIORITIES:
        assert name in text
    assert "RAG ratings by review period" in text
    assert "Q1 2021/22" in text
    assert "Publish a recovery plan" in text
    assert "Not yet actioned" in text
    with pikepdf.open(BytesIO(data)) as pdf:
        assert "/StructTreeRoot" in pdf.Root


def test_the_pack_template_is_alone_in_its_folder_and_imports_no_package():
    from wsoa.reports.review_pack_pdf import TEMPLATE, TEMPLATE_DIR

    assert [p.name for p in TEMPLATE_DIR.iterdir()] == [TEMPLATE.name], "nothing else the template could read"
    code = "\n".join(line for line in TEMPLATE.read_text().splitlines() if not line.lstrip().startswith("//"))
    for construct in ("#import", "#include", "read(", "eval(", "@preview"):
        assert construct not in code
