"""Finding the header row by what it says, and mapping each heading to a field, from synonym lists kept as data."""

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from config import IMPORTS_DIR

SYNONYMS_FILE = IMPORTS_DIR / "header-synonyms.toml"
HEADER_SEARCH_ROWS = 60
LONGEST_HEADING = 120  # a longer cell is prose (an outcome, a measure), never a column heading

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# Review periods named inside a heading: "Nov 20", "Mar-21", "March 2021", "Q3 2021/22", "Spring term 2021".
_PERIOD = re.compile(
    r"\b(q[1-4]\s*(?:fy\s*)?\d{2,4}\s*[/-]\s*\d{2,4}"
    rf"|{_MONTH}\.?[\s'/-]*'?\d{{4}}|{_MONTH}\.?[\s'/-]*'?\d{{2}}"
    r"|(?:autumn|spring|summer)(?:\s+term)?\s+\d{4}(?:\s*/\s*\d{2,4})?)\b",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
MIN_PREFIX_LETTERS = 4  # "who", "no", "rag" start too many headings to be read as a prefix on their own


def normalise(text: str) -> str:
    """Lower case, punctuation as spaces, single spaces: 'How will we know?' → 'how will we know'."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


@dataclass(frozen=True)
class HeadingTable:
    """Synonyms for one kind of table: {normalised heading: field}; a synonym may also start a longer heading."""

    exact: dict[str, str]

    @classmethod
    def from_lists(cls, lists: dict[str, list[str]]) -> "HeadingTable":
        exact: dict[str, str] = {}
        for field_name, words in lists.items():
            for word in words:
                if key := normalise(word):
                    exact.setdefault(key, field_name)
        return cls(exact=exact)


@dataclass(frozen=True)
class Synonyms:
    fields: HeadingTable
    glossary: HeadingTable
    labels: HeadingTable


@cache
def load_synonyms(path: Path = SYNONYMS_FILE) -> Synonyms:
    """The heading synonyms an area keeps in imports/header-synonyms.toml."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Synonyms(
        fields=HeadingTable.from_lists(data.get("fields", {})),
        glossary=HeadingTable.from_lists(data.get("glossary", {})),
        labels=HeadingTable.from_lists(data.get("labels", {})),
    )


def period_in(heading: str) -> str | None:
    """The review period a heading names, as written ("Progress Mar 21" → "Mar 21")."""
    match = _PERIOD.search(heading)
    return " ".join(match.group(1).split()) if match else None


def match_heading(heading: str, table: HeadingTable) -> str | None:
    """The field a heading means: an exact synonym, else the longest synonym that starts it."""
    if len(heading) > LONGEST_HEADING:
        return None
    text = normalise(heading)
    if not text:
        return None
    if text in table.exact:
        return table.exact[text]
    words = text.split(" ")
    for length in range(len(words) - 1, 0, -1):  # the longest synonym that starts the heading wins
        synonym = " ".join(words[:length])
        field_name = table.exact.get(synonym)
        if field_name and (len(synonym) >= MIN_PREFIX_LETTERS or "(" in heading or period_in(heading)):
            return field_name
    return None


def match_label(text: str, synonyms: Synonyms) -> str | None:
    """'Outcomes:' or 'Impact measures:' written above a table."""
    if len(text) > LONGEST_HEADING:
        return None
    return synonyms.labels.exact.get(normalise(text))


@dataclass(frozen=True)
class HeaderRow:
    index: int  # position in the rows given to find_header_row
    fields: dict[int, str | None]  # 0-based column → field, None for a heading no synonym matches


def find_header_row(
    rows: Iterable[Sequence[tuple[int, object]]],
    table: HeadingTable,
    *,
    required: set[str],
    minimum: int,
    search_rows: int = HEADER_SEARCH_ROWS,
) -> HeaderRow | None:
    """The first row (among the first few) whose headings name the required fields and enough others."""
    for index, cells in enumerate(rows):
        if index >= search_rows:
            return None
        fields = {column: match_heading(text, table) for column, text in cells if isinstance(text, str)}
        found = {field_name for field_name in fields.values() if field_name}
        if required <= found and len(found) >= minimum:
            return HeaderRow(index, fields)
    return None
