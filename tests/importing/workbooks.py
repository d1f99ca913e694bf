"""Building workbooks in the layouts councils use, for the importer's tests."""

import zipfile
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

from wsoa.importing.parsed import ParsedPlan
from wsoa.importing.workbook import read_workbook

STANDARD_HEADINGS = [
    "Outcome Ref",
    "Actions",
    "Completion Date",
    "Lead",
    "Delivery Partners",
    "Resources (cost and/or time)",
    "How will we know?",
    "Progress against actions/impact & RAG rating Nov 20",
]


def save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(workbook: Workbook) -> ParsedPlan:
    return read_workbook(save(workbook))


def solid(rgb: str | None = None, *, theme: int | None = None, tint: float = 0.0, indexed: int | None = None):
    """A solid fill from an rgb hex, a theme colour (with tint) or an indexed palette colour."""
    if theme is not None:
        return PatternFill("solid", fgColor=Color(theme=theme, tint=tint))
    if indexed is not None:
        return PatternFill("solid", fgColor=Color(indexed=indexed))
    return PatternFill("solid", fgColor=rgb)


def flat_plan(rows: list[list], headings: list[str] | None = None, title: str = "Testshire WSoA") -> Workbook:
    """One sheet for the whole plan, with priority and outcome columns: title on row 1, headings on row 3."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append([title])
    sheet.append([])
    sheet.append(headings or ["Priority", "Ref", "Action", "Deadline", "Owner", "Partners", "RAG", "Update"])
    for row in rows:
        sheet.append(row)
    return workbook


def priority_sheet(
    workbook: Workbook,
    number: int,
    title: str,
    *,
    outcomes: list[list] = (),
    measures: list[str] = (),
    rows: list[list] = (),
    headings: list[str] = STANDARD_HEADINGS,
    sheet_name: str | None = None,
):
    """One sheet per priority as the Shropshire plan lays it out: merged banners, outcomes and measures, the table."""
    sheet = workbook.create_sheet(sheet_name or f"Priority {number}")
    last = chr(ord("A") + len(headings) - 1)
    sheet.append([f"Priority {number}"])
    sheet.merge_cells(f"A1:{last}1")
    sheet.append([title])
    sheet.merge_cells(f"A2:{last}2")
    if outcomes:
        sheet.append(["Outcomes:"])
        for outcome in outcomes:
            sheet.append(outcome)
    if measures:
        sheet.append(["Impact measures:"])
        for measure in measures:
            sheet.append([None, measure])
    sheet.append([])
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    return sheet


def cover_sheet(workbook: Workbook, title: str) -> None:
    """A contents page: the plan's name and a list of what follows, no table of actions."""
    sheet = workbook.active
    sheet.title = "Contents"
    sheet.append([title])
    sheet.append([])
    sheet.append(["Contents:"])
    sheet.append([None, "Introduction", 2])
    sheet.append([None, "Priority 1", 5])
    sheet.append(["1.", "Weak strategic leadership"])


