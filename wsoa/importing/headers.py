"""Finding the header row by what it says, and mapping each heading to a field, from synonym lists kept as data."""

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from config import IMPORTS_DIR

SYNONYMS_FILE = IMPORTS_DIR / "header-synonyms.toml"
# Review periods named inside a heading: "Nov 20", "March 2021", "Q3 2021/22", "Spring term 2021".
_PERIOD = re.compile(
    r"\b(q[1-4]\s*\d{2,4}\s*[/-]\s*\d{2,4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*'?\d{2,4}"
    r"|(?:autumn|spring|summer)(?:\s+term)?\s+\d{2,4})\b",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^a-z0-9?&/()]+")


def normalise(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


@dataclass(frozen=True)
class Synonyms:
    fields: dict[str, tuple[str, ...]]
    glossary: dict[str, tuple[str, ...]]
    labels: dict[str, tuple[str, ...]]


@cache
def load_synonyms(path: Path = SYNONYMS_FILE) -> Synonyms:
    data = tomllib.loads(path.read_text(encoding="utf-8"))

    def section(name: str) -> dict[str, tuple[str, ...]]:
        return {key: tuple(normalise(word) for word in words) for key, words in data.get(name, {}).items()}

    return Synonyms(fields=section("fields"), glossary=section("glossary"), labels=section("labels"))


def period_in(heading: str) -> str | None:
    """The review period a heading names, as written ("Progress Mar 21" → "Mar 21")."""
    match = _PERIOD.search(heading)
    return " ".join(match.group(1).split()) if match else None


def match_heading(heading: str, table: dict[str, tuple[str, ...]]) -> str | None:
    """The field a heading means: an exact synonym first, then the longest synonym it starts with."""
    text = normalise(heading)
    if not text:
        return None
    for field_name, words in table.items():
        if text in words:
            return field_name
    best: tuple[int, str] | None = None
    for field_name, words in table.items():
        for word in words:
            if len(word) > 2 and text.startswith(word + " ") and (best is None or len(word) > best[0]):
                best = (len(word), field_name)
    return best[1] if best else None


def match_label(text: str, synonyms: Synonyms) -> str | None:
    """'Outcomes:' or 'Impact measures:' written above a table."""
    value = normalise(text)
    for label, words in synonyms.labels.items():
        if value in words:
            return label
    return None
