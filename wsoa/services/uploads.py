"""Uploaded workbooks waiting for the officer to confirm, keyed by their SHA-256.

Kept in the database (table pending_upload), not in a folder of one server: with several app servers the preview and
the confirm may land on different ones, which share only the database. The caller commits. A workbook left waiting
(the officer never confirmed) is forgotten a day later, when the next one is uploaded.
"""

import re
from datetime import timedelta

from sqlalchemy import delete, select

from wsoa.extensions import db
from wsoa.models import PendingUpload
from wsoa.models.types import utcnow
from wsoa.services.imports import file_hash

_HASH = re.compile(r"^[0-9a-f]{64}$")
KEPT_FOR = timedelta(days=1)


class UploadMissing(LookupError):
    pass


def store_upload(content: bytes) -> str:
    """Keep the workbook for the next step; the same workbook uploaded again is kept once, and kept longer."""
    now = utcnow()
    db.session.execute(delete(PendingUpload).where(PendingUpload.created_at < now - KEPT_FOR))
    digest = file_hash(content)
    kept = db.session.get(PendingUpload, digest)
    if kept is None:
        db.session.add(PendingUpload(digest=digest, content=content, created_at=now))
    else:
        kept.created_at = now
    db.session.flush()
    return digest


def load_upload(digest: str) -> bytes:
    if not _HASH.match(digest):
        raise UploadMissing(digest)
    content = db.session.scalar(select(PendingUpload.content).where(PendingUpload.digest == digest))
    if content is None:
        raise UploadMissing(digest)
    return content


def discard_upload(digest: str) -> None:
    if _HASH.match(digest):
        db.session.execute(delete(PendingUpload).where(PendingUpload.digest == digest))