# -- files that are not readable workbooks, shared by the reader's, the upload's and the command's tests -------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SECTOR = 512
_END_OF_CHAIN, _FAT_SECTOR, _FREE, _NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A real OLE2 compound file (CFB version 3), the container of .xls workbooks and of password-protected .xlsx.

    Every stream is padded with zeros to at least the 4,096-byte mini-stream cutoff, so all live in ordinary
    sectors; the streams are siblings under the root entry. Kept to one FAT sector and one directory sector: up to three streams, 60 KB.
    """
    assert 1 <= len(streams) <= 3, "one directory sector holds the root and three streams"
    padded = {name: data.ljust(4096, b"\x00") for name, data in streams.items()}
    padded = {name: data.ljust(-(-len(data) // _SECTOR) * _SECTOR, b"\x00") for name, data in padded.items()}
    fat = [_FAT_SECTOR, _END_OF_CHAIN]  # sector 0 holds the FAT, sector 1 the directory
    starts = {}
    for name, data in padded.items():
        starts[name] = len(fat)
        count = len(data) // _SECTOR
        fat += [*range(len(fat) + 1, len(fat) + count), _END_OF_CHAIN]
    assert len(fat) <= _SECTOR // 4
    fat += [_FREE] * (_SECTOR // 4 - len(fat))

    # Siblings form a binary search tree ordered by name length, then by upper-cased name; chaining them from the
    # smallest through right siblings is a valid (if unbalanced) tree, all black.
    names = sorted(padded, key=lambda name: (len(name), name.upper()))
    entries = [_directory_entry("Root Entry", 5, child=1, start=_END_OF_CHAIN, size=0)]
    for position, name in enumerate(names, start=1):
        right = position + 1 if position < len(names) else _NO_STREAM
        entries.append(_directory_entry(name, 2, right=right, start=starts[name], size=len(padded[name])))
    entries += [_directory_entry("", 0, start=0, size=0)] * (4 - len(entries))

    header = b"".join(
        [
            OLE2_MAGIC,
            b"\x00" * 16,  # CLSID
            (0x003E).to_bytes(2, "little"),  # minor version
            (0x0003).to_bytes(2, "little"),  # major version 3: 512-byte sectors
            (0xFFFE).to_bytes(2, "little"),  # byte order: little-endian
            (9).to_bytes(2, "little"),  # sector shift: 2**9
            (6).to_bytes(2, "little"),  # mini sector shift: 2**6
            b"\x00" * 6,
            (0).to_bytes(4, "little"),  # directory sectors (always 0 in version 3)
            (1).to_bytes(4, "little"),  # FAT sectors
            (1).to_bytes(4, "little"),  # first directory sector
            (0).to_bytes(4, "little"),  # transaction signature
            (4096).to_bytes(4, "little"),  # mini stream cutoff
            _END_OF_CHAIN.to_bytes(4, "little"),  # first mini FAT sector: none
            (0).to_bytes(4, "little"),  # mini FAT sectors
            _END_OF_CHAIN.to_bytes(4, "little"),  # first DIFAT sector: none
            (0).to_bytes(4, "little"),  # DIFAT sectors
            (0).to_bytes(4, "little"),  # DIFAT[0]: the FAT is sector 0
            _FREE.to_bytes(4, "little") * 108,
        ]
    )
    assert len(header) == _SECTOR
    fat_sector = b"".join(entry.to_bytes(4, "little") for entry in fat)
    return header + fat_sector + b"".join(entries) + b"".join(padded.values())


def _directory_entry(name: str, kind: int, *, child=_NO_STREAM, right=_NO_STREAM, start: int, size: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    entry = b"".join(
        [
            encoded.ljust(64, b"\x00"),
            len(encoded).to_bytes(2, "little"),
            bytes([kind, 1]),  # object type; colour black
            _NO_STREAM.to_bytes(4, "little"),  # left sibling
            right.to_bytes(4, "little"),
            child.to_bytes(4, "little"),
            b"\x00" * 16,  # CLSID
            b"\x00" * 4,  # state bits
            b"\x00" * 16,  # creation and modification times
            start.to_bytes(4, "little"),
            size.to_bytes(8, "little"),
        ]
    )
    assert len(entry) == 128
    return entry


def xls_workbook() -> bytes:
    """An old-style .xls workbook: a compound file holding a BIFF8 'Workbook' stream (BOF and EOF records)."""
    bof = (0x0809).to_bytes(2, "little") + (16).to_bytes(2, "little")
    bof += (0x0600).to_bytes(2, "little") + (0x0005).to_bytes(2, "little") + b"\x00" * 12  # BIFF8, workbook globals
    eof = (0x000A).to_bytes(2, "little") + (0).to_bytes(2, "little")
    return compound_file({"Workbook": bof + eof})


def password_protected_workbook() -> bytes:
    """An .xlsx saved with a password: Excel wraps the encrypted zip in a compound file (MS-OFFCRYPTO, agile)."""
    info = (4).to_bytes(2, "little") + (4).to_bytes(2, "little") + (0x40).to_bytes(4, "little")
    info += b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><encryption/>'
    package = (5000).to_bytes(8, "little") + bytes(range(256)) * 20  # the plaintext size, then ciphertext
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": package})


def a_zip(members: dict[str, bytes]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def damaged_zip() -> bytes:
    """A zip's local header and then nothing a zip reader can use."""
    return b"PK\x03\x04" + b"\x00" * 100


def zip_bomb() -> bytes:
    """Under 64 KB that declares a sheet of 8 MB: far more than its size, refused before anything is inflated."""
    return a_zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * (8 * 1024 * 1024)})


CSV_TEXT = b"ref,action\n1.1.1,Review\n"

# (id, bytes, what the one-line refusal says) for files given an .xlsx name that are not readable workbooks.
REFUSED_FILES = [
    ("xls-named-xlsx", xls_workbook, "old-style .xls"),
    ("password-protected", password_protected_workbook, "password protected"),
    ("damaged-zip", damaged_zip, "damaged"),
    ("zip-bomb", zip_bomb, "zip bomb"),
    ("csv-named-xlsx", lambda: CSV_TEXT, "looks like text or CSV"),
    ("empty", lambda: b"", "the file is empty"),
]
