"""Layout inference: where an action table is and what its columns mean, read from the cells when no heading says so.

Pure: it sees each row as {0-based column: value as the cell shows it} plus the RAG rating a cell's fill gives, and
knows nothing of openpyxl or the database. A column of plan refs (1.1, 1.1.1, A2.3) is the ref; the prose column
next to it is the action; dates or timeframe words are the completion date; RAG words (or RAG fills in empty cells)
are the rating; short codes, above all the glossary's, are the lead; long prose naming review periods (or the long
prose at the table's right-hand end, after the dates, leads and ratings) is progress. The heading row is the row just
above the first ref, whatever its words. Every decision carries its reason, in words for the preview.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from wsoa.domain.timeframes import parse_timeframe
from wsoa.importing.headers import LONGEST_HEADING, period_in
from wsoa.importing.rag import rag_from_word

# "1.1", "1.1.1", "2.3a", "A2.3", "AP1.2", "P1": a plan ref. A bare number ("3") is a weaker sign, used only when no
# column holds structured refs.
STRUCTURED_REF = re.compile(r"^(?:[A-Za-z]{1,4}\s?)?\d+(?:\.\d+)+[a-z]?\.?$|^[A-Za-z]{1,4}\d+(?:\.\d+)*[a-z]?$")
BARE_NUMBER = re.compile(r"^\d{1,3}\.?$")
MIN_REFS = 2
REF_SHARE = 0.5  # of a column's non-empty cells below the heading
KIND_SHARE = 0.6  # of a column's non-empty cells, for dates and ratings
PROSE_LENGTH = 30  # average characters: prose (an action, progress) rather than a code, name or date
SHORT_LENGTH = 40  # average characters: at most a lead's code or name
SHORT_WORDS = 6
HEADING_ROWS_ABOVE = 3  # the heading row is at most this many rows above the first ref
PERIOD_SHARE = 0.25  # of a prose column's cells naming a review period: progress

Cells = Mapping[int, object]  # 0-based column → value as the cell shows it (str, date, number)
Fills = Callable[[int, int], str | None]  # (row index, column) → the rating the cell's fill gives, if any


@dataclass(frozen=True)
class Inferred:
    field: str
    why: str


@dataclass
class InferredTable:
    ref_column: int
    header: int | None  # index of the heading row among the rows given; None: the table has no heading row
    first_ref: int  # index of the first row with a ref
    columns: dict[int, Inferred] = field(default_factory=dict)


def find_table(rows: Sequence[Cells], fills: Fills | None = None, codes: frozenset[str] = frozenset()):
    """The action table among these rows, or None when no column holds refs beside prose."""
    ref_column = _ref_column(rows)
    if ref_column is None:
        return None
    column, strength = ref_column
    first_ref = next(index for index, row in enumerate(rows) if _is_ref(row.get(column), strength))
    header = _header_above(rows, first_ref, column)
    headings = {i: v for i, v in rows[header].items() if isinstance(v, str)} if header is not None else {}
    body = rows[first_ref:]
    columns = infer_columns(body, column, fills=_shifted(fills, first_ref), codes=codes, headings=headings)
    found = {inferred.field for inferred in columns.values()}
    if "title" not in found:
        return None  # refs with no prose beside them: a list of numbers, not an action table
    if strength == "bare" and not found & {"due", "lead", "rag"}:
        return None  # "1 | a title" and nothing more: a numbered list (of priorities, say), not actions
    return InferredTable(column, header, first_ref, columns)


def infer_columns(
    body: Sequence[Cells],
    ref_column: int | None,
    *,
    fills: Fills | None = None,
    codes: frozenset[str] = frozenset(),
    only: set[int] | None = None,
    headings: Mapping[int, str] | None = None,
) -> dict[int, Inferred]:
    """Each column's meaning from its cells. `only` limits the columns judged (the rest are known already)."""
    # Columns under a heading count even when every cell is empty: their fills may be the ratings.
    width = max((max(row, default=-1) for row in [*body, headings or {}]), default=-1) + 1
    stats = {
        index: _Stats.of(body, index, fills, codes)
        for index in range(width)
        if index != ref_column and (only is None or index in only)
    }
    found: dict[int, Inferred] = {}
    if ref_column is not None:
        found[ref_column] = Inferred("ref", "its cells are plan refs (such as 1.1 or 1.1.1)")
    prose = [index for index, stat in sorted(stats.items()) if stat.is_prose()]
    after_ref = [index for index in prose if ref_column is None or index > ref_column]
    if only is None and after_ref:
        title = after_ref[0]
        found[title] = Inferred("title", "the first column of long text after the refs")
        prose.remove(title)
    leads = []
    for index, stat in sorted(stats.items()):
        if index in found or stat.count == 0 and not stat.fill_ratings:
            continue
        if stat.is_rag():
            found[index] = Inferred("rag", stat.rag_reason())
        elif stat.is_due():
            found[index] = Inferred("due", "its cells are dates or timescales (such as Mar 21 or Spring term 2022)")
        elif stat.is_lead(codes):
            leads.append(index)
    if leads:  # the column most of whose cells are the glossary's codes, else the first column of short names
        lead = max(leads, key=lambda index: (stats[index].code_matches / stats[index].count, -index))
        why = "its cells are the glossary's role codes" if stats[lead].code_matches else "its cells are short names"
        found[lead] = Inferred("lead", why)
    dates = sorted(index for index, inferred in found.items() if inferred.field == "due")
    for index in dates[:-1]:  # "Start date | End date": the last column of dates is when the action is due
        found[index] = Inferred("extra", "dates before the completion date's column (a start date, say); kept")
    detail_columns = [index for index, inferred in found.items() if inferred.field in ("due", "lead", "rag")]
    for index in prose:
        heading = (headings or {}).get(index)
        if isinstance(heading, str) and period_in(heading):
            found[index] = Inferred("progress", f"long text under a heading naming {period_in(heading)}")
        elif stats[index].period_share() >= PERIOD_SHARE:
            found[index] = Inferred("progress", "long text naming review periods (such as March 2021)")
        elif detail_columns and index > max(detail_columns):
            found[index] = Inferred("progress", "long text after the dates, leads and ratings")
    return found


