"""File safety: refusing files that are not workbooks, before openpyxl sees them.

Size, zip structure, zip bombs (by the members' declared sizes), old .xls, password-protected, .ods and .xlsb files
are each refused with one line for the person who uploaded them.
"""

import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from wsoa.importing.problems import OneLineRefusal, WorkbookUnreadable

if TYPE_CHECKING:
    from openpyxl import Workbook

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024  # small parts (styles, shared strings of a tiny file) may compress very well
MAX_ZIP_MEMBERS = 10_000
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE2 compound file whose directory names this stream (names are UTF-16LE).
ENCRYPTED_MARKER = "EncryptedPackage".encode("utf-16-le")


def content_of(source: str | Path | bytes | BinaryIO, max_bytes: int) -> bytes:
    too_large = f"the file is larger than the {_readable_size(max_bytes)} limit"
    try:
        if isinstance(source, bytes | bytearray | memoryview):
            content = bytes(source)
        elif isinstance(source, str | Path):
            path = Path(source)
            if path.stat().st_size > max_bytes:
                raise WorkbookUnreadable(too_large)
            content = path.read_bytes()
        else:
            content = source.read(max_bytes + 1)
            if not isinstance(content, bytes):
                raise WorkbookUnreadable("the file was opened as text, not as a binary workbook")
    except OSError as error:
        raise WorkbookUnreadable(f"the file could not be opened ({error.strerror or type(error).__name__})") from None
    if len(content) > max_bytes:
        raise WorkbookUnreadable(too_large)
    if not content:
        raise WorkbookUnreadable("the file is empty")
    return content


def _readable_size(size: int) -> str:
    return f"{size / 1024**2:.3g} MB" if size >= 1024**2 else f"{size / 1024:.3g} KB"


def checked_archive(content: bytes) -> zipfile.ZipFile:
    if content.startswith(OLE2_MAGIC):
        if ENCRYPTED_MARKER in content:
            raise WorkbookUnreadable("the workbook is password protected: remove the password in Excel and try again")
        raise WorkbookUnreadable("it is an old-style .xls workbook: save it as .xlsx in Excel and try again")
    if not content.startswith(b"PK"):
        raise WorkbookUnreadable(f"it is not an Excel workbook (.xlsx){_looks_like(content)}")
    try:
        archive = zipfile.ZipFile(BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise WorkbookUnreadable("the file is damaged (it is not a complete .xlsx zip archive)") from None
    _refuse_zip_bombs(members)
    names = {member.filename for member in members}
    if "content.xml" in names and "mimetype" in names:
        raise WorkbookUnreadable("it is an OpenDocument spreadsheet (.ods): save it as .xlsx and try again")
    if "xl/workbook.bin" in names:
        raise WorkbookUnreadable("it is a binary Excel workbook (.xlsb): save it as .xlsx and try again")
    if "xl/workbook.xml" not in names:
        raise WorkbookUnreadable("it is a zip file but not an Excel workbook (.xlsx)")
    return archive


def _refuse_zip_bombs(members: list[zipfile.ZipInfo]) -> None:
    # zipfile stops decompressing a member at its declared size, so the declared sizes bound what reading can cost.
    total = sum(member.file_size for member in members)
    suspicious = any(
        member.file_size > RATIO_CHECKED_FROM_BYTES
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > MAX_UNCOMPRESSED_BYTES or suspicious or len(members) > MAX_ZIP_MEMBERS:
        raise WorkbookUnreadable(
            "it expands to far more data than a plan holds (a possible zip bomb), so it was refused"
        )


def _looks_like(content: bytes) -> str:
    head = content[:512].lstrip().lower()
    if head.startswith(b"%pdf"):
        return ": it is a PDF"
    if head.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table")):
        return ": it is a web page or XML file saved with a spreadsheet name"
    if content[:512].isascii() or _is_utf8(content[:512]):
        return ": it looks like text or CSV; open it in Excel and save it as .xlsx"
    return ""


def _is_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@contextmanager
def opened_workbook(
    content: bytes, unreadable: type[OneLineRefusal], describe: Callable[[Exception], str]
) -> Iterator["Workbook"]:
    """The workbook in `content`, read-only with values (not formulas), closed afterwards. Whatever goes wrong while
    opening or reading it becomes `unreadable`, its reason one line ending in `describe(error)`."""
    from openpyxl import load_workbook  # imported here: openpyxl is slow to import, and only imports need it

    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        raise unreadable(f"it could not be opened as an Excel workbook ({describe(error)})") from None
    try:
        yield workbook
    except unreadable:
        raise
    except Exception as error:
        raise unreadable(f"its contents could not be read ({describe(error)})") from None
    finally:
        workbook.close()
