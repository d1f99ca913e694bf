"""The plan reader: a council's action-plan workbook, whatever its layout, into a ParsedPlan with located problems.

Handles one sheet per priority (banner, outcomes and impact measures above the table) and one flat sheet with
priority and outcome columns; outcome, section and priority rows between actions; merged cells; legend rows; cover
sheets; a key-roles glossary; progress and RAG columns for several review periods; RAG as words or as fill colour.

The file is checked first (`safety`), then streamed row by row with openpyxl's read-only reader (`cells`), which
gives values and fills in one pass; only the parsed plan is kept.
"""

import re
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO, cast

from openpyxl import load_workbook
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils import get_column_letter

from wsoa.bulk import fewer_garbage_collections
from wsoa.domain.timeframes import Timeframe, parse_timeframe
from wsoa.importing.cells import (
    FillColours,
    Row,
    SheetLayout,
    display_date,
    display_text,
    hides_the_day,
    rows_of,
    sheet_layout,
)
from wsoa.importing.headers import (
    HEADER_SEARCH_ROWS,
    LONGEST_HEADING,
    HeaderRow,
    HeadingTable,
    Synonyms,
    find_header_row,
    load_synonyms,
    match_heading,
    match_label,
    normalise,
    period_in,
)
from wsoa.importing.layout import Inferred, InferredTable, find_table, infer_columns
from wsoa.importing.mapping import FIELDS, NO_SHEET_MAPPING, Mapping
from wsoa.importing.parsed import (
    ColumnRead,
    ParsedAction,
    ParsedKpi,
    ParsedOutcome,
    ParsedPlan,
    ParsedPriority,
    ParsedRole,
    ParsedUpdate,
    SheetReport,
)
from wsoa.importing.problems import Problem, WorkbookUnreadable
from wsoa.importing.rag import is_rating_word, rag_from_progress, rag_from_word, theme_colours
from wsoa.importing.safety import checked_archive, content_of

__all__ = ["display_date", "display_text", "hides_the_day", "read_workbook"]

# What councils call a priority when they number it: "Priority 2", "Area 1", "Area for Improvement 4", "AoW 3"…
_PRIORITY_WORDS = (
    r"(?:priority|area(?:\s+(?:of\s+(?:significant\s+)?(?:weakness|concern)|for\s+(?:improvement|priority\s+action)))?"
    r"|aow|asw|afi|workstream|work\s+stream)"
)
# A sheet holding one priority's actions: "Priority 2", "Area 1", "AoW 3", "Workstream 4", "Area of weakness 5".
_SHEET_PRIORITY = re.compile(rf"\b{_PRIORITY_WORDS}\s*(\d+)\b", re.IGNORECASE)
# A row of a priorities list: "1" | "The quality of EHC plans", "Priority 2" | "...", "AoW 3: ..." | "...".
_LISTED_PRIORITY = re.compile(
    rf"^{_PRIORITY_WORDS}?\s*(?P<number>\d{{1,3}})(?:\.0)?[\s:.)\-–—]*(?P<title>.*)$", re.IGNORECASE | re.DOTALL
)
LISTED_TITLE_LENGTH = 15  # a listed priority's title is a phrase, not a code or a date
INFERENCE_ROWS = 40  # rows under a header whose cells say what unknown columns hold
_PRIORITY_BANNER = re.compile(
    rf"^{_PRIORITY_WORDS}\s*(?P<number>\d+)\b[\s:.\-–—)]*(?P<title>.*)$", re.IGNORECASE | re.DOTALL
)
_PRIORITY_NUMBER = re.compile(r"^(?:priority\s*)?(?P<number>\d+)(?:\.0)?\b[\s:.\-–—)]*(?P<title>.*)$", re.I | re.S)
_NUMERIC_REF = re.compile(r"^\d+(?:\.\d+)*$")
_REF_TOKEN = re.compile(r"^[A-Za-z]{0,4}\d+(?:[.\-]\d+)*[A-Za-z]?$")
_REF_AND_TEXT = re.compile(r"^(?:outcome\s*)?(?P<ref>\d+(?:\.\d+)+)[.):]?\s+(?P<text>\S.*)$", re.I | re.S)
_OUTCOME_REF = re.compile(r"^\d+\.\d+$")
_LEGEND_START = re.compile(r"^(?:key|legend|rag key|rag rating key)\b\s*(?:[:\-–—=]|$)", re.IGNORECASE)
_NOTE = re.compile(r"^(?:notes?|nb|n\.b\.|please note)\b\s*[:\-–—]", re.IGNORECASE)
_LEGEND_ENTRY = re.compile(r"^(?P<word>[^=\n]{1,25}?)\s*=\s*\S")
_LEAD_LINE = re.compile(
    r"^(?:priority\s+)?(?:leads?|lead officers?|accountable (?:lead|officer)|senior responsible officer|sro)"
    r"\s*(?:[:\-–—]\s*(?P<lead>\S.*))?$",
    re.IGNORECASE | re.DOTALL,
)