# -- the ref column and the heading row -----------------------------------------------------------------------------


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split()) or None


def _is_ref(value, strength: str) -> bool:
    text = _text(value)
    if text is None or isinstance(value, date):
        return False
    return bool(STRUCTURED_REF.match(text) if strength == "structured" else BARE_NUMBER.match(text))


def _ref_column(rows: Sequence[Cells]) -> tuple[int, str] | None:
    """The column most of whose cells are refs: structured refs first, bare numbers when there are none."""
    for strength in ("structured", "bare"):
        best: tuple[int, int] | None = None  # (matches, -column)
        for column in sorted({index for row in rows for index in row}):
            values = [row[column] for row in rows if row.get(column) is not None]
            matches = sum(_is_ref(value, strength) for value in values)
            # The heading row and a title above count against no column: judge the cells from the first ref on.
            first = next((i for i, value in enumerate(values) if _is_ref(value, strength)), None)
            below = values[first:] if first is not None else []
            if matches >= MIN_REFS and matches >= REF_SHARE * len(below):
                if best is None or (matches, -column) > best:
                    best = (matches, -column)
        if best is not None:
            return -best[1], strength
    return None


def _header_above(rows: Sequence[Cells], first_ref: int, ref_column: int) -> int | None:
    """The row just above the first ref that reads like headings: two or more short texts."""
    for index in range(first_ref - 1, max(first_ref - 1 - HEADING_ROWS_ABOVE, -1), -1):
        texts = [value for value in rows[index].values() if value is not None]
        if len(texts) >= 2 and all(isinstance(v, str) and len(v) <= LONGEST_HEADING for v in texts):
            return index
    return None


def _shifted(fills: Fills | None, offset: int) -> Fills | None:
    if fills is None:
        return None
    return lambda row, column: fills(row + offset, column)


# -- what a column's cells are --------------------------------------------------------------------------------------


@dataclass
class _Stats:
    count: int = 0
    total_length: int = 0
    words: int = 0
    dates: int = 0
    rag_words: int = 0
    fill_ratings: int = 0
    code_matches: int = 0
    periods: int = 0
    numbers: int = 0

    @classmethod
    def of(cls, body: Sequence[Cells], column: int, fills: Fills | None, codes: frozenset[str]) -> "_Stats":
        stats = cls()
        for index, row in enumerate(body):
            value = row.get(column)
            if fills is not None and (value is None or isinstance(value, str) and len(value) <= 20):
                stats.fill_ratings += fills(index, column) is not None
            text = _text(value)
            if text is None:
                continue
            stats.count += 1
            stats.total_length += len(text)
            stats.words += len(text.split())
            if isinstance(value, int | float) and not isinstance(value, bool):
                stats.numbers += 1
            if isinstance(value, date) or (len(text) <= SHORT_LENGTH and _is_timescale(text)):
                stats.dates += 1
            if len(text) <= 25 and rag_from_word(text).understood:
                stats.rag_words += 1
            if codes and any(token in codes for token in re.split(r"[\s,/&;]+", text)):
                stats.code_matches += 1
            if len(text) > SHORT_LENGTH and period_in(text):
                stats.periods += 1
        return stats

    @property
    def average_length(self) -> float:
        return self.total_length / self.count if self.count else 0.0

    def is_prose(self) -> bool:
        return self.count > 0 and self.average_length >= PROSE_LENGTH and self.dates < KIND_SHARE * self.count

    def is_rag(self) -> bool:
        if self.count and self.rag_words >= KIND_SHARE * self.count:
            return True
        return self.fill_ratings >= MIN_REFS and self.count <= self.fill_ratings

    def rag_reason(self) -> str:
        if self.count and self.rag_words >= KIND_SHARE * self.count:
            return "its cells are RAG words (such as Red, Amber, Green)"
        return "its cells are coloured red, amber, green or blue"

    def is_due(self) -> bool:
        return self.count > 0 and self.dates >= KIND_SHARE * self.count

    def is_lead(self, codes: frozenset[str]) -> bool:
        if not self.count or self.numbers >= KIND_SHARE * self.count:
            return False
        if codes and self.code_matches >= 0.5 * self.count:
            return True
        return self.average_length <= SHORT_LENGTH and self.words / self.count <= SHORT_WORDS

    def period_share(self) -> float:
        return self.periods / self.count if self.count else 0.0


def _is_timescale(text: str) -> bool:
    timeframe = parse_timeframe(text)
    return bool(timeframe.end or timeframe.ongoing) and not timeframe.problem
