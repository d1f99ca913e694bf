"""Evidence files: checked by content, stored behind one small interface, listed per action and per update.

Storage is the database by default (backups and several app servers need nothing more) or a directory named by
`EVIDENCE_DIR`, where each file is kept once under its SHA-256. Rows are history: never changed or deleted.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import undefer

from wsoa.domain.evidence import DEFAULT_MAX_BYTES, EvidenceRefused, identify, safe_file_name
from wsoa.extensions import db
from wsoa.models import EvidenceFile, ProgressUpdate, User
from wsoa.services import audit

__all__ = ["EvidenceRefused", "Upload", "attach", "check_uploads", "evidence_for_actions", "load_content", "store"]


@dataclass(frozen=True)
class Upload:
    file_name: str
    content: bytes


class EvidenceStore(Protocol):
    stored_in: str

    def put(self, row: EvidenceFile, content: bytes) -> None: ...

    def get(self, row: EvidenceFile) -> bytes: ...


class DatabaseStore:
    stored_in = "database"

    def put(self, row: EvidenceFile, content: bytes) -> None:
        row.content = content

    def get(self, row: EvidenceFile) -> bytes:
        if row.content is None:
            raise FileNotFoundError(row.id)
        return row.content


class DirectoryStore:
    stored_in = "directory"

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
            raise FileNotFoundError(sha256)
        return self.folder / sha256[:2] / sha256

    def put(self, row: EvidenceFile, content: bytes) -> None:
        path = self._path(row.sha256)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.write_bytes(content)
            partial.replace(path)
        row.content = None

    def get(self, row: EvidenceFile) -> bytes:
        if row.stored_in == "database" and row.content is not None:
            return row.content  # kept in the database before EVIDENCE_DIR was set
        return self._path(row.sha256).read_bytes()


def store() -> EvidenceStore:
    folder = current_app.config.get("EVIDENCE_DIR")
    return DirectoryStore(folder) if folder else DatabaseStore()


def max_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def check_uploads(uploads: list[Upload]) -> list[str]:
    """Every reason the uploads cannot be kept (empty: all can). Checked before anything is written."""
    problems = []
    for upload in uploads:
        try:
            identify(safe_file_name(upload.file_name), upload.content, max_bytes=max_bytes())
        except EvidenceRefused as refused:
            problems.append(str(refused))
    return problems


def attach(update: ProgressUpdate, uploads: list[Upload], user: User) -> list[EvidenceFile]:
    """Keep the files with the update (it must be flushed). Refuses them all, writing nothing, if any is refused."""
    problems = check_uploads(uploads)
    if problems:
        raise EvidenceRefused("; ".join(problems))
    keeper = store()
    rows = []
    for upload in uploads:
        name = safe_file_name(upload.file_name)
        kind = identify(name, upload.content, max_bytes=max_bytes())
        row = EvidenceFile(
            update_id=update.id,
            action_id=update.action_id,
            file_name=name,
            content_type=kind.content_type,
            size=len(upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            stored_in=keeper.stored_in,
            uploaded_by_id=user.id,
            uploaded_by_name=user.name,
        )
        keeper.put(row, upload.content)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    for row in rows:
        audit.record(
            event="evidence_file.attached",
            entity=row,
            summary=f"Evidence file {row.file_name} attached to an update on action {update.action_id}",
            user_id=user.id,
            after={"file_name": row.file_name, "size": row.size, "sha256": row.sha256, "update_id": update.id},
        )
    return rows


def evidence_for_actions(action_ids: list[int]) -> dict[int, list[EvidenceFile]]:
    """Each action's evidence files, oldest first, in one query (the bytes are not loaded)."""
    found: dict[int, list[EvidenceFile]] = {}
    if not action_ids:
        return found
    for row in db.session.scalars(
        select(EvidenceFile).where(EvidenceFile.action_id.in_(action_ids)).order_by(EvidenceFile.id)
    ):
        found.setdefault(row.action_id, []).append(row)
    return found


def find(action_id: int, file_id: int) -> EvidenceFile | None:
    """The file, only if it belongs to that action."""
    return db.session.scalars(
        select(EvidenceFile)
        .options(undefer(EvidenceFile.content))
        .where(EvidenceFile.id == file_id, EvidenceFile.action_id == action_id)
    ).first()


def load_content(row: EvidenceFile) -> bytes:
    if row.stored_in == "database":
        return DatabaseStore().get(row)
    folder = current_app.config.get("EVIDENCE_DIR")
    if not folder:
        raise FileNotFoundError(f"evidence file {row.id} is kept in a directory but EVIDENCE_DIR is not set")
    return DirectoryStore(folder).get(row)


def evidence_by_update(action_id: int) -> dict[int, list[EvidenceFile]]:
    grouped: dict[int, list[EvidenceFile]] = {}
    for row in evidence_for_actions([action_id]).get(action_id, []):
        grouped.setdefault(row.update_id, []).append(row)
    return grouped


def row_for_backup(row: dict) -> dict:
    """A backup carries every file's bytes, wherever they are kept."""
    if row.get("stored_in") == "directory" and row.get("content") is None:
        folder = current_app.config.get("EVIDENCE_DIR")
        if not folder:
            raise FileNotFoundError(f"evidence file {row['id']} is kept in a directory but EVIDENCE_DIR is not set")
        row["content"] = DirectoryStore(folder).get(EvidenceFile(sha256=row["sha256"], stored_in="directory"))
    return row


def row_for_restore(row: dict) -> dict:
    """Restored files go where this tracker keeps them: its EVIDENCE_DIR, or the database."""
    keeper = store()
    content = row.get("content")
    if content is None:
        return row
    if hashlib.sha256(content).hexdigest() != row.get("sha256"):
        raise ValueError(f"evidence file {row.get('id')} in the backup does not match its SHA-256")
    carrier = EvidenceFile(sha256=row["sha256"])
    keeper.put(carrier, content)
    return row | {"content": carrier.content, "stored_in": keeper.stored_in}