# Fields whose presence makes a row more than a heading (an outcome or section row has none of them).
DETAIL_FIELDS = ("due", "lead", "partners", "resources", "success_criteria")
TABLE_LIKE_CELLS = 3  # rows with this many cells look like a table, worth a warning if no header is found


# -- the public entry point ------------------------------------------------------------------------------------------


def read_workbook(
    source: str | Path | bytes | BinaryIO, *, max_bytes: int = 20 * 1024 * 1024, mapping: Mapping | None = None
) -> ParsedPlan:
    """Read an .xlsx plan; raise WorkbookUnreadable (one line) when the file is not a readable workbook.

    `mapping` gives columns' meanings as the officer chose them: they win over headings and over what the cells say.
    """
    content = content_of(source, max_bytes)
    # openpyxl warns about features it drops (data validation extensions, unknown parts); they do not change values.
    with fewer_garbage_collections(), checked_archive(content) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
        except Exception as error:
            raise WorkbookUnreadable(f"it could not be opened as an Excel workbook ({_describe(error)})") from None
        try:
            palette = getattr(workbook, "_colors", None) or COLOR_INDEX
            fills = FillColours(theme_colours(workbook.loaded_theme), palette)
            reader = _PlanReader(load_synonyms(), fills, mapping or Mapping())
            for sheet in workbook.worksheets:
                layout = sheet_layout(archive, getattr(sheet, "_worksheet_path", None))
                reader.read_sheet(sheet.title, rows_of(sheet, layout.merges), layout)
            return reader.finish()
        except WorkbookUnreadable:
            raise
        except Exception as error:
            raise WorkbookUnreadable(f"its contents could not be read ({_describe(error)})") from None
        finally:
            workbook.close()


def _describe(error: Exception) -> str:
    detail = " ".join(str(error).split())[:80]
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


# -- one action table's columns --------------------------------------------------------------------------------------


@dataclass
class _PeriodColumns:
    period: str | None
    progress: int | None
    rag: int | None


@dataclass
class _Columns:
    fields: dict[str, int]  # field → its first column
    periods: list[_PeriodColumns]  # oldest first; None-period last
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


class _Rows:
    """A sheet's rows, streamed, with a look ahead that gives the rows back afterwards."""

    def __init__(self, rows: Iterable[Row]):
        self.rows = iter(rows)
        self.ahead: deque[Row] = deque()

    def __iter__(self) -> "_Rows":
        return self

    def __next__(self) -> Row:
        return self.ahead.popleft() if self.ahead else next(self.rows)

    def peek(self, count: int) -> list[Row]:
        self.ahead.extend(islice(self.rows, max(count - len(self.ahead), 0)))
        return list(islice(self.ahead, count))


# -- the reader ------------------------------------------------------------------------------------------------------


@dataclass
class _TableContext:
    """What rows between actions have said so far: the current priority, outcome and section."""

    priority: int | None
    outcome: str | None = None
    section: str | None = None
    carried_priority: int | None = None
    in_legend: bool = False


@dataclass
class _Table:
    """One action table being read: where it is, how its columns map, and what the rows so far have said."""

    sheet: str
    columns: _Columns
    kept_columns: list[tuple[int, str]]  # columns whose cells go to `extra`, up to the last heading
    width: int  # cells beyond the last heading go to `extra` as "Column X"
    context: _TableContext
    rows: "_Rows | None" = None  # the sheet's rows still to come, to look ahead at
    next_table: InferredTable | None = None  # a table with unknown headings found starting at the row just read


