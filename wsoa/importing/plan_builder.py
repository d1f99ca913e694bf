"""The plan as the reader builds it: priorities, outcomes and actions added row by row, each row of an action
table recognised (an action, an outcome or priority heading, a legend, a note, a second table), problems noted
where they were found, and the finished plan checked. wsoa.importing.workbook reads the sheets and tables.
"""

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import cast

from openpyxl.utils import get_column_letter

from wsoa.domain.timeframes import Timeframe, parse_timeframe
from wsoa.importing.cells import (
    FillColours,
    Row,
    hides_the_day,
)
from wsoa.importing.headers import (
    LONGEST_HEADING,
    Synonyms,
    find_header_row,
    normalise,
)
from wsoa.importing.layout import InferredTable, find_table
from wsoa.importing.mapping import NO_SHEET_MAPPING, Mapping
from wsoa.importing.parsed import (
    ParsedAction,
    ParsedOutcome,
    ParsedPlan,
    ParsedPriority,
    ParsedUpdate,
)
from wsoa.importing.problems import Problem
from wsoa.importing.rag import is_rating_word, rag_from_progress, rag_from_word

# What councils call a priority when they number it: "Priority 2", "Area 1", "Area for Improvement 4", "AoW 3"…
PRIORITY_WORDS = (
    r"(?:priority|area(?:\s+(?:of\s+(?:significant\s+)?(?:weakness|concern)|for\s+(?:improvement|priority\s+action)))?"
    r"|aow|asw|afi|workstream|work\s+stream)"
)


INFERENCE_ROWS = 40  # rows under a header whose cells say what unknown columns hold


PRIORITY_BANNER = re.compile(
    rf"^{PRIORITY_WORDS}\s*(?P<number>\d+)\b[\s:.\-–—)]*(?P<title>.*)$", re.IGNORECASE | re.DOTALL
)


_PRIORITY_NUMBER = re.compile(r"^(?:priority\s*)?(?P<number>\d+)(?:\.0)?\b[\s:.\-–—)]*(?P<title>.*)$", re.I | re.S)


NUMERIC_REF = re.compile(r"^\d+(?:\.\d+)*$")


_REF_TOKEN = re.compile(r"^[A-Za-z]{0,4}\d+(?:[.\-]\d+)*[A-Za-z]?$")


REF_AND_TEXT = re.compile(r"^(?:outcome\s*)?(?P<ref>\d+(?:\.\d+)+)[.):]?\s+(?P<text>\S.*)$", re.I | re.S)


_OUTCOME_REF = re.compile(r"^\d+\.\d+$")


_LEGEND_START = re.compile(r"^(?:key|legend|rag key|rag rating key)\b\s*(?:[:\-–—=]|$)", re.IGNORECASE)


_NOTE = re.compile(r"^(?:notes?|nb|n\.b\.|please note)\b\s*[:\-–—]", re.IGNORECASE)


_LEGEND_ENTRY = re.compile(r"^(?P<word>[^=\n]{1,25}?)\s*=\s*\S")


# Fields whose presence makes a row more than a heading (an outcome or section row has none of them).
DETAIL_FIELDS = ("due", "lead", "partners", "resources", "success_criteria")


TABLE_LIKE_CELLS = 3  # rows with this many cells look like a table, worth a warning if no header is found


@dataclass
class PeriodColumns:
    period: str | None
    progress: int | None
    rag: int | None


@dataclass
class Columns:
    fields: dict[str, int]  # field → its first column
    periods: list[PeriodColumns]  # oldest first; None-period last
    headings: dict[int, str]  # every column with a heading
    extra: dict[int, str]  # unmapped columns (and second columns of a field) → the name their cells are kept under
    ignored: set[int] = field(default_factory=set)  # columns the mapping says to leave out

    def letter(self, field_name: str) -> str | None:
        column = self.fields.get(field_name)
        return get_column_letter(column + 1) if column is not None else None

    def known(self) -> set[int]:
        return set(self.headings)

    def kept_columns(self) -> list[tuple[int, str]]:
        """(column, heading) for columns read into `extra`: unmapped headings and gaps between headings."""
        width = max(self.headings, default=-1) + 1
        return [
            (column, self.extra.get(column) or f"Column {get_column_letter(column + 1)}")
            for column in range(width)
            if (column in self.extra or column not in self.headings) and column not in self.ignored
        ]


