"""Uploaded workbooks waiting for the officer to confirm: runtime data under the instance folder, keyed by hash."""

import re
from pathlib import Path

from wsoa.services.imports import file_hash

_HASH = re.compile(r"^[0-9a-f]{64}$")


class UploadMissing(LookupError):
    pass


def store_upload(folder: Path, content: bytes) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    digest = file_hash(content)
    (folder / f"{digest}.xlsx").write_bytes(content)
    return digest


def load_upload(folder: Path, digest: str) -> bytes:
    if not _HASH.match(digest):
        raise UploadMissing(digest)
    path = folder / f"{digest}.xlsx"
    if not path.is_file():
        raise UploadMissing(digest)
    return path.read_bytes()


def discard_upload(folder: Path, digest: str) -> None:
    if _HASH.match(digest):
        (folder / f"{digest}.xlsx").unlink(missing_ok=True)
