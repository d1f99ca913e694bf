"""Small helpers the Word and Excel writers share: XML-safe text and reproducible zip packages."""

import re
from datetime import UTC, datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

# Characters XML 1.0 cannot hold (spreadsheet imports sometimes carry them, such as a vertical tab).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def xml_text(value: str | None) -> str:
    """Text that an XML document can hold: control characters other than tab and newline removed."""
    return _NOT_XML.sub("", value) if value else ""


def reproducible_zip(data: bytes, when: datetime | None) -> bytes:
    """The same package with every member stamped `when` (zip members otherwise carry the time of writing)."""
    stamp = (when or EPOCH).astimezone(UTC)
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    output = BytesIO()
    with ZipFile(BytesIO(data)) as source, ZipFile(output, "w", ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = ZipInfo(member.filename, date_time=date_time)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(member.filename))
    return output.getvalue()