class Rows:
    """A sheet's rows, streamed, with a look ahead that gives the rows back afterwards."""

    def __init__(self, rows: Iterable[Row]):
        self.rows = iter(rows)
        self.ahead: deque[Row] = deque()

    def __iter__(self) -> "Rows":
        return self

    def __next__(self) -> Row:
        return self.ahead.popleft() if self.ahead else next(self.rows)

    def peek(self, count: int) -> list[Row]:
        self.ahead.extend(islice(self.rows, max(count - len(self.ahead), 0)))
        return list(islice(self.ahead, count))


@dataclass
class TableContext:
    """What rows between actions have said so far: the current priority, outcome and section."""

    priority: int | None
    outcome: str | None = None
    section: str | None = None
    carried_priority: int | None = None
    in_legend: bool = False


@dataclass
class Table:
    """One action table being read: where it is, how its columns map, and what the rows so far have said."""

    sheet: str
    columns: Columns
    kept_columns: list[tuple[int, str]]  # columns whose cells go to `extra`, up to the last heading
    width: int  # cells beyond the last heading go to `extra` as "Column X"
    context: TableContext
    rows: "Rows | None" = None  # the sheet's rows still to come, to look ahead at
    next_table: InferredTable | None = None  # a table with unknown headings found starting at the row just read


def _split_ref(raw: str | None) -> tuple[str | None, str | None]:
    """('1.1.1', None) for a ref; ('2.2', 'Co-Production') for '2.2 Co-Production'; (None, None) for other text."""
    if not raw:
        return None, None
    text = raw.rstrip(".").strip()
    if _REF_TOKEN.match(text):
        return text, None
    if match := REF_AND_TEXT.match(raw):
        return match.group("ref"), match.group("text").strip()
    return None, None


def _is_legend_entry(text: str) -> bool:
    """'Red = off track': a rating word explained."""
    match = _LEGEND_ENTRY.match(text)
    return match is not None and is_rating_word(match.group("word"))


