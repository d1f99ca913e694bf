"""`wsoa backup` and `wsoa restore` carry evidence files, from the database or a directory, to either."""

import pytest
from sqlalchemy import select

from tests.assurance.test_evidence_files import DOCX, PDF, post_update
from tests.services.test_backup import empty_all_tables
from wsoa.extensions import db
from wsoa.models import EvidenceFile


@pytest.mark.parametrize(("kept_in", "restored_into"), [("database", "directory"), ("directory", "database")])
def test_backup_and_restore_round_trip_with_evidence_files(
    app,
    client,
    login_as,
    plan,
    tmp_path,
    monkeypatch,
    kept_in,
    restored_into,
):
    if kept_in == "directory":
        monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path / "before"))
    lead = login_as("lead", roles=["DoP"])
    post_update(client, plan["action"], [("Minutes.pdf", PDF), ("Audit.docx", DOCX)])
    runner = app.test_cli_runner()
    path = tmp_path / "backup.json"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0

    empty_all_tables()
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path / "after") if restored_into == "directory" else None)
    restored = runner.invoke(args=["restore", str(path)])
    assert restored.exit_code == 0, restored.output

    rows = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    assert [(r.file_name, r.stored_in) for r in rows] == [("Minutes.pdf", restored_into), ("Audit.docx", restored_into)]
    # The restored tracker serves the same bytes (sessions are not restored: sign in again as the same person).
    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    client.post("/sign-in", data={"email": lead.email, "password": "correct horse battery staple", "csrf_token": token})
    downloads = [client.get(f"/actions/{plan['action'].id}/evidence/{r.id}").data for r in rows]
    assert downloads == [PDF, DOCX]
