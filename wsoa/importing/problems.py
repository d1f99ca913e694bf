"""What went wrong while reading a workbook, and where."""

from dataclasses import asdict, dataclass
from typing import Literal


class WorkbookUnreadable(Exception):
    """The file cannot be read as a workbook at all; the message is one line for the user."""


@dataclass(frozen=True)
class Problem:
    severity: Literal["error", "warning"]
    sheet: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)