def quote(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def cells_of(row: Row) -> dict[int, object]:
    """A row as the layout inference reads it: each non-empty cell as the cell shows it (dates stay dates)."""
    cells: dict[int, object] = {}
    for column, value in row.texts():
        cells[column] = value if isinstance(value, str | date) else row.text(column)
    return cells


def fills_of(rows: list[Row], fills: FillColours):
    return lambda index, column: fills.rating(rows[index].fill(column)) if index < len(rows) else None


def period_sort_key(period: str | None) -> tuple[int, date]:
    """The column naming no period first ("Current position"), so the latest dated period's progress stays the
    latest; then dated periods oldest first, then periods whose dates cannot be read."""
    if period is None:
        return -1, date.min
    end = parse_timeframe(period).end
    return (0, end) if end else (1, date.max)


class PlanBuilder:
    """The plan being read, and everything that adds to it from a table's rows."""

    def __init__(self, synonyms: Synonyms, fills: FillColours, mapping: Mapping):
        self.synonyms = synonyms
        self.fills = fills
        self.mapping = mapping
        self.sheet_mapping = NO_SHEET_MAPPING  # the mapping's entries for the sheet being read
        self.listed_priorities: list[tuple[int, str, str, int]] = []  # (number, title, sheet, row) from a list
        self.plan = ParsedPlan()
        self.priorities: dict[int, ParsedPriority] = {}
        self.priority_by_title: dict[str, int] = {}
        self.outcomes: dict[str, ParsedOutcome] = {}
        self.outcome_by_text: dict[tuple[int, str], str] = {}  # (priority, statement) → ref
        self.first_row_of_ref: dict[str, tuple[str, int]] = {}
        self.ref_columns: dict[int, str | None] = {}  # id(action) → ref column letter, for problems found later
        self.period_labels: dict[tuple[date | None, date | None], str] = {}
        self.timeframes: dict[tuple[type, object], Timeframe] = {}
        self.sheet_order: dict[str, int] = {}

    def _role_codes(self) -> frozenset[str]:
        return frozenset(role.code for role in self.plan.roles if role.code)

    def _add_priority(self, number: int, title: str | None, sheet: str, row: int | None, **details) -> None:
        existing = self.priorities.get(number)
        if existing is None:
            self.priorities[number] = ParsedPriority(number, title, sheet, row, **details)
        else:
            if existing.title is None and title:
                existing.title = title
            for name, value in details.items():
                if getattr(existing, name) is None and value:
                    setattr(existing, name, value)
        if title:
            self.priority_by_title.setdefault(title.casefold(), number)

    def _add_outcome(self, ref: str, priority: int, text: str, sheet: str, row: int | None, printed_ref=None) -> None:
        if ref not in self.outcomes:
            self.outcomes[ref] = ParsedOutcome(ref, priority, text, sheet, row, printed_ref)
            self.outcome_by_text.setdefault((priority, text), ref)
            self.plan.outcomes.append(self.outcomes[ref])

    def _read_table_row(self, table: Table, row: Row) -> str | None:
        """Read one row under the header: an action, or a row that sets the context for the actions below it.

        Returns "header" or "glossary" when the row starts a new table, else None.
        """
        raw_ref = row.text(table.columns.fields.get("ref"))
        ref, ref_text = _split_ref(raw_ref)
        if ref is None:
            return self._read_row_without_ref(table, row, raw_ref)
        table.context.in_legend = False
        columns = table.columns
        title_cell = row.text(columns.fields["title"])
        title = title_cell or ref_text
        if _OUTCOME_REF.match(ref) and not self._has_details(table, row, with_progress=True):
            self._read_outcome_row(table, row, ref, title)
        elif not title:
            self._error(
                table.sheet,
                row.number,
                columns.letter("title"),
                f"Action ref {ref} has no action text, so the row was not imported.",
            )
        else:
            kept = {columns.headings[columns.fields["ref"]]: cast(str, raw_ref)} if ref_text and title_cell else {}
            self._add_action(table, row, ref, title, kept)
        return None

    def _read_row_without_ref(self, table: Table, row: Row, raw_ref: str | None) -> str | None:
        """A legend, a repeated or new header, a priority banner, a section heading, or an action lacking its ref."""
        columns, context = table.columns, table.context
        texts = [(column, text) for column, _ in row.texts() if (text := row.text(column))]
        if self._is_legend([text for _, text in texts], context.in_legend):
            context.in_legend = True
            return None
        context.in_legend = False
        if _NOTE.match(texts[0][1]):
            where = get_column_letter(texts[0][0] + 1)
            self._warn(table.sheet, row.number, where, f"Note not imported as an action: '{quote(texts[0][1])}'.")
            return None
        if self._is_header(row):
            return "header"
        if len(texts) >= TABLE_LIKE_CELLS and (found := self._unknown_table_starts(table, row)):
            table.next_table = found
            return "header"
        has_details = self._has_details(table, row)
        if len(texts) <= 2 and not has_details and (banner := PRIORITY_BANNER.match(texts[0][1])):
            self._read_priority_row(table, row, banner)
            return None
        if len(texts) == 1 and not has_details and texts[0][0] <= columns.fields["title"]:
            context.section = texts[0][1]  # "Co-Production" alone: a section heading
            return None
        title = row.text(columns.fields["title"])
        if title:
            message = f"'{quote(raw_ref)}' is not an action ref" if raw_ref else "Action has no ref"
            self._warn(table.sheet, row.number, columns.letter("ref"), f"{message}; imported without a ref.")
            kept = {columns.headings[columns.fields["ref"]]: raw_ref} if raw_ref else {}
            self._add_action(table, row, "", title, kept)
            return None
        if len(texts) >= 2 and self._is_glossary_header(row):
            return "glossary"
        context_columns = {columns.fields.get(name) for name in ("priority", "outcome", "section")}
        shown = next((text for column, text in texts if column not in context_columns), texts[0][1])
        self._warn(
            table.sheet,
            row.number,
            columns.letter("title"),
            f"Row has text but no ref or action ('{quote(shown)}'), so it was not imported.",
        )
        return None

    def _unknown_table_starts(self, table: Table, row: Row) -> InferredTable | None:
        """A row of short words (no date, rating or role code among them, so not an action missing its ref) just
        above rows of refs and actions: the heading row of a further table whose headings are not known."""
        if table.rows is None:
            return None
        codes = self._role_codes()
        for _, value in row.texts():
            if not isinstance(value, str) or len(value) > 60 or value in codes or rag_from_word(value).rating:
                return None
            if self._timeframe(value).end is not None:
                return None
        rows = [row, *table.rows.peek(INFERENCE_ROWS)]
        found = find_table([cells_of(each) for each in rows], fills_of(rows, self.fills), codes)
        return found if found is not None and found.header == 0 else None

    @staticmethod
    def _has_details(table: Table, row: Row, *, with_progress: bool = False) -> bool:
        """Whether the row says more than a heading would: a date, a lead, partners… (or progress)."""
        fields = table.columns.fields
        if any(row.value(fields.get(name)) is not None for name in DETAIL_FIELDS):
            return True
        return with_progress and any(
            row.value(p.progress) is not None or row.value(p.rag) is not None for p in table.columns.periods
        )

    def _read_priority_row(self, table: Table, row: Row, banner: re.Match) -> None:
        """ "Priority 2: Health services" between actions: the actions below belong to Priority 2."""
        number = int(banner.group("number"))
        table.context.priority, table.context.outcome, table.context.section = number, None, None
        self._add_priority(number, banner.group("title").strip() or None, table.sheet, row.number)

    def _read_outcome_row(self, table: Table, row: Row, ref: str, text: str | None) -> None:
        """ "1.1" | "Governance structure": actions below belong to outcome 1.1, under that section heading."""
        context = table.context
        context.outcome, context.section = ref, text
        if text and ref not in self.outcomes:
            self._add_outcome(ref, context.priority or int(ref.split(".")[0]), text, table.sheet, row.number)

    def _add_action(self, table: Table, row: Row, ref: str, title: str, kept: dict[str, str]) -> None:
        columns = table.columns
        priority = self._action_priority(table, row, ref)
        outcome = self._action_outcome(table, row, ref, priority, kept)
        self._check_duplicate(table, row, ref)
        due_column = columns.fields.get("due")
        due_value = row.value(due_column)
        if isinstance(due_value, date) and hides_the_day(row.number_format(due_column)):
            # A date shown as "Mar-21" means March as the sheet's reader sees it, as the typed text "Mar 21" does.
            due_value = row.text(due_column)
        due = self._timeframe(due_value)
        if due.problem:
            self._warn(table.sheet, row.number, columns.letter("due"), f"Completion date: {due.problem}")
        updates = self._updates(table, row, kept)
        action = ParsedAction(
            ref=ref,
            priority=priority,
            outcome=outcome,
            section=row.text(columns.fields.get("section")) or table.context.section,
            title=title,
            due_text=row.text(due_column),
            due=due,
            lead=row.text(columns.fields.get("lead")),
            partners=row.text(columns.fields.get("partners")),
            resources=row.text(columns.fields.get("resources")),
            success_criteria=row.text(columns.fields.get("success_criteria")),
            updates=updates,
            sheet=table.sheet,
            row=row.number,
            extra=self._extra_cells(table, row) | kept,
        )
        self.ref_columns[id(action)] = columns.letter("ref")
        self.plan.actions.append(action)

    def _action_priority(self, table: Table, row: Row, ref: str) -> int:
        """The row's priority cell, else the sheet's priority, else the ref's first number, else the cell above's."""
        context = table.context
        cell = row.text(table.columns.fields.get("priority"))
        if cell:
            context.carried_priority = self._priority_from_cell(cell, table.sheet, row.number)
            return context.carried_priority
        if context.priority is not None:
            return context.priority
        if NUMERIC_REF.match(ref) and "." in ref:
            number = int(ref.split(".")[0])
            self._add_priority(number, None, table.sheet, None)
            return number
        if context.carried_priority is not None:
            return context.carried_priority  # a priority written once above the group of rows it covers
        context.priority = self._sheet_as_priority(table.sheet, row)
        return context.priority

    def _priority_from_cell(self, cell: str, sheet: str, row_number: int) -> int:
        """'2', 'Priority 2: Health services' or the priority's title alone."""
        if match := _PRIORITY_NUMBER.match(cell):
            number = int(match.group("number"))
            self._add_priority(number, match.group("title").strip() or None, sheet, None)
            return number
        if (titled := self.priority_by_title.get(cell.casefold())) is not None:
            return titled
        number = max(self.priorities, default=0) + 1
        self._add_priority(number, cell, sheet, row_number)
        return number

    def _sheet_as_priority(self, sheet: str, row: Row) -> int:
        number = max(self.priorities, default=0) + 1
        self._add_priority(number, sheet, sheet, None)
        self._warn(
            sheet,
            row.number,
            None,
            f"Sheet '{sheet}' has no priority column, banner or numbered refs; its actions are read as "
            f"Priority {number} ('{sheet}').",
        )
        return number

    def _action_outcome(self, table: Table, row: Row, ref: str, priority: int, kept: dict) -> str | None:
        """The outcome column's ref or statement, else the ref's first two numbers, else the outcome row above."""
        from_ref = ".".join(ref.split(".")[:2]) if NUMERIC_REF.match(ref) and ref.count(".") >= 2 else None
        column = table.columns.fields.get("outcome")
        cell = row.text(column)
        if not cell:
            return from_ref or table.context.outcome
        if ref_and_text := REF_AND_TEXT.match(cell):
            outcome = ref_and_text.group("ref")
            self._add_outcome(outcome, priority, ref_and_text.group("text").strip(), table.sheet, row.number)
            return outcome
        if _OUTCOME_REF.match(cell):
            return cell
        if named := self.outcome_by_text.get((priority, cell)):
            return named
        if from_ref and from_ref not in self.outcomes:
            self._add_outcome(from_ref, priority, cell, table.sheet, row.number)
            return from_ref
        kept[table.columns.headings[cast(int, column)]] = cell  # an outcome statement naming no outcome the plan has
        return from_ref or table.context.outcome

    def _check_duplicate(self, table: Table, row: Row, ref: str) -> None:
        if not ref:
            return
        first = self.first_row_of_ref.setdefault(ref, (table.sheet, row.number))
        if first == (table.sheet, row.number):
            return
        first_sheet, first_row = first
        where = f"rows {first_row} and {row.number}" if first_sheet == table.sheet else f"{first_sheet} row {first_row}"
        merged = table.columns.fields.get("ref") in row.merged
        reason = "a merged ref cell spans both rows; " if merged else ""
        self._warn(
            table.sheet,
            row.number,
            table.columns.letter("ref"),
            f"Duplicate action ref {ref} ({where}): {reason}both actions are kept.",
        )

    def _extra_cells(self, table: Table, row: Row) -> dict[str, str]:
        """Cells under unmapped headings (or under none) that would otherwise be lost, keyed by heading."""
        values = row.values
        beyond = [(column, f"Column {get_column_letter(column + 1)}") for column in range(table.width, len(values))]
        extra: dict[str, str] = {}
        for column, heading in table.kept_columns + beyond:
            if column < len(values) and values[column] is not None and (text := row.text(column)):
                extra[heading] = f"{extra[heading]}\n{text}" if heading in extra else text
        return extra

    def _updates(self, table: Table, row: Row, kept: dict[str, str]) -> list[ParsedUpdate]:
        updates = []
        for period_columns in table.columns.periods:
            progress = row.text(period_columns.progress)
            rating = self._rating(table, row, period_columns, progress, kept)
            if progress is not None or rating is not None:
                updates.append(ParsedUpdate(period_columns.period, rating, progress))
        return updates

    def _rating(self, table: Table, row: Row, columns: PeriodColumns, progress: str | None, kept) -> str | None:
        """The RAG column's word, else its fill; else a rating that starts the progress text, else that cell's fill."""
        if columns.rag is not None:
            if word := row.text(columns.rag):
                reading = rag_from_word(word)
                if not reading.understood:
                    self._warn(
                        table.sheet,
                        row.number,
                        get_column_letter(columns.rag + 1),
                        f"Unknown RAG word '{quote(word)}': the rating was left blank and the word kept.",
                    )
                    # Not keyed by the heading itself: a kept "RAG" column would be read (and exported) as ratings.
                    kept[f"Unread rating ({table.columns.headings[columns.rag]})"] = word
                return reading.rating
            if rating := self.fills.rating(row.fill(columns.rag)):
                return rating
        if rating := rag_from_progress(progress):
            return rating
        return self.fills.rating(row.fill(columns.progress))

    def _timeframe(self, value) -> Timeframe:
        # Plans repeat a few dozen completion dates across thousands of rows; a Timeframe is immutable.
        key = (type(value), value)
        timeframe = self.timeframes.get(key)
        if timeframe is None:
            timeframe = self.timeframes[key] = parse_timeframe(value)
        return timeframe

    def _is_legend(self, texts: list[str], in_legend: bool = False) -> bool:
        """'Key: Red = off track …', or the rows of such a key, or a row of nothing but rating words."""
        if not texts:
            return False
        if _LEGEND_START.match(texts[0]):
            return True
        if all(_is_legend_entry(text) for text in texts):
            return True
        if len(texts) >= 2 and all(is_rating_word(text) for text in texts):
            return True
        return in_legend and len(texts) <= 3 and rag_from_word(texts[0]).understood

    def _is_header(self, row: Row) -> bool:
        exact = self.synonyms.fields.exact
        # Most rows without a ref are sections or notes; a cheap look for two exact headings rules them out.
        short = [text for _, text in row.texts() if isinstance(text, str) and len(text) <= LONGEST_HEADING]
        if sum(normalise(text) in exact for text in short) < 2:
            return False
        return find_header_row([row.texts()], self.synonyms.fields, required={"title"}, minimum=3) is not None

    def _is_glossary_header(self, row: Row) -> bool:
        return find_header_row([row.texts()], self.synonyms.glossary, required={"code"}, minimum=2) is not None

    def _warn(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.plan.problems.append(Problem("warning", sheet, row, column, message))

    def _error(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.plan.problems.append(Problem("error", sheet, row, column, message))

    def finish(self) -> ParsedPlan:
        plan = self.plan
        # A priorities list names the priorities; a priority's own sheet, where it names it too, has the last word.
        for number, title, sheet, row in self.listed_priorities:
            self._add_priority(number, title, sheet, row)
        plan.priorities = sorted(self.priorities.values(), key=lambda p: p.number)
        plan.review_periods = sorted(
            {u.period for a in plan.actions for u in a.updates if u.period} | set(self.period_labels.values()),
            key=period_sort_key,
        )
        self._check_outcomes()
        plan.problems.sort(key=lambda p: (self.sheet_order.get(p.sheet, 0), p.row or 0))
        return plan

    def _check_outcomes(self) -> None:
        if not self.outcomes:
            self._derive_outcomes()
        if not self.outcomes:
            for action in self.plan.actions:
                action.outcome = None  # the workbook has no outcome level
            return
        for action in self.plan.actions:
            outcome = self.outcomes.get(action.outcome) if action.outcome else None
            if action.outcome and outcome is None:
                message = f"Action {action.ref} belongs to outcome {action.outcome}, which the workbook does not define"
            elif outcome is not None and outcome.priority != action.priority:
                message = (
                    f"Action {action.ref} is in Priority {action.priority} "
                    f"but outcome {outcome.ref} is in Priority {outcome.priority}"
                )
            else:
                continue
            self._warn(
                action.sheet, action.row, self.ref_columns.get(id(action)), f"{message}; imported without an outcome."
            )
            action.outcome = None

    def _derive_outcomes(self) -> None:
        """With no outcome rows anywhere, refs three levels deep imply them: 1.2.3 belongs to outcome 1.2."""
        derived = [action for action in self.plan.actions if action.outcome and NUMERIC_REF.match(action.ref)]
        if not derived:
            return
        for action in derived:
            outcome = cast(str, action.outcome)  # each derived action has one
            if outcome.split(".")[0] != str(action.priority):
                continue  # the ref's first number is not the action's priority: no outcome can be inferred
            if outcome not in self.outcomes:
                self._add_outcome(outcome, action.priority, f"Outcome {outcome}", action.sheet, None)
        if self.outcomes:
            refs = sorted(self.outcomes, key=lambda ref: tuple(int(part) for part in ref.split(".")))
            self.plan.notes.append(
                f"The workbook has no outcome rows: {len(refs)} outcomes ({refs[0]} to {refs[-1]}) were worked out "
                "from the actions' refs (action 1.2.3 belongs to outcome 1.2 of priority 1), each named "
                "'Outcome' and its ref until you give it a statement."
            )
