"""The plan reader: a council's action-plan workbook, whatever its layout, into a ParsedPlan with located problems.

Handles one sheet per priority (banner, outcomes and impact measures above the table) and one flat sheet with
priority and outcome columns; outcome, section and priority rows between actions; merged cells; legend rows; cover
sheets; a key-roles glossary; progress and RAG columns for several review periods; RAG as words or as fill colour.

The file is checked first (`safety`), then streamed row by row with openpyxl's read-only reader (`cells`), which
gives values and fills in one pass; only the parsed plan is kept.
"""

import re
import warnings
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO, cast

from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils import get_column_letter

from wsoa.bulk import fewer_garbage_collections
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
    HeaderRow,
    HeadingTable,
    find_header_row,
    load_synonyms,
    match_heading,
    match_label,
    period_in,
)
from wsoa.importing.layout import Inferred, find_table, infer_columns
from wsoa.importing.mapping import FIELDS, Mapping
from wsoa.importing.parsed import (
    ColumnRead,
    ParsedKpi,
    ParsedPlan,
    ParsedRole,
    SheetReport,
)
from wsoa.importing.plan_builder import (
    INFERENCE_ROWS,
    NUMERIC_REF,
    PRIORITY_BANNER,
    PRIORITY_WORDS,
    REF_AND_TEXT,
    TABLE_LIKE_CELLS,
    Columns,
    PeriodColumns,
    PlanBuilder,
    Rows,
    Table,
    TableContext,
    cells_of,
    fills_of,
    period_sort_key,
    quote,
)
from wsoa.importing.problems import WorkbookUnreadable
from wsoa.importing.rag import theme_colours
from wsoa.importing.safety import checked_archive, content_of, opened_workbook

__all__ = ["display_date", "display_text", "hides_the_day", "read_workbook"]

# A sheet holding one priority's actions: "Priority 2", "Area 1", "AoW 3", "Workstream 4", "Area of weakness 5".
_SHEET_PRIORITY = re.compile(rf"\b{PRIORITY_WORDS}\s*(\d+)\b", re.IGNORECASE)


# A row of a priorities list: "1" | "The quality of EHC plans", "Priority 2" | "...", "AoW 3: ..." | "...".
_LISTED_PRIORITY = re.compile(
    rf"^{PRIORITY_WORDS}?\s*(?P<number>\d{{1,3}})(?:\.0)?[\s:.)\-–—]*(?P<title>.*)$", re.IGNORECASE | re.DOTALL
)


LISTED_TITLE_LENGTH = 15  # a listed priority's title is a phrase, not a code or a date


_LEAD_LINE = re.compile(
    r"^(?:priority\s+)?(?:leads?|lead officers?|accountable (?:lead|officer)|senior responsible officer|sro)"
    r"\s*(?:[:\-–—]\s*(?P<lead>\S.*))?$",
    re.IGNORECASE | re.DOTALL,
)


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
        with opened_workbook(content, WorkbookUnreadable, _describe) as workbook:
            palette = getattr(workbook, "_colors", None) or COLOR_INDEX
            fills = FillColours(theme_colours(workbook.loaded_theme), palette)
            reader = _PlanReader(load_synonyms(), fills, mapping or Mapping())
            for sheet in workbook.worksheets:
                layout = sheet_layout(archive, getattr(sheet, "_worksheet_path", None))
                reader.read_sheet(sheet.title, rows_of(sheet, layout.merges), layout)
            return reader.finish()


def _describe(error: Exception) -> str:
    detail = " ".join(str(error).split())[:80]
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def _matched(found: HeaderRow) -> int:
    return len({name for name in found.fields.values() if name})


def _renumbered(ref: str, priority: int) -> str:
    """'1.2' printed on the Priority 2 sheet is outcome 2.2."""
    head, _, rest = ref.partition(".")
    return f"{priority}.{rest}" if rest and head != str(priority) else ref


def _collect_outcome(outcomes: list[list], row: Row, texts: list[str]) -> None:
    """Outcomes above the table: '1.1' | text, '1.1 text', 'Outcome 1.1: text', or a statement with no ref."""
    first = texts[0].rstrip(".")
    if len(texts) >= 2 and NUMERIC_REF.match(first) and "." in first:
        outcomes.append([first, "\n".join(texts[1:]), row.number])
    elif match := REF_AND_TEXT.match(texts[0]):
        outcomes.append([match.group("ref"), "\n".join([match.group("text").strip(), *texts[1:]]), row.number])
    else:
        outcomes.append([None, "\n".join(texts), row.number])  # one statement per row, as impact measures are


