"""What no database here can store whole, found in a parsed plan before anything is written.

Text of any length is stored whole; what cannot be is a ref, role code or review period longer than KEY_TEXT_LIMIT
(they are indexed), a priority number past the integer range, and characters no database stores.
"""

import re
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from typing import Any

from wsoa.models.types import KEY_TEXT_LIMIT

LARGEST_NUMBER = 2**31 - 1  # an integer column holds no more on PostgreSQL
# A NUL (which an OOXML cell can spell _x0000_) or half a surrogate pair: text no database here can store.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_text(parsed: Any, file_name: str) -> Iterator[str]:
    """Where the parsed plan holds text the database cannot hold whole, a line for each place, in words."""
    # A quick look at every stored string at once (a 5,000-action plan in a hundredth of a second); only a hit walks
    # every field to say where. A field the quick list misses still cannot be half-written: the database refuses it.
    if not _storable("\n".join(filter(None, _stored_text(parsed)))):
        for where, text in _texts(parsed, "the workbook"):
            if match := _UNSTORABLE.search(text):
                yield f"{where}: the text holds a character that cannot be stored (U+{ord(match.group()):04X})"
    if match := _UNSTORABLE.search(file_name):
        yield f"The file name holds a character that cannot be stored (U+{ord(match.group()):04X})"
    keys = (
        *((a, "action ref", a.ref) for a in parsed.actions),
        *((o, "outcome ref", o.ref) for o in parsed.outcomes),
        *((r, "role code", r.code) for r in parsed.roles),
        *((None, "review period name", label) for label in parsed.review_periods),
    )
    for item, what, key in keys:
        if key and len(key) > KEY_TEXT_LIMIT:
            where = _at(item) if item else "A review period heading"
            yield f"{where}: the {what} is {len(key):,} characters long, and can be at most {KEY_TEXT_LIMIT:,}"
    numbers = (
        *((item, item.priority) for item in (*parsed.actions, *parsed.outcomes, *parsed.kpis)),
        *((p, p.number) for p in parsed.priorities),
    )
    for item, number in numbers:
        if not 0 <= number <= LARGEST_NUMBER:
            yield f"{_at(item)}: priority {number} is too large a number to be a priority"


def _storable(text: str) -> bool:
    """What _UNSTORABLE finds, found faster: no NUL, and no half surrogate pair (which UTF-8 cannot encode)."""
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _stored_text(parsed) -> Iterator[str | None]:
    yield parsed.title
    yield from parsed.review_periods
    for priority in parsed.priorities:
        yield from (priority.sheet, priority.title, priority.lead, priority.subtitle)
    for outcome in parsed.outcomes:
        yield from (outcome.sheet, outcome.ref, outcome.text, outcome.printed_ref)
    for action in parsed.actions:
        yield from (action.sheet, action.ref, action.outcome, action.section, action.title, action.due_text)
        yield from (action.lead, action.partners, action.resources, action.success_criteria)
        yield from (action.due.note, action.due.problem, action.due.recurring)
        yield from action.extra
        yield from action.extra.values()
        for update in action.updates:
            yield from (update.period, update.rag, update.progress)
    for kpi in parsed.kpis:
        yield from (kpi.sheet, kpi.text)
    for role in parsed.roles:
        yield from (role.sheet, role.code, role.title, role.organisation, role.person)
    for problem in parsed.problems:
        yield from (problem.sheet, problem.column, problem.message)


def _at(item) -> str:
    return f"{item.sheet} row {item.row}" if item.row else f"Sheet {item.sheet}"


# Read by the preview only, never stored.
_NOT_STORED = frozenset({"column_mappings", "hidden_columns", "sheets", "columns", "notes"})


def _texts(value, where: str) -> Iterator[tuple[str, str]]:
    """Every string in the parsed plan, with the sheet and row it came from as far as it is known."""
    if value.__class__ is str:
        yield where, value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key, where)
            yield from _texts(item, where)
    elif is_dataclass(value):
        if isinstance(getattr(value, "sheet", None), str) and hasattr(value, "row"):
            where = _at(value)
        for item in fields(value):
            if item.name not in _NOT_STORED:
                yield from _texts(getattr(value, item.name), where)
