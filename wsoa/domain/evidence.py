"""What an evidence file is, read from its bytes (never from its name or the browser's word), and a safe name for it.

Accepted: PDF; Word, Excel and PowerPoint (the Office Open XML zips, checked by the content types they declare, and
the older binary formats); PNG, JPEG and GIF images; plain text and CSV. Anything else, a program or a web page
renamed `.pdf` included, is refused with a reason.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

OOXML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
        {".docx", ".docm"},
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel workbook",
        {".xlsx", ".xlsm"},
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint presentation",
        {".pptx", ".pptm"},
    ),
}
# Legacy Office files share one container (OLE2); the name's extension says which, the signature says it is one.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_TYPES = {
    ".doc": ("application/msword", "Word document"),
    ".xls": ("application/vnd.ms-excel", "Excel workbook"),
    ".ppt": ("application/vnd.ms-powerpoint", "PowerPoint presentation"),
}
SIGNATURES = [
    (b"%PDF-", "application/pdf", "PDF", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG image", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG image", {".jpg", ".jpeg"}),
    (b"GIF87a", "image/gif", "GIF image", {".gif"}),
    (b"GIF89a", "image/gif", "GIF image", {".gif"}),
]
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv"}
ACCEPTED_NAMES = "PDF, Word, Excel, PowerPoint, PNG, JPEG, GIF, text or CSV"
# Markup a browser would run if it were ever shown inline: never accepted as "text".
_MARKUP = re.compile(rb"<\s*(!doctype|html|script|svg|iframe|object|body|head|meta)\b", re.IGNORECASE)


class EvidenceRefused(ValueError):
    """The file cannot be kept as evidence; the message says why, naming the file."""


@dataclass(frozen=True)
class EvidenceKind:
    content_type: str
    description: str


def extension(file_name: str) -> str:
    dot = file_name.rfind(".")
    return file_name[dot:].lower() if dot > 0 else ""


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        megabytes = size / (1024 * 1024)
        return f"{megabytes:.0f} MB" if megabytes == int(megabytes) else f"{megabytes:.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def _office_zip(content: bytes) -> tuple[str, str, set[str]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            declared = archive.read("[Content_Types].xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    for main_part, kind in OOXML.items():
        if f'ContentType="{main_part}"' in declared or main_part.replace(".main+xml", ".macroEnabled.main+xml") in (
            declared
        ):
            return kind
    return None


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if _MARKUP.search(content[:4096]):
        return False
    return all(ch.isprintable() or ch in "\r\n\t\f" for ch in text[:65536])


def identify(file_name: str, content: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> EvidenceKind:
    """The file's kind, from its bytes; refused when too big, empty, not an accepted kind, or named as another."""
    shown = file_name or "The file"
    if len(content) > max_bytes:
        raise EvidenceRefused(
            f"{shown} is {describe_size(len(content))}: evidence files must be {describe_size(max_bytes)} or smaller"
        )
    if not content:
        raise EvidenceRefused(f"{shown} is empty")
    ext = extension(file_name)
    for signature, content_type, description, extensions in SIGNATURES:
        if content.startswith(signature):
            return _named_as(shown, ext, extensions, EvidenceKind(content_type, description))
    if content.startswith(b"PK\x03\x04"):
        office = _office_zip(content)
        if office is None:
            raise EvidenceRefused(f"{shown} is a zip file, not a Word, Excel or PowerPoint document")
        content_type, description, extensions = office
        return _named_as(shown, ext, extensions, EvidenceKind(content_type, description))
    if content.startswith(OLE2_SIGNATURE) and ext in OLE2_TYPES:
        return EvidenceKind(*OLE2_TYPES[ext])
    if ext in TEXT_TYPES and _is_text(content):
        return EvidenceKind(TEXT_TYPES[ext], "Text" if ext == ".txt" else "CSV")
    raise EvidenceRefused(
        f"{shown} is not a file type the tracker keeps as evidence (its content is not {ACCEPTED_NAMES})"
    )


def _named_as(shown: str, ext: str, extensions: set[str], kind: EvidenceKind) -> EvidenceKind:
    if ext not in extensions:
        raise EvidenceRefused(
            f"{shown} holds a {kind.description}, but its name says otherwise: rename it and try again"
        )
    return kind


def safe_file_name(file_name: str) -> str:
    """The name without folders, control characters or quotes; letters, digits, spaces, dots, dashes kept."""
    name = unicodedata.normalize("NFC", file_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in "\"'<>:|?*;")
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[:200] or "evidence"
