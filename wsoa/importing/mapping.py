"""A column mapping: what each column of a workbook's action tables means, as the officer confirmed it.

One entry per column: the sheet (left out: every sheet), the heading as written or the column letter, and the field.
The same entries travel as TOML (`wsoa import-plan --mapping FILE`), as JSON (`--dry-run --json` prints the mapping
it used; the plan keeps the mapping of its last import) and as the preview's choices:

    [[columns]]
    sheet = "Area 1"
    heading = "What we are doing"
    field = "title"

    [[columns]]
    sheet = "Area 1"
    column = "F"
    field = "ignore"
"""

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl.utils import column_index_from_string

from wsoa.importing.headers import normalise
from wsoa.importing.problems import OneLineRefusal

# field → what the preview calls it. "extra" keeps the cells with the action under their heading; "ignore" drops them.
FIELDS = {
    "ref": "Ref",
    "title": "Action",
    "due": "Completion date",
    "lead": "Lead",
    "partners": "Delivery partners",
    "resources": "Resources",
    "success_criteria": "Success criteria",
    "progress": "Progress",
    "rag": "RAG rating",
    "priority": "Priority",
    "outcome": "Outcome",
    "section": "Section",
    "extra": "Kept as an extra field",
    "ignore": "Ignored",
}
_LETTERS = re.compile(r"^[A-Z]{1,3}$")
MAX_ENTRIES = 2000


class MappingProblem(OneLineRefusal):
    """A mapping that cannot be used; the reason is one line naming the entry."""


@dataclass(frozen=True)
class Choice:
    sheet: str | None  # None: every sheet
    heading: str | None
    column: str | None  # letter
    field: str

    def as_dict(self) -> dict:
        entry: dict[str, str | None] = {"sheet": self.sheet} if self.sheet is not None else {}
        entry |= {"heading": self.heading} if self.heading is not None else {"column": self.column}
        return entry | {"field": self.field}


@dataclass(frozen=True)
class SheetMapping:
    by_column: dict[int, str]  # 0-based column → field
    by_heading: dict[str, str]  # normalised heading → field

    def field_for(self, column: int, heading: str | None) -> str | None:
        if column in self.by_column:
            return self.by_column[column]
        if heading and (key := normalise(heading)) in self.by_heading:
            return self.by_heading[key]
        return None

    def __bool__(self) -> bool:
        return bool(self.by_column or self.by_heading)


NO_SHEET_MAPPING = SheetMapping({}, {})


@dataclass(frozen=True)
class Mapping:
    choices: tuple[Choice, ...] = ()

    def for_sheet(self, sheet: str) -> SheetMapping:
        by_column: dict[int, str] = {}
        by_heading: dict[str, str] = {}
        # Entries naming the sheet win over entries for every sheet.
        for choice in sorted(self.choices, key=lambda c: c.sheet is not None):
            if choice.sheet is not None and choice.sheet != sheet:
                continue
            if choice.column:
                by_column[column_index_from_string(choice.column) - 1] = choice.field
            elif choice.heading:
                by_heading[normalise(choice.heading)] = choice.field
        return SheetMapping(by_column, by_heading) if by_column or by_heading else NO_SHEET_MAPPING

    def __bool__(self) -> bool:
        return bool(self.choices)

    def as_document(self) -> dict:
        return {"columns": [choice.as_dict() for choice in self.choices]}

    def as_toml(self) -> str:
        blocks = []
        for choice in self.choices:
            lines = ["[[columns]]"]
            lines += [f"{key} = {_toml_string(value)}" for key, value in choice.as_dict().items()]
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks) + "\n"

    @classmethod
    def from_toml(cls, text: str, where: str = "the mapping file") -> "Mapping":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise MappingProblem(f"{where} is not valid TOML ({error})") from None
        return cls.from_document(data, where)

    @classmethod
    def from_document(cls, data, where: str = "the mapping") -> "Mapping":
        """Check every entry; raise MappingProblem naming the first one that cannot be used."""
        if data is None:
            return cls()
        if not isinstance(data, dict) or not isinstance(data.get("columns", []), list):
            raise MappingProblem(f"{where} must be a list of [[columns]] entries")
        entries = data.get("columns", [])
        if len(entries) > MAX_ENTRIES:
            raise MappingProblem(f"{where} has more than {MAX_ENTRIES:,} entries")
        return cls(tuple(_choice(entry, f"{where}, entry {n}") for n, entry in enumerate(entries, start=1)))


def _choice(entry, where: str) -> Choice:
    if not isinstance(entry, dict):
        raise MappingProblem(f"{where} must be a table with sheet, heading or column, and field")
    unknown = set(entry) - {"sheet", "heading", "column", "field"}
    if unknown:
        raise MappingProblem(f"{where} has an unknown key '{sorted(unknown)[0]}' (use sheet, heading or column, field)")
    values = {key: entry.get(key) for key in ("sheet", "heading", "column", "field")}
    for key, value in values.items():
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            raise MappingProblem(f"{where}: {key} must be text of at most 200 characters")
    field_name = values["field"]
    if field_name not in FIELDS:
        raise MappingProblem(f"{where}: field '{field_name}' is not one of {', '.join(FIELDS)}")
    heading, column = values["heading"], values["column"]
    if (heading is None) == (column is None):
        raise MappingProblem(f"{where} must give either a heading or a column letter")
    if column is not None:
        column = column.strip().upper()
        if not _LETTERS.match(column) or column_index_from_string(column) > 16384:
            raise MappingProblem(f"{where}: column '{values['column']}' is not a column letter such as B")
    if heading is not None and not normalise(heading):
        raise MappingProblem(f"{where}: the heading is empty")
    return Choice(values["sheet"], heading, column, field_name)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def mapping_of(columns: Iterable) -> Mapping:
    """The mapping an import used, from its ColumnReads: by heading where the column has one (and no other column
    of its sheet has the same heading), else by letter."""
    columns = list(columns)
    headings: dict[tuple[str, str], int] = {}
    key: tuple[str, str] | None
    for read in columns:
        if read.heading and normalise(read.heading):
            key = (read.sheet, normalise(read.heading))
            headings[key] = headings.get(key, 0) + 1
    choices, seen = [], set()
    for read in columns:
        key = (read.sheet, normalise(read.heading)) if read.heading and normalise(read.heading) else None
        by_heading = key is not None and headings[key] == 1
        choice = Choice(
            read.sheet, read.heading if by_heading else None, None if by_heading else read.column, read.field
        )
        if (choice.sheet, choice.heading, choice.column) not in seen:
            seen.add((choice.sheet, choice.heading, choice.column))
            choices.append(choice)
    return Mapping(tuple(choices))
