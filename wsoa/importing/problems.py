"""What went wrong while reading a workbook, and where."""

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


class OneLineRefusal(Exception):
    """A refusal whose reason is shown on one line (CLI stderr, a page's error summary): never with a line break."""

    def __init__(self, reason: str):
        self.reason = " ".join(str(reason).split())
        super().__init__(self.reason)


class WorkbookUnreadable(OneLineRefusal):
    """The file cannot be read as a workbook at all; the message is one line for the person who uploaded it."""


@dataclass(frozen=True)
class Problem:
    severity: Severity
    sheet: str
    row: int | None  # 1-based Excel row
    column: str | None  # column letter
    message: str

    def as_dict(self) -> dict:
        """The problem in the `import-plan --json` shape."""
        return asdict(self)