class _PlanReader:
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

    # -- sheets ---------------------------------------------------------------------------------------------------

    def read_sheet(self, name: str, rows: Iterator[Row], layout: SheetLayout) -> None:
        """Read one sheet: a glossary, an action table (with what is written above it), a priorities list or a cover
        sheet; say what it was read as, or why it was not."""
        self.sheet_order[name] = len(self.sheet_order)
        self.sheet_mapping = self.mapping.for_sheet(name)
        head = list(islice(rows, HEADER_SEARCH_ROWS))  # the header is among the first rows; the rest streams
        cells = [row.texts() for row in head]
        table = find_header_row(cells, self._field_synonyms(), required={"title"}, minimum=3)
        above_table = cells if table is None else cells[: table.index + 1]  # a glossary below is met mid-table
        glossary = find_header_row(above_table, self.synonyms.glossary, required={"code"}, minimum=2)
        inferred = None
        if table is None and glossary is None:
            inferred = find_table([_cells_of(row) for row in head], _fills_of(head, self.fills), self._role_codes())
        actions, roles, kpis = len(self.plan.actions), len(self.plan.roles), len(self.plan.kpis)
        if glossary is not None and (table is None or _matched(glossary) > _matched(table)):
            banners = {(m.first_row, m.first_column) for m in layout.merges if m.last_column > m.first_column}
            rest = chain(head[glossary.index + 1 :], rows)
            self._read_glossary(name, head[glossary.index], rest, glossary.fields, banners)
            self._report(name, "key-roles glossary", f"{len(self.plan.roles) - roles} key roles")
        elif table is not None or inferred is not None:
            if table is not None:
                at, header, contents = table.index, head[table.index], None
            elif inferred is not None and inferred.header is not None:
                at, header, contents = inferred.header, head[inferred.header], inferred
            elif inferred is not None:  # refs from the first row: a table with no heading row
                at, header, contents = inferred.first_ref, Row(head[inferred.first_ref].number - 1, [], ()), inferred
            priority = self._read_above_table(name, head[:at])
            body = chain(head[at + 1 if contents is None or contents.header is not None else at :], rows)
            self._read_table(name, header, body, layout, priority, contents)
            found = (len(self.plan.actions) - actions, len(self.plan.roles) - roles, len(self.plan.kpis) - kpis)
            self._report_table(name, *found)
        elif listed := _priorities_listed(head):
            self.listed_priorities.extend((number, title, name, at) for number, title, at in listed)
            first_texts = head[0].texts()
            if len(self.sheet_order) == 1 and self.plan.title is None and head[0].number < listed[0][2]:
                self.plan.title = head[0].text(first_texts[0][0])  # a cover sheet that also lists the priorities
            self._report(name, "priorities list", f"{len(listed)} priorities (number and title)")
        elif sum(len(row_cells) >= TABLE_LIKE_CELLS for row_cells in cells) >= TABLE_LIKE_CELLS:
            self._warn(
                name,
                None,
                None,
                f"Sheet '{name}' looks like a table but was not read: no row names an action column with two "
                "more (such as 'Ref', 'Completion date', 'Lead'), and no column holds plan refs (such as 1.1 or "
                "1.1.1) beside action text. Choose what its columns mean in the column mapping to read it.",
            )
            self._offer_columns(name, head, cells)
            self._report(name, None, "no action table found: no known headings, and no column of refs beside text")
        elif len(self.sheet_order) == 1 and self.plan.title is None and head:
            self.plan.title = head[0].text(head[0].texts()[0][0])  # a cover sheet names the plan
            self._report(name, "cover", f"the plan's title, '{_quote(self.plan.title or '')}'")
        elif head:
            self._report(name, "notes", "text only, not part of the plan (nothing imported)")
        else:
            self._report(name, None, "the sheet is empty")

    def _report(self, sheet: str, read_as: str | None, detail: str) -> None:
        self.plan.sheets.append(SheetReport(sheet, read_as, detail))

    def _report_table(self, sheet: str, actions: int, roles: int, kpis: int) -> None:
        if actions:
            detail = f"{actions} action{'s' if actions != 1 else ''}"
        else:
            detail = "a table was found but no row under it has both a ref or action text"
            self._warn(
                sheet,
                None,
                None,
                f"Sheet '{sheet}' has an action table but no actions were read from it: check in the column mapping "
                "which column holds the action text.",
            )
        if kpis:
            detail += f" and {kpis} impact measures (KPIs) above the table"
        if roles:
            detail += f", then a key-roles glossary of {roles} roles"
        self._report(sheet, "action table", detail)

    def _field_synonyms(self) -> HeadingTable:
        """The heading synonyms, with the mapping's headings for this sheet on top."""
        mapped = self.sheet_mapping.by_heading
        if not mapped:
            return self.synonyms.fields
        return HeadingTable(exact=self.synonyms.fields.exact | mapped)

    def _role_codes(self) -> frozenset[str]:
        return frozenset(role.code for role in self.plan.roles if role.code)

    def _offer_columns(self, sheet: str, head: list[Row], cells: list) -> None:
        """A table the reader could not place: its first wide row's columns, for the officer to say what they are."""
        row = next(row for row, row_cells in zip(head, cells, strict=True) if len(row_cells) >= TABLE_LIKE_CELLS)
        for column, _ in row.texts():
            heading = row.text(column)
            letter = get_column_letter(column + 1)
            self.plan.columns.append(
                ColumnRead(sheet, letter, heading, "ignore", "unread", "the sheet was not read as a table")
            )

    # -- glossary -------------------------------------------------------------------------------------------------

    def _read_glossary(self, sheet: str, header: Row, rows: Iterable[Row], fields: dict, banners: set) -> None:
        columns: dict[str, int] = {}
        for column, field_name in sorted(fields.items()):
            if field_name:
                columns.setdefault(field_name, column)
        self.plan.column_mappings[sheet] = {
            cast(str, header.text(column)): field_name for column, field_name in fields.items()
        }
        for row in rows:
            code, title, organisation, person = (
                row.text(columns.get(name)) for name in ("code", "title", "organisation", "person")
            )
            texts = row.texts()
            if len(texts) == 1 and _is_group_heading(row, texts[0][0], code, banners):
                continue  # "Health provider representatives:" above a group of roles
            if not (code or title or person):
                continue
            self.plan.roles.append(ParsedRole(code, title, organisation, person, sheet, row.number))

    # -- above the table: banner, title, lead, outcomes, impact measures ------------------------------------------

    def _read_above_table(self, sheet: str, rows: list[Row]) -> int | None:
        number = int(match.group(1)) if (match := _SHEET_PRIORITY.search(sheet)) else None
        title = subtitle = lead = None
        banner_row = title_row = None
        block: str | None = None
        outcomes: list[list] = []  # [ref or None, text, row]
        kpis: list[tuple[str, int]] = []
        for row in rows:
            texts = [text for column, _ in row.texts() if (text := row.text(column))]
            first = texts[0]
            if self._is_legend(texts):
                continue
            if block is None and (banner := _PRIORITY_BANNER.match(first)):
                number, banner_row = int(banner.group("number")), row.number
                title = banner.group("title").strip() or (texts[1] if len(texts) > 1 else None) or title
            elif label := match_label(first, self.synonyms):
                block = label
            elif lead_line := _LEAD_LINE.match(first):
                lead = lead_line.group("lead") or (texts[1] if len(texts) > 1 else lead)
            elif block == "outcomes":
                _collect_outcome(outcomes, row, texts)
            elif block == "impact_measures":
                kpis.append(("\n".join(texts), row.number))
            elif title is None:
                title, title_row = first, row.number
            elif subtitle is None and block is None:
                subtitle = first
            elif self.plan.title is None:
                self.plan.title = first
        if number is None:
            if title and self.plan.title is None:
                self.plan.title = title  # a flat sheet: the words above the table name the plan
            return None
        self._add_priority(number, title, sheet, banner_row or title_row, lead=lead, subtitle=subtitle)
        self._add_listed_outcomes(sheet, number, outcomes)
        self.plan.kpis.extend(ParsedKpi(number, text, sheet, at) for text, at in kpis)
        return number

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

    def _add_listed_outcomes(self, sheet: str, priority: int, outcomes: list[list]) -> None:
        misnumbered = [(ref, at) for ref, _, at in outcomes if ref and ref.split(".")[0] != str(priority)]
        if misnumbered:
            fixed = [_renumbered(ref, priority) for ref, _ in misnumbered]
            self._warn(
                sheet,
                misnumbered[0][1],
                "A",
                f"Outcomes on rows {misnumbered[0][1]}-{misnumbered[-1][1]} are numbered "
                f"{misnumbered[0][0]}-{misnumbered[-1][0]} although they belong to Priority {priority}; "
                f"read as outcomes {fixed[0]}-{fixed[-1]}.",
            )
        for position, (printed, text, at) in enumerate(outcomes, start=1):
            if printed is None:
                ref = f"{priority}.{position}"
                self._warn(sheet, at, "A", f"Outcome has no ref; numbered {ref} by its place in the list.")
            else:
                ref = _renumbered(printed, priority)
            self._add_outcome(ref, priority, text, sheet, at, printed_ref=printed if printed != ref else None)

    def _add_outcome(self, ref: str, priority: int, text: str, sheet: str, row: int | None, printed_ref=None) -> None:
        if ref not in self.outcomes:
            self.outcomes[ref] = ParsedOutcome(ref, priority, text, sheet, row, printed_ref)
            self.outcome_by_text.setdefault((priority, text), ref)
            self.plan.outcomes.append(self.outcomes[ref])

    # -- the action table -----------------------------------------------------------------------------------------

    def _read_table(
        self, sheet: str, header: Row, body: Iterator[Row], layout, priority: int | None, inferred=None
    ) -> None:
        """Read the action table below the header, and any further tables the sheet starts below it."""
        context = _TableContext(priority)
        body = _Rows(body)  # one stream for every table on the sheet, so rows looked ahead at are not lost
        next_header: Row | None = header
        while next_header is not None:
            next_header, inferred = self._read_one_table(sheet, next_header, body, layout, context, inferred)

    def _read_one_table(self, sheet: str, header: Row, body: "_Rows", layout, context, inferred):
        """Read rows until the sheet ends or a new header starts; return that header, and the next table's columns
        as read from its cells when its headings are not known (else None)."""
        first = next(body, None)
        headings, sub_header = self._headings(header, first, inferred)
        if inferred is None:
            sample = body.peek(INFERENCE_ROWS)
            unknown = self._unknown_columns(headings)
            if unknown:
                sample_rows = [first, *sample] if first is not None and not sub_header else sample
                found = infer_columns(
                    [_cells_of(row) for row in sample_rows],
                    None,
                    fills=_fills_of(sample_rows, self.fills),
                    codes=self._role_codes(),
                    only=unknown,
                    headings=headings,
                )
                taken = self._named_fields(headings)
                inferred_columns = {
                    column: found[column]
                    for column in unknown
                    if column in found and found[column].field not in taken and found[column].field != "lead"
                }
            else:
                inferred_columns = {}
        else:
            inferred_columns = inferred.columns
        columns = self._columns(sheet, header.number, headings, inferred_columns)
        if "title" not in columns.fields:
            self._warn(
                sheet,
                header.number,
                None,
                "No column of this table was read as the action text, so its rows were not imported: choose which "
                "column holds the actions in the column mapping.",
            )
            return None, None
        self._note_hidden_columns(sheet, header.number, columns, layout.hidden_columns)
        table = _Table(sheet, columns, columns.kept_columns(), max(columns.headings) + 1, context, body)
        rows = body if sub_header or first is None else chain([first], body)
        for row in rows:
            kind = self._read_table_row(table, row)
            if kind == "header" and row.values != header.values:
                return row, table.next_table
            if kind == "glossary":
                glossary = find_header_row([row.texts()], self.synonyms.glossary, required={"code"}, minimum=2)
                assert glossary is not None  # the same test classed the row a glossary heading
                fields = glossary.fields
                self._read_glossary(sheet, row, body, fields, set())
                return None, None
        return None, None

    def _named_fields(self, headings: dict[int, str]) -> set[str]:
        """The fields the table's headings (or the mapping) already name."""
        named: set[str | None] = set()
        for column, heading in headings.items():
            named.add(self.sheet_mapping.field_for(column, heading) or match_heading(heading, self.synonyms.fields))
        return {name for name in named if name is not None}

    def _unknown_columns(self, headings: dict[int, str]) -> set[int]:
        """Columns whose heading neither the mapping nor the synonyms name."""
        return {
            column
            for column, heading in headings.items()
            if self.sheet_mapping.field_for(column, heading) is None
            and not match_heading(heading, self.synonyms.fields)
        }

    def _headings(self, header: Row, below: Row | None, inferred=None) -> tuple[dict[int, str], bool]:
        """Headings by column, joining a second header row ("Progress" over "Mar 21" | "Jun 21") when there is one."""
        headings = {column: cast(str, header.text(column)) for column, _ in header.texts()}  # each has a value
        if inferred is not None:
            for column in inferred.columns:
                headings.setdefault(column, f"Column {get_column_letter(column + 1)}")
            return headings, False
        if below is None or below.number != header.number + 1 or not self._is_sub_header(below, headings):
            return headings, False
        carried = None  # a heading merged (or just written once) over several sub-headed columns
        for column in range(max(len(header.values), len(below.values))):
            top = headings.get(column) or (carried if header.value(column) is None else None)
            carried = top
            if sub := below.text(column):
                headings[column] = f"{top} {sub}" if top else sub
        return headings, True

    def _is_sub_header(self, row: Row, headings: dict[int, str]) -> bool:
        """Short labels under the header, none under the action heading, naming periods or fields."""
        table = self._field_synonyms()
        title_column = next(
            (
                column
                for column, text in headings.items()
                if (self.sheet_mapping.field_for(column, text) or match_heading(text, table)) == "title"
            ),
            None,
        )
        texts = row.texts()
        if title_column is None or row.value(title_column) is not None:
            return False
        if not all(isinstance(v, str) and len(v) <= 40 for _, v in texts):
            return False
        named = [text for _, text in texts if isinstance(text, str) and (period_in(text) or match_heading(text, table))]
        return bool(named) and (len(texts) >= 2 or period_in(named[0]) is not None)

    def _columns(
        self, sheet: str, header_row: int, headings: dict[int, str], inferred: dict[int, Inferred] | None = None
    ) -> _Columns:
        """Map each heading to a field, a review period's progress or RAG column, or an extra field to keep."""
        fields: dict[str, int] = {}
        progress: dict[str | None, int] = {}
        rags: dict[str | None, int] = {}
        extra: dict[int, str] = {}
        ignored: set[int] = set()
        shown: dict[str, str | None] = {}
        reads: list[ColumnRead] = []
        inferred = inferred or {}
        for column, heading in sorted(headings.items()):
            field_name, how, why = self._meaning(column, heading, inferred)
            period = self._period(period_in(heading)) if field_name in ("progress", "rag") else None
            label = heading if heading not in shown else f"{heading} (column {get_column_letter(column + 1)})"
            letter = get_column_letter(column + 1)
            written = None if heading == f"Column {letter}" and column in inferred else heading
            if field_name == "ignore":
                ignored.add(column)
                shown[label] = None
            elif field_name == "progress" and period not in progress:
                progress[period] = column
                shown[label] = f"progress ({period or 'no review period'})"
                if period is None:
                    self._warn(sheet, header_row, letter, f"Progress column '{heading}' names no review period.")
            elif field_name == "rag" and period not in rags:
                rags[period] = column
                shown[label] = f"RAG rating ({period})" if period else "RAG rating"
            elif (
                field_name in FIELDS
                and field_name not in ("progress", "rag", "extra", "ignore")
                and (field_name not in fields)
            ):
                fields[field_name] = column
                shown[label] = field_name.replace("_", " ")
            else:
                if field_name not in (None, "extra"):
                    why = f"{why}; another column is already read as {FIELDS[field_name].lower()}, so kept"
                field_name, extra[column] = "extra", label  # a heading no synonym names, or a second column
                shown[label] = None
            reads.append(ColumnRead(sheet, letter, written, field_name, how, why, period))
        self.plan.column_mappings.setdefault(sheet, {}).update(shown)  # a second table on the sheet adds to it
        self.plan.columns.extend(reads)
        return _Columns(fields, _pair_periods(progress, rags), dict(headings), extra, ignored)

    def _meaning(self, column: int, heading: str, inferred: dict[int, Inferred]) -> tuple[str | None, str, str]:
        """(field, how, why): the mapping's choice, else the heading's synonym, else what the cells say."""
        letter = get_column_letter(column + 1)
        if chosen := self.sheet_mapping.field_for(column, heading):
            return chosen, "mapping", "chosen in the column mapping"
        if field_name := match_heading(heading, self.synonyms.fields):
            return field_name, "heading", f"the heading '{_quote(heading, 40)}' names it"
        if column in inferred:
            return inferred[column].field, "contents", inferred[column].why
        if heading == f"Column {letter}":
            return None, "contents", "its cells did not say what they are; kept as an extra field"
        return None, "heading", f"no known heading is '{_quote(heading, 40)}'; kept as an extra field"

    def _period(self, label: str | None) -> str | None:
        """One label per review period: "Mar 21" and "March 2021" headings are the same period, named as first seen."""
        if label is None:
            return None
        timeframe = self._timeframe(label)
        if timeframe.end is None:
            return label
        return self.period_labels.setdefault((timeframe.start, timeframe.end), label)

    def _note_hidden_columns(self, sheet: str, header_row: int, columns: _Columns, hidden: set[int]) -> None:
        letters = [get_column_letter(column + 1) for column in sorted(hidden & columns.known())]
        if letters:
            self.plan.hidden_columns[sheet] = letters
            plural = len(letters) > 1
            self._warn(
                sheet,
                header_row,
                letters[0],
                f"Column{'s' if plural else ''} {', '.join(letters)} {'are' if plural else 'is'} hidden in the "
                "workbook; read all the same.",
            )

    def _read_table_row(self, table: _Table, row: Row) -> str | None:
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

    def _read_row_without_ref(self, table: _Table, row: Row, raw_ref: str | None) -> str | None:
        """A legend, a repeated or new header, a priority banner, a section heading, or an action lacking its ref."""
        columns, context = table.columns, table.context
        texts = [(column, text) for column, _ in row.texts() if (text := row.text(column))]
        if self._is_legend([text for _, text in texts], context.in_legend):
            context.in_legend = True
            return None
        context.in_legend = False
        if _NOTE.match(texts[0][1]):
            where = get_column_letter(texts[0][0] + 1)
            self._warn(table.sheet, row.number, where, f"Note not imported as an action: '{_quote(texts[0][1])}'.")
            return None
        if self._is_header(row):
            return "header"
        if len(texts) >= TABLE_LIKE_CELLS and (found := self._unknown_table_starts(table, row)):
            table.next_table = found
            return "header"
        has_details = self._has_details(table, row)
        if len(texts) <= 2 and not has_details and (banner := _PRIORITY_BANNER.match(texts[0][1])):
            self._read_priority_row(table, row, banner)
            return None
        if len(texts) == 1 and not has_details and texts[0][0] <= columns.fields["title"]:
            context.section = texts[0][1]  # "Co-Production" alone: a section heading
            return None
        title = row.text(columns.fields["title"])
        if title:
            message = f"'{_quote(raw_ref)}' is not an action ref" if raw_ref else "Action has no ref"
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
            f"Row has text but no ref or action ('{_quote(shown)}'), so it was not imported.",
        )
        return None

    def _unknown_table_starts(self, table: _Table, row: Row) -> InferredTable | None:
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
        found = find_table([_cells_of(each) for each in rows], _fills_of(rows, self.fills), codes)
        return found if found is not None and found.header == 0 else None

    @staticmethod
    def _has_details(table: _Table, row: Row, *, with_progress: bool = False) -> bool:
        """Whether the row says more than a heading would: a date, a lead, partners… (or progress)."""
        fields = table.columns.fields
        if any(row.value(fields.get(name)) is not None for name in DETAIL_FIELDS):
            return True
        return with_progress and any(
            row.value(p.progress) is not None or row.value(p.rag) is not None for p in table.columns.periods
        )

    def _read_priority_row(self, table: _Table, row: Row, banner: re.Match) -> None:
        """ "Priority 2: Health services" between actions: the actions below belong to Priority 2."""
        number = int(banner.group("number"))
        table.context.priority, table.context.outcome, table.context.section = number, None, None
        self._add_priority(number, banner.group("title").strip() or None, table.sheet, row.number)

    def _read_outcome_row(self, table: _Table, row: Row, ref: str, text: str | None) -> None:
        """ "1.1" | "Governance structure": actions below belong to outcome 1.1, under that section heading."""
        context = table.context
        context.outcome, context.section = ref, text
        if text and ref not in self.outcomes:
            self._add_outcome(ref, context.priority or int(ref.split(".")[0]), text, table.sheet, row.number)

    def _add_action(self, table: _Table, row: Row, ref: str, title: str, kept: dict[str, str]) -> None:
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

    def _action_priority(self, table: _Table, row: Row, ref: str) -> int:
        """The row's priority cell, else the sheet's priority, else the ref's first number, else the cell above's."""
        context = table.context
        cell = row.text(table.columns.fields.get("priority"))
        if cell:
            context.carried_priority = self._priority_from_cell(cell, table.sheet, row.number)
            return context.carried_priority
        if context.priority is not None:
            return context.priority
        if _NUMERIC_REF.match(ref) and "." in ref:
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

    def _action_outcome(self, table: _Table, row: Row, ref: str, priority: int, kept: dict) -> str | None:
        """The outcome column's ref or statement, else the ref's first two numbers, else the outcome row above."""
        from_ref = ".".join(ref.split(".")[:2]) if _NUMERIC_REF.match(ref) and ref.count(".") >= 2 else None
        column = table.columns.fields.get("outcome")
        cell = row.text(column)
        if not cell:
            return from_ref or table.context.outcome
        if ref_and_text := _REF_AND_TEXT.match(cell):
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

    def _check_duplicate(self, table: _Table, row: Row, ref: str) -> None:
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

    def _extra_cells(self, table: _Table, row: Row) -> dict[str, str]:
        """Cells under unmapped headings (or under none) that would otherwise be lost, keyed by heading."""
        values = row.values
        beyond = [(column, f"Column {get_column_letter(column + 1)}") for column in range(table.width, len(values))]
        extra: dict[str, str] = {}
        for column, heading in table.kept_columns + beyond:
            if column < len(values) and values[column] is not None and (text := row.text(column)):
                extra[heading] = f"{extra[heading]}\n{text}" if heading in extra else text
        return extra

    def _updates(self, table: _Table, row: Row, kept: dict[str, str]) -> list[ParsedUpdate]:
        updates = []
        for period_columns in table.columns.periods:
            progress = row.text(period_columns.progress)
            rating = self._rating(table, row, period_columns, progress, kept)
            if progress is not None or rating is not None:
                updates.append(ParsedUpdate(period_columns.period, rating, progress))
        return updates

    def _rating(self, table: _Table, row: Row, columns: _PeriodColumns, progress: str | None, kept) -> str | None:
        """The RAG column's word, else its fill; else a rating that starts the progress text, else that cell's fill."""
        if columns.rag is not None:
            if word := row.text(columns.rag):
                reading = rag_from_word(word)
                if not reading.understood:
                    self._warn(
                        table.sheet,
                        row.number,
                        get_column_letter(columns.rag + 1),
                        f"Unknown RAG word '{_quote(word)}': the rating was left blank and the word kept.",
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

    # -- recognising rows -----------------------------------------------------------------------------------------

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

    # -- problems and the finished plan ---------------------------------------------------------------------------

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
            key=_period_sort_key,
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
        derived = [action for action in self.plan.actions if action.outcome and _NUMERIC_REF.match(action.ref)]
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


# -- small helpers ---------------------------------------------------------------------------------------------------


def _matched(found: HeaderRow) -> int:
    return len({name for name in found.fields.values() if name})


def _split_ref(raw: str | None) -> tuple[str | None, str | None]:
    """('1.1.1', None) for a ref; ('2.2', 'Co-Production') for '2.2 Co-Production'; (None, None) for other text."""
    if not raw:
        return None, None
    text = raw.rstrip(".").strip()
    if _REF_TOKEN.match(text):
        return text, None
    if match := _REF_AND_TEXT.match(raw):
        return match.group("ref"), match.group("text").strip()
    return None, None


def _renumbered(ref: str, priority: int) -> str:
    """'1.2' printed on the Priority 2 sheet is outcome 2.2."""
    head, _, rest = ref.partition(".")
    return f"{priority}.{rest}" if rest and head != str(priority) else ref


def _collect_outcome(outcomes: list[list], row: Row, texts: list[str]) -> None:
    """Outcomes above the table: '1.1' | text, '1.1 text', 'Outcome 1.1: text', or a statement with no ref."""
    first = texts[0].rstrip(".")
    if len(texts) >= 2 and _NUMERIC_REF.match(first) and "." in first:
        outcomes.append([first, "\n".join(texts[1:]), row.number])
    elif match := _REF_AND_TEXT.match(texts[0]):
        outcomes.append([match.group("ref"), "\n".join([match.group("text").strip(), *texts[1:]]), row.number])
    else:
        outcomes.append([None, "\n".join(texts), row.number])  # one statement per row, as impact measures are


def _is_group_heading(row: Row, column: int, code: str | None, banners: set) -> bool:
    if (row.number, column) in banners:
        return True  # a heading merged across the glossary's columns
    if not code:
        return False
    return code.endswith(":") or len(code) > 20 or len(code.split()) >= 3


def _is_legend_entry(text: str) -> bool:
    """'Red = off track': a rating word explained."""
    match = _LEGEND_ENTRY.match(text)
    return match is not None and is_rating_word(match.group("word"))


def _quote(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _cells_of(row: Row) -> dict[int, object]:
    """A row as the layout inference reads it: each non-empty cell as the cell shows it (dates stay dates)."""
    cells: dict[int, object] = {}
    for column, value in row.texts():
        cells[column] = value if isinstance(value, str | date) else row.text(column)
    return cells


def _fills_of(rows: list[Row], fills: FillColours):
    return lambda index, column: fills.rating(rows[index].fill(column)) if index < len(rows) else None


def _priorities_listed(head: list[Row]) -> list[tuple[int, str, int]]:
    """(number, title, row) for each row of a priorities list: a number (or "Priority 2") and a title beside it."""
    listed: list[tuple[int, str, int]] = []
    for row in head:
        texts = [text for column, _ in row.texts() if (text := row.text(column))]
        if not texts or len(texts) > 3:
            continue
        match = _LISTED_PRIORITY.match(texts[0])
        if not match:
            continue
        title = match.group("title").strip() or (texts[1] if len(texts) > 1 else "")
        if len(title) >= LISTED_TITLE_LENGTH and not _NUMERIC_REF.match(title):
            listed.append((int(match.group("number")), title, row.number))
    numbers = [number for number, _, _ in listed]
    return listed if len(listed) >= 2 and len(set(numbers)) == len(numbers) else []


def _pair_periods(progress: dict[str | None, int], rags: dict[str | None, int]) -> list[_PeriodColumns]:
    """Pair each RAG column with the progress column of its period, or with the only progress column left."""
    unpaired = dict(progress)
    pairs: list[_PeriodColumns] = []
    for period, rag_column in rags.items():
        if period in unpaired:
            pairs.append(_PeriodColumns(period, unpaired.pop(period), rag_column))
        elif len(unpaired) == 1 and (period is None or next(iter(unpaired)) is None):
            only = next(iter(unpaired))
            pairs.append(_PeriodColumns(period or only, unpaired.pop(only), rag_column))
        else:
            pairs.append(_PeriodColumns(period, None, rag_column))
    pairs.extend(_PeriodColumns(period, column, None) for period, column in unpaired.items())
    return sorted(pairs, key=lambda pair: _period_sort_key(pair.period))


def _period_sort_key(period: str | None) -> tuple[int, date]:
    """The column naming no period first ("Current position"), so the latest dated period's progress stays the
    latest; then dated periods oldest first, then periods whose dates cannot be read."""
    if period is None:
        return -1, date.min
    end = parse_timeframe(period).end
    return (0, end) if end else (1, date.max)
