"""Reading a council's action-plan workbook, whatever its layout, into a ParsedPlan with located problems.

Handles one sheet per priority (banner, outcomes and impact measures above the table) and one flat sheet with
priority and outcome columns; outcome and section rows between actions; merged cells; legend rows; cover sheets;
a key-roles glossary; progress and RAG columns for several review periods; RAG as words or as fill colour.
"""

import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from wsoa.domain.timeframes import parse_timeframe
from wsoa.importing.headers import Synonyms, load_synonyms, match_heading, match_label, period_in
from wsoa.importing.parsed import (
    ParsedAction,
    ParsedKpi,
    ParsedOutcome,
    ParsedPlan,
    ParsedPriority,
    ParsedRole,
    ParsedUpdate,
)
from wsoa.importing.problems import Problem, WorkbookUnreadable
from wsoa.importing.rag import rag_from_fill, rag_from_progress, rag_from_word, theme_colours

MAX_UNCOMPRESSED_BYTES = 250 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
HEADER_SEARCH_ROWS = 60
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARKER = "EncryptedPackage".encode("utf-16-le")

_BANNER = re.compile(r"^priority\s*(?P<number>\d+)\b[\s:.\-–—]*(?P<title>.*)$", re.IGNORECASE | re.DOTALL)
_REF = re.compile(r"^\d+(?:\.\d+)*[a-z]?$", re.IGNORECASE)
_REF_AND_TEXT = re.compile(r"^(?P<ref>\d+(?:\.\d+)+)[.)]?\s+(?P<text>\S.*)$", re.DOTALL)
_OUTCOME_REF = re.compile(r"^\d+\.\d+$")
_LEGEND = re.compile(r"^(?:key|legend|notes?)\s*[:\-–]|\b(?:red|amber|green|blue|r|a|g|b)\s*=\s*\w", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def read_workbook(source: str | Path | bytes | BinaryIO, *, max_bytes: int = 20 * 1024 * 1024) -> ParsedPlan:
    """Read an .xlsx plan; raise WorkbookUnreadable (one line) when the file is not a readable workbook."""
    content = _content_of(source, max_bytes)
    archive = _open_archive(content)
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        raise WorkbookUnreadable(f"it could not be opened as an Excel workbook ({type(error).__name__})") from None
    try:
        reader = _PlanReader(load_synonyms(), theme_colours(workbook.loaded_theme))
        for sheet in workbook.worksheets:
            merges = _merged_ranges(archive, getattr(sheet, "_worksheet_path", None))
            reader.read_sheet(sheet.title, _rows_of(sheet), merges)
        return reader.finish()
    except WorkbookUnreadable:
        raise
    except Exception as error:
        raise WorkbookUnreadable(f"its contents could not be read ({type(error).__name__})") from None
    finally:
        workbook.close()


def _content_of(source, max_bytes: int) -> bytes:
    if isinstance(source, bytes):
        content = source
    elif isinstance(source, str | Path):
        path = Path(source)
        if path.stat().st_size > max_bytes:
            raise WorkbookUnreadable(f"the file is larger than the {max_bytes // (1024 * 1024)} MB limit")
        content = path.read_bytes()
    else:
        content = source.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise WorkbookUnreadable(f"the file is larger than the {max_bytes // (1024 * 1024)} MB limit")
    if not content:
        raise WorkbookUnreadable("the file is empty")
    return content


def _open_archive(content: bytes) -> zipfile.ZipFile:
    if content.startswith(OLE2_MAGIC):
        if ENCRYPTED_MARKER in content:
            raise WorkbookUnreadable("the workbook is password protected: remove the password in Excel and try again")
        raise WorkbookUnreadable("it is an old-style .xls workbook: save it as .xlsx in Excel and try again")
    if not content.startswith(b"PK"):
        raise WorkbookUnreadable("it is not an Excel workbook (.xlsx)")
    try:
        archive = zipfile.ZipFile(BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookUnreadable("the file is damaged (it is not a complete .xlsx zip archive)") from None
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES or any(
        member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO
        for member in members
        if member.file_size > 1024 * 1024
    ):
        raise WorkbookUnreadable(
            "it expands to far more data than a plan holds (a possible zip bomb), so it was refused"
        )
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise WorkbookUnreadable("it is a zip file but not an Excel workbook (.xlsx)")
    return archive


def _merged_ranges(archive: zipfile.ZipFile, sheet_path: str | None) -> list[tuple[int, int, int, int]]:
    """Merged ranges from the sheet's XML: openpyxl's streaming reader does not expose them."""
    if not sheet_path:
        return []
    try:
        xml = archive.read(sheet_path.lstrip("/"))
    except KeyError:
        return []
    return [range_boundaries(ref.decode()) for ref in _MERGE.findall(xml)]  # (min_col, min_row, max_col, max_row)


class _Row:
    """One non-empty row: values by 0-based column, and the cells (for fills)."""

    __slots__ = ("cells", "number", "values")

    def __init__(self, number: int, values: list, cells: list):
        self.number = number
        self.values = values
        self.cells = cells

    def value(self, column: int | None):
        return self.values[column] if column is not None and column < len(self.values) else None

    def texts(self) -> list[tuple[int, str]]:
        return [(i, v) for i, v in enumerate(self.values) if v not in (None, "")]


def _clean(value):
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
        return value or None
    return value


def _rows_of(sheet) -> list[_Row]:
    rows = []
    for cells in sheet.iter_rows():
        number = next((c.row for c in cells if getattr(c, "row", None)), None)
        if number is None:
            continue
        values = [_clean(c.value) for c in cells]
        if any(v is not None for v in values):
            rows.append(_Row(number, values, list(cells)))
    return rows


def _as_text(value) -> str | None:
    """A cell value as text: numbers without a spurious '.0', dates as '31 Mar 2021'."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return f"{day.day} {day:%b %Y}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip() or None


def _ref_text(value) -> str | None:
    text = _as_text(value)
    return text.rstrip(".") if text else None


def _period_order(label: str) -> tuple[int, date]:
    end = parse_timeframe(label).end
    return (0, end) if end else (1, date.max)


class _PlanReader:
    def __init__(self, synonyms: Synonyms, theme: list[tuple[int, int, int]]):
        self.synonyms = synonyms
        self.theme = theme
        self.plan = ParsedPlan()
        self.priorities: dict[int, ParsedPriority] = {}
        self.outcome_refs: set[str] = set()
        self.first_row_of_ref: dict[str, tuple[str, int]] = {}
        self.periods: list[str] = []
        self.first_sheet = True

    # -- sheets -------------------------------------------------------------------------------------------------
    def read_sheet(self, name: str, rows: list[_Row], merges: list[tuple[int, int, int, int]]) -> None:
        first_sheet, self.first_sheet = self.first_sheet, False
        _spread_merged_values(rows, merges)
        glossary_header = self._find_header(rows, self.synonyms.glossary, required={"code"}, minimum=2)
        if glossary_header is not None:
            self._read_glossary(name, rows, glossary_header)
            return
        header = self._find_header(rows, self.synonyms.fields, required={"title"}, minimum=3)
        if header is None:
            if first_sheet and self.plan.title is None:
                self.plan.title = next((_as_text(v) for row in rows for _, v in row.texts()), None)
            return
        header_index, mapping = header
        priority = self._read_above_table(name, rows[:header_index])
        self._read_table(name, rows[header_index], rows[header_index + 1 :], mapping, priority)

    def _find_header(self, rows, table, *, required: set[str], minimum: int):
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            mapping = {column: match_heading(str(text), table) for column, text in row.texts() if isinstance(text, str)}
            found = {field for field in mapping.values() if field}
            if required <= found and len(found) >= minimum:
                return index, mapping
        return None

    # -- glossary -----------------------------------------------------------------------------------------------
    def _read_glossary(self, sheet: str, rows: list[_Row], header) -> None:
        header_index, mapping = header
        columns = {field: column for column, field in sorted(mapping.items(), reverse=True) if field}
        self.plan.column_mappings[sheet] = {str(rows[header_index].values[c]): f for c, f in mapping.items()}
        for row in rows[header_index + 1 :]:
            code, title = _as_text(row.value(columns.get("code"))), _as_text(row.value(columns.get("title")))
            person = _as_text(row.value(columns.get("person")))
            organisation = _as_text(row.value(columns.get("organisation")))
            if len(row.texts()) == 1 and code and (code.endswith(":") or len(code) > 30):
                continue  # a group heading such as "Health Provider representatives:"
            if not (code or title or person):
                continue
            self.plan.roles.append(ParsedRole(code, title, organisation, person, sheet, row.number))

    # -- above the table: banner, title, outcomes, impact measures ----------------------------------------------
    def _read_above_table(self, sheet: str, rows: list[_Row]) -> int | None:
        number: int | None = None
        if match := re.search(r"priority\s*(\d+)", sheet, re.IGNORECASE):
            number = int(match.group(1))
        title, subtitle, banner_row, title_row = None, None, None, None
        block: str | None = None
        outcomes: list[tuple[str, str, int]] = []
        kpis: list[tuple[str, int]] = []
        for row in rows:
            texts = [(c, _as_text(v)) for c, v in row.texts()]
            first_column, first_text = texts[0]
            if (banner := _BANNER.match(first_text)) and block is None:
                number, banner_row = int(banner.group("number")), row.number
                title = banner.group("title").strip() or title
                continue
            if label := match_label(first_text, self.synonyms):
                block = label
                continue
            if block == "outcomes":
                if len(texts) >= 2 and _REF.match(texts[0][1] or ""):
                    outcomes.append((texts[0][1], texts[1][1], row.number))
                elif match := _REF_AND_TEXT.match(first_text):
                    outcomes.append((match.group("ref"), match.group("text").strip(), row.number))
                elif outcomes:
                    ref, text, at = outcomes[-1]
                    outcomes[-1] = (ref, f"{text}\n{first_text}", at)
            elif block == "impact_measures":
                kpis.append(("\n".join(t for _, t in texts if t), row.number))
            elif title is None:
                title, title_row = first_text, row.number
            elif subtitle is None and block is None:
                subtitle = first_text
            elif self.plan.title is None:
                self.plan.title = first_text
        if number is None:
            if title and self.plan.title is None:
                self.plan.title = title  # a flat sheet: the words above the table name the plan
            return None
        self._add_priority(number, title, sheet, banner_row or title_row, subtitle=subtitle)
        self._add_outcomes(sheet, number, outcomes)
        self.plan.kpis.extend(ParsedKpi(number, text, sheet, at) for text, at in kpis)
        return number

    def _add_priority(self, number: int, title: str | None, sheet: str, row: int | None, subtitle=None) -> None:
        existing = self.priorities.get(number)
        if existing is None:
            existing = ParsedPriority(number, title, sheet, row, subtitle=subtitle)
            self.priorities[number] = existing
        elif existing.title is None and title:
            existing.title = title

    def _add_outcomes(self, sheet: str, priority: int, outcomes: list[tuple[str, str, int]]) -> None:
        misnumbered = [(ref, at) for ref, _, at in outcomes if ref.split(".")[0] != str(priority)]
        if misnumbered:
            first_ref, last_ref = misnumbered[0][0], misnumbered[-1][0]
            fixed = [f"{priority}.{ref.split('.', 1)[1]}" for ref, _ in misnumbered]
            self._problem(
                "warning",
                sheet,
                misnumbered[0][1],
                "A",
                f"Outcomes on rows {misnumbered[0][1]}-{misnumbered[-1][1]} are numbered {first_ref}-{last_ref} "
                f"although they belong to Priority {priority}; read as outcomes {fixed[0]}-{fixed[-1]}.",
            )
        for ref, text, at in outcomes:
            printed = ref
            if ref.split(".")[0] != str(priority) and "." in ref:
                ref = f"{priority}.{ref.split('.', 1)[1]}"
            self._add_outcome(ref, priority, text, sheet, at, printed_ref=printed if printed != ref else None)

    def _add_outcome(self, ref: str, priority: int, text: str, sheet: str, row: int | None, printed_ref=None) -> None:
        if ref in self.outcome_refs:
            return
        self.outcome_refs.add(ref)
        self.plan.outcomes.append(ParsedOutcome(ref, priority, text, sheet, row, printed_ref))

    # -- the action table ---------------------------------------------------------------------------------------
    def _read_table(self, sheet: str, header: _Row, rows: list[_Row], mapping, sheet_priority: int | None) -> None:
        columns, progress_columns, extra_columns = self._columns(sheet, header, mapping)
        outcome_ref: str | None = None
        section: str | None = None
        for row in rows:
            texts = row.texts()
            first_text = _as_text(texts[0][1]) or ""
            if _LEGEND.search(first_text) and len(texts) <= 2:
                continue
            ref = _ref_text(row.value(columns.get("ref")))
            title = _as_text(row.value(columns.get("title")))
            other_fields = [
                f
                for f in ("due", "lead", "partners", "resources", "success_criteria")
                if row.value(columns.get(f)) is not None
            ]
            progress_values = [row.value(c) for c, _, _ in progress_columns if row.value(c) is not None]
            if ref and not _REF.match(ref):
                if (match := _REF_AND_TEXT.match(ref)) and not other_fields:
                    # "2.2 Co-Production" written in the ref column: an outcome (or action) and its words.
                    ref, title = match.group("ref"), (title or match.group("text").strip())
                elif len(texts) == 1:
                    section = ref  # "Co-Production" alone in the first column: a section heading
                    continue
                else:
                    self._problem(
                        "warning",
                        sheet,
                        row.number,
                        self._letter(columns.get("ref")),
                        f"'{ref}' is not an action ref; the row was imported without a ref.",
                    )
                    ref = None
            if ref and _OUTCOME_REF.match(ref) and not other_fields and not progress_values:
                outcome_ref, section = ref, title
                if title:
                    self._outcome_from_section(ref, title, sheet, row.number, sheet_priority)
                continue
            if not ref and len(texts) == 1 and not other_fields:
                section = first_text
                continue
            if ref and not title:
                self._problem(
                    "error",
                    sheet,
                    row.number,
                    self._letter(columns.get("ref")),
                    f"Action ref {ref} has no action text, so it was not imported.",
                )
                continue
            if not title:
                self._problem(
                    "warning",
                    sheet,
                    row.number,
                    get_column_letter(texts[0][0] + 1),
                    "Row has text but no ref or action; it was not imported.",
                )
                continue
            if not ref:
                self._problem(
                    "warning",
                    sheet,
                    row.number,
                    self._letter(columns.get("ref")),
                    "Action has no ref; imported without one.",
                )
                ref = ""
            self._add_action(
                sheet, row, ref, title, section, outcome_ref, columns, progress_columns, extra_columns, sheet_priority
            )

    def _columns(self, sheet: str, header: _Row, mapping):
        columns: dict[str, int] = {}
        progress: dict[str | None, int] = {}
        rags: list[tuple[int, str | None]] = []
        extras: dict[int, str] = {}
        shown: dict[str, str | None] = {}
        for column, field in sorted(mapping.items()):
            heading = str(header.values[column])
            if field == "progress":
                period = period_in(heading)
                if period is None:
                    self._problem(
                        "warning",
                        sheet,
                        header.number,
                        get_column_letter(column + 1),
                        f"Progress column '{heading}' names no review period.",
                    )
                progress.setdefault(period, column)
                shown[heading] = f"progress ({period})" if period else "progress"
            elif field == "rag":
                rags.append((column, period_in(heading)))
                shown[heading] = "RAG rating"
            elif field and field not in columns:
                columns[field] = column
                shown[heading] = field.replace("_", " ")
            else:
                extras[column] = heading
                shown[heading] = None
        for column, value in enumerate(header.values):
            if value is not None and column not in mapping:
                extras[column] = str(value)
                shown[str(value)] = None
        for period in progress:
            if period and period not in self.periods:
                self.periods.append(period)
        # Pair each RAG column with the progress column for the same period (or the only unpaired one).
        progress_columns: list[tuple[int | None, int | None, str | None]] = []
        unpaired = dict(progress)
        for rag_column, period in rags:
            if period in unpaired:
                progress_columns.append((unpaired.pop(period), rag_column, period))
            elif len(unpaired) == 1 and (period is None or next(iter(unpaired)) is None):
                key = next(iter(unpaired))
                progress_columns.append((unpaired.pop(key), rag_column, period or key))
            else:
                progress_columns.append((None, rag_column, period))
                if period and period not in self.periods:
                    self.periods.append(period)
        progress_columns.extend((column, None, period) for period, column in unpaired.items())
        progress_columns.sort(key=lambda item: _period_order(item[2]) if item[2] else (2, date.max))
        self.plan.column_mappings[sheet] = shown
        # (value column for iteration, rag column, period): keep only those with some column
        return columns, [(p if p is not None else r, r, period) for p, r, period in progress_columns], extras

    def _outcome_from_section(self, ref: str, text: str | None, sheet: str, row: int, priority: int | None) -> None:
        if ref not in self.outcome_refs and text:
            self._add_outcome(ref, priority or int(ref.split(".")[0]), text, sheet, row)

    def _add_action(
        self,
        sheet,
        row: _Row,
        ref,
        title,
        section,
        outcome_ref,
        columns,
        progress_columns,
        extra_columns,
        sheet_priority,
    ) -> None:
        priority = sheet_priority or self._priority_from_row(row, columns, ref, sheet)
        parts = ref.split(".")
        outcome = ".".join(parts[:2]) if len(parts) >= 3 else outcome_ref
        if "outcome" in columns and (value := _as_text(row.value(columns["outcome"]))):
            match = _REF_AND_TEXT.match(value)
            outcome = match.group("ref") if match else (value if _OUTCOME_REF.match(value) else outcome)
            if match:
                self._add_outcome(outcome, priority, match.group("text").strip(), sheet, row.number)
        if "section" in columns and (value := _as_text(row.value(columns["section"]))):
            section = value
        if ref:
            if ref in self.first_row_of_ref:
                first_sheet, first_row = self.first_row_of_ref[ref]
                where = (
                    f"rows {first_row} and {row.number}"
                    if first_sheet == sheet
                    else f"{first_sheet} row {first_row} and {sheet} row {row.number}"
                )
                self._problem(
                    "warning",
                    sheet,
                    row.number,
                    self._letter(columns.get("ref")),
                    f"Duplicate action ref {ref} ({where}): both actions are kept.",
                )
            else:
                self.first_row_of_ref[ref] = (sheet, row.number)
        raw_due = row.value(columns.get("due"))
        due = parse_timeframe(raw_due)
        if due.problem:
            self._problem(
                "warning", sheet, row.number, self._letter(columns.get("due")), f"Completion date: {due.problem}."
            )
        updates = []
        for value_column, rag_column, period in progress_columns:
            progress = _as_text(row.value(value_column)) if value_column != rag_column else None
            rating = self._rating(sheet, row, rag_column, value_column, progress)
            if progress is not None or rating is not None:
                updates.append(ParsedUpdate(period, rating, progress))
        extra = {
            heading: text
            for column, heading in extra_columns.items()
            if (text := _as_text(row.value(column))) is not None
        }
        self.plan.actions.append(
            ParsedAction(
                ref=ref,
                priority=priority,
                outcome=outcome,
                section=section,
                title=title,
                due_text=due.text,
                due=due,
                lead=_as_text(row.value(columns.get("lead"))),
                partners=_as_text(row.value(columns.get("partners"))),
                resources=_as_text(row.value(columns.get("resources"))),
                success_criteria=_as_text(row.value(columns.get("success_criteria"))),
                updates=updates,
                sheet=sheet,
                row=row.number,
                extra=extra,
            )
        )

    def _rating(self, sheet, row: _Row, rag_column, progress_column, progress: str | None) -> str | None:
        if rag_column is not None:
            word = _as_text(row.value(rag_column))
            if word:
                rating, understood = rag_from_word(word)
                if understood:
                    return rating
                self._problem(
                    "warning",
                    sheet,
                    row.number,
                    self._letter(rag_column),
                    f"Unknown RAG word '{word}': the rating was left blank.",
                )
                return None
            if rating := self._fill_rating(row, rag_column):
                return rating
        if rating := rag_from_progress(progress):
            return rating
        return self._fill_rating(row, progress_column) if progress_column != rag_column else None

    def _fill_rating(self, row: _Row, column: int | None) -> str | None:
        if column is None or column >= len(row.cells):
            return None
        return rag_from_fill(getattr(row.cells[column], "fill", None), self.theme)

    def _priority_from_row(self, row: _Row, columns, ref: str, sheet: str) -> int:
        value = _as_text(row.value(columns.get("priority")))
        if value and (match := _NUMBER.search(value)):
            number = int(match.group())
            title = _BANNER.match(value)
            self._add_priority(number, (title.group("title").strip() or None) if title else None, sheet, None)
            return number
        if ref and ref.split(".")[0].isdigit():
            number = int(ref.split(".")[0])
            self._add_priority(number, None, sheet, None)
            return number
        self._add_priority(1, None, sheet, None)
        return 1

    # -- helpers ------------------------------------------------------------------------------------------------
    @staticmethod
    def _letter(column: int | None) -> str | None:
        return get_column_letter(column + 1) if column is not None else None

    def _problem(self, severity, sheet, row, column, message) -> None:
        self.plan.problems.append(Problem(severity, sheet, row, column, message))

    def finish(self) -> ParsedPlan:
        plan = self.plan
        plan.priorities = sorted(self.priorities.values(), key=lambda p: p.number)
        plan.review_periods = sorted(self.periods, key=_period_order)
        if self.outcome_refs:
            for action in plan.actions:
                if action.outcome and action.outcome not in self.outcome_refs:
                    self._problem(
                        "warning",
                        action.sheet,
                        action.row,
                        None,
                        f"Action {action.ref} belongs to outcome {action.outcome}, which the workbook "
                        "does not define; imported without an outcome.",
                    )
                    action.outcome = None
        else:
            for action in plan.actions:
                action.outcome = None
        return plan


def _spread_merged_values(rows: list[_Row], merges: Iterable[tuple[int, int, int, int]]) -> None:
    """A value in a merged cell applies to every row the merge spans (in the merge's first column)."""
    by_number = {row.number: row for row in rows}
    for min_col, min_row, _max_col, max_row in merges:
        if max_row <= min_row or min_row not in by_number:
            continue
        top = by_number[min_row]
        value = top.value(min_col - 1)
        if value is None:
            continue
        for number in range(min_row + 1, max_row + 1):
            row = by_number.get(number)
            if row is None:
                continue
            while len(row.values) < min_col:
                row.values.append(None)
            if row.values[min_col - 1] is None:
                row.values[min_col - 1] = value
