"""Evidence files on updates: checked by what they hold, size-limited, append-only, downloaded safely."""

import io
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import normalise_spaces, page_of
from tests.factories import create_action
from tests.views.test_updates import form_fields, url
from wsoa.domain.evidence import EvidenceRefused, identify, safe_file_name
from wsoa.extensions import db
from wsoa.models import AppendOnlyViolation, EvidenceFile, ProgressUpdate

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def office_file(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/x.xml" ContentType="{main_part}"/></Types>',
        )
        archive.writestr("x.xml", "<x/>")
    return buffer.getvalue()


DOCX = office_file("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    for module in ("wsoa.views.actions", "wsoa.views.updates"):
        monkeypatch.setattr(f"{module}.today", lambda: date(2021, 3, 15))


def post_update(client, action, files, **answers):
    data = form_fields(client.get(url(action))) | {"rag": "blue", "narrative": "Done", "evidence": "See files"}
    data |= answers
    data["evidence_files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(url(action), data=data, content_type="multipart/form-data")


def stored_count() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceFile))


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run", "exe"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "html"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 32, "elf"),
    ],
)
def test_a_renamed_program_or_web_page_called_pdf_is_refused_by_its_content(client, login_as, plan, content, why):
    login_as("lead", roles=["DoP"])
    response = post_update(client, plan["action"], [("minutes.pdf", content)])
    page = page_of(response)
    assert response.status_code == 200
    errors = [normalise_spaces(a) for a in page.select(".govuk-error-summary a")]
    assert any("minutes.pdf is not a file type the tracker keeps as evidence" in e for e in errors), errors
    assert stored_count() == 0
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 0


def test_an_oversized_file_is_refused_with_the_limit_and_nothing_is_stored(app, client, login_as, plan, monkeypatch):
    # Kept under the test client's 500 KB spooling size; the default limit (20 MB) is checked the same way.
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 100 * 1024)
    login_as("lead", roles=["DoP"])
    big = PDF + b"0" * (150 * 1024)
    page = page_of(post_update(client, plan["action"], [("report.pdf", big)]))
    errors = [normalise_spaces(a) for a in page.select(".govuk-error-summary a")]
    assert errors == ["report.pdf is 150 KB: evidence files must be 100 KB or smaller"]
    assert "each up to 100 KB" in normalise_spaces(page.select_one("#evidence_files-hint"))
    assert stored_count() == 0
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 0


def test_files_are_kept_with_the_update_listed_on_the_action_and_downloaded_safely(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    response = post_update(client, plan["action"], [("Board minutes.pdf", PDF), ("Audit report.docx", DOCX)])
    assert response.status_code == 302
    action_page = page_of(client.get(f"/actions/{plan['action'].id}"))
    links = action_page.select("#evidence-files a")
    assert [normalise_spaces(a) for a in links] == ["Board minutes.pdf", "Audit report.docx"]

    download = client.get(links[0]["href"])
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Board minutes.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" in download.headers
    word = client.get(links[1]["href"])
    assert word.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")


def test_a_viewer_downloads_evidence_but_a_signed_out_person_or_a_wrong_action_gets_nothing(
    client, other_client, login_as, plan
):
    login_as("lead", roles=["DoP"])
    post_update(client, plan["action"], [("minutes.pdf", PDF)])
    row = db.session.scalars(select(EvidenceFile)).one()
    other = create_action(priority=plan["priority"], ref="1.1.2", title="Another")
    db.session.commit()
    assert other_client.get(f"/actions/{plan['action'].id}/evidence/{row.id}").status_code == 302  # to sign in
    login_as("viewer", browser=other_client)
    assert other_client.get(f"/actions/{plan['action'].id}/evidence/{row.id}").data == PDF
    assert other_client.get(f"/actions/{other.id}/evidence/{row.id}").status_code == 404
    assert other_client.get(f"/actions/{plan['action'].id}/evidence/{row.id + 99}").status_code == 404


def test_evidence_files_are_history_and_cannot_be_changed(client, login_as, plan):
    login_as("lead", roles=["DoP"])
    post_update(client, plan["action"], [("minutes.pdf", PDF)])
    row = db.session.scalars(select(EvidenceFile)).one()
    row.file_name = "changed.pdf"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()


def test_a_directory_store_keeps_the_bytes_outside_the_database(app, client, login_as, plan, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    login_as("lead", roles=["DoP"])
    post_update(client, plan["action"], [("minutes.pdf", PDF)])
    row = db.session.scalars(select(EvidenceFile)).one()
    assert row.stored_in == "directory"
    assert db.session.scalar(select(EvidenceFile.content)) is None
    assert (tmp_path / row.sha256[:2] / row.sha256).read_bytes() == PDF
    assert client.get(f"/actions/{plan['action'].id}/evidence/{row.id}").data == PDF


def test_content_decides_the_type_whatever_the_name():
    assert identify("a.pdf", PDF).content_type == "application/pdf"
    assert identify("notes.txt", "Minutes of 3 March – agreed".encode()).content_type == "text/plain"
    with pytest.raises(EvidenceRefused, match="holds a PDF, but its name says otherwise"):
        identify("a.docx", PDF)
    with pytest.raises(EvidenceRefused, match="zip file, not a Word"):
        identify("a.docx", office_file("application/zip"))
    with pytest.raises(EvidenceRefused, match="not a file type"):
        identify("page.txt", b"<html><body>hi</body></html>")
    assert safe_file_name('..\\..\\evil";\r\nname.pdf') == "evilname.pdf"