def _is_group_heading(row: Row, column: int, code: str | None, banners: set) -> bool:
    if (row.number, column) in banners:
        return True  # a heading merged across the glossary's columns
    if not code:
        return False
    return code.endswith(":") or len(code) > 20 or len(code.split()) >= 3


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
        if len(title) >= LISTED_TITLE_LENGTH and not NUMERIC_REF.match(title):
            listed.append((int(match.group("number")), title, row.number))
    numbers = [number for number, _, _ in listed]
    return listed if len(listed) >= 2 and len(set(numbers)) == len(numbers) else []


def _pair_periods(progress: dict[str | None, int], rags: dict[str | None, int]) -> list[PeriodColumns]:
    """Pair each RAG column with the progress column of its period, or with the only progress column left."""
    unpaired = dict(progress)
    pairs: list[PeriodColumns] = []
    for period, rag_column in rags.items():
        if period in unpaired:
            pairs.append(PeriodColumns(period, unpaired.pop(period), rag_column))
        elif len(unpaired) == 1 and (period is None or next(iter(unpaired)) is None):
            only = next(iter(unpaired))
            pairs.append(PeriodColumns(period or only, unpaired.pop(only), rag_column))
        else:
            pairs.append(PeriodColumns(period, None, rag_column))
    pairs.extend(PeriodColumns(period, column, None) for period, column in unpaired.items())
    return sorted(pairs, key=lambda pair: period_sort_key(pair.period))


class _PlanReader(PlanBuilder):
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
            inferred = find_table([cells_of(row) for row in head], fills_of(head, self.fills), self._role_codes())
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
            self._report(name, "cover", f"the plan's title, '{quote(self.plan.title or '')}'")
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

    def _offer_columns(self, sheet: str, head: list[Row], cells: list) -> None:
        """A table the reader could not place: its first wide row's columns, for the officer to say what they are."""
        row = next(row for row, row_cells in zip(head, cells, strict=True) if len(row_cells) >= TABLE_LIKE_CELLS)
        for column, _ in row.texts():
            heading = row.text(column)
            letter = get_column_letter(column + 1)
            self.plan.columns.append(
                ColumnRead(sheet, letter, heading, "ignore", "unread", "the sheet was not read as a table")
            )

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
            if block is None and (banner := PRIORITY_BANNER.match(first)):
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

    def _read_table(
        self, sheet: str, header: Row, body: Iterator[Row], layout, priority: int | None, inferred=None
    ) -> None:
        """Read the action table below the header, and any further tables the sheet starts below it."""
        context = TableContext(priority)
        body = Rows(body)  # one stream for every table on the sheet, so rows looked ahead at are not lost
        next_header: Row | None = header
        while next_header is not None:
            next_header, inferred = self._read_one_table(sheet, next_header, body, layout, context, inferred)

    def _read_one_table(self, sheet: str, header: Row, body: "Rows", layout, context, inferred):
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
                    [cells_of(row) for row in sample_rows],
                    None,
                    fills=fills_of(sample_rows, self.fills),
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
        table = Table(sheet, columns, columns.kept_columns(), max(columns.headings) + 1, context, body)
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
    ) -> Columns:
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
        return Columns(fields, _pair_periods(progress, rags), dict(headings), extra, ignored)

    def _meaning(self, column: int, heading: str, inferred: dict[int, Inferred]) -> tuple[str | None, str, str]:
        """(field, how, why): the mapping's choice, else the heading's synonym, else what the cells say."""
        letter = get_column_letter(column + 1)
        if chosen := self.sheet_mapping.field_for(column, heading):
            return chosen, "mapping", "chosen in the column mapping"
        if field_name := match_heading(heading, self.synonyms.fields):
            return field_name, "heading", f"the heading '{quote(heading, 40)}' names it"
        if column in inferred:
            return inferred[column].field, "contents", inferred[column].why
        if heading == f"Column {letter}":
            return None, "contents", "its cells did not say what they are; kept as an extra field"
        return None, "heading", f"no known heading is '{quote(heading, 40)}'; kept as an extra field"

    def _period(self, label: str | None) -> str | None:
        """One label per review period: "Mar 21" and "March 2021" headings are the same period, named as first seen."""
        if label is None:
            return None
        timeframe = self._timeframe(label)
        if timeframe.end is None:
            return label
        return self.period_labels.setdefault((timeframe.start, timeframe.end), label)

    def _note_hidden_columns(self, sheet: str, header_row: int, columns: Columns, hidden: set[int]) -> None:
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
