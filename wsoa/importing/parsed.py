"""What the reader found in a workbook: plain data, before anything touches the database."""

from collections import Counter
from dataclasses import dataclass, field

from wsoa.domain.rag import rag_distribution
from wsoa.domain.timeframes import Timeframe
from wsoa.importing.problems import Problem


@dataclass
class ParsedPriority:
    number: int
    title: str | None
    sheet: str
    row: int | None
    lead: str | None = None
    subtitle: str | None = None


@dataclass
class ParsedOutcome:
    ref: str
    priority: int
    text: str
    sheet: str
    row: int | None
    printed_ref: str | None = None  # the ref as the sheet prints it, when that differs (Priority 2 printing 1.1)


@dataclass
class ParsedUpdate:
    period: str | None
    rag: str | None
    progress: str | None


@dataclass
class ParsedAction:
    ref: str  # "" when the row has none
    priority: int
    outcome: str | None
    section: str | None
    title: str
    due_text: str | None
    due: Timeframe
    lead: str | None
    partners: str | None
    resources: str | None
    success_criteria: str | None
    updates: list[ParsedUpdate]
    sheet: str
    row: int
    extra: dict[str, str] = field(default_factory=dict)  # unmapped non-empty cells, keyed by their heading

    @property
    def latest(self) -> ParsedUpdate | None:
        """The update for the most recent review period in the file (updates are oldest first)."""
        return self.updates[-1] if self.updates else None


@dataclass
class ParsedKpi:
    priority: int
    text: str
    sheet: str
    row: int | None


@dataclass
class ParsedRole:
    code: str | None
    title: str | None
    organisation: str | None
    person: str | None
    sheet: str
    row: int


@dataclass
class SheetReport:
    """What one sheet was read as, or why it was not read: every sheet of the workbook has one."""

    name: str
    read_as: str | None  # "action table", "priorities list", "key-roles glossary", "cover", "notes"; None: skipped
    detail: str  # what was found on it, or why it was skipped

    def as_dict(self) -> dict:
        return {"name": self.name, "read_as": self.read_as or "skipped", "detail": self.detail}


@dataclass
class ColumnRead:
    """How one column of an action table was read, for the preview's mapping and `--dry-run --json`."""

    sheet: str
    column: str  # letter
    heading: str | None  # as written; None when the column has no heading
    field: str  # a mapping field: see wsoa.importing.mapping.FIELDS
    how: str  # "heading", "contents", "mapping"
    why: str  # in words for the preview
    period: str | None = None  # the review period a progress or RAG column is for


@dataclass
class ParsedPlan:
    title: str | None = None
    priorities: list[ParsedPriority] = field(default_factory=list)
    outcomes: list[ParsedOutcome] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    kpis: list[ParsedKpi] = field(default_factory=list)
    roles: list[ParsedRole] = field(default_factory=list)
    review_periods: list[str] = field(default_factory=list)  # oldest first
    problems: list[Problem] = field(default_factory=list)
    # sheet → {heading as written: what it was read as, or None for "kept as an extra field"}
    column_mappings: dict[str, dict[str, str | None]] = field(default_factory=dict)
    hidden_columns: dict[str, list[str]] = field(default_factory=dict)  # sheet → letters (read all the same)
    sheets: list[SheetReport] = field(default_factory=list)  # in workbook order
    columns: list[ColumnRead] = field(default_factory=list)  # every action table's columns, in workbook order
    notes: list[str] = field(default_factory=list)  # how the structure was worked out, where it was not written

    def rag_tally(self) -> dict[str, int]:
        """Actions by their latest rating: red/amber/green/blue/none."""
        return rag_distribution(action.latest.rag if action.latest else None for action in self.actions)

    def problem_tally(self) -> dict[str, int]:
        counts = Counter(problem.severity for problem in self.problems)
        return {"error": counts["error"], "warning": counts["warning"]}

    def counts(self) -> dict:
        """How much the workbook holds, in the shape of the sample's expected `counts`."""
        return {
            "priorities": len(self.priorities),
            "outcomes": len(self.outcomes),
            "actions": len(self.actions),
            "kpis": len(self.kpis),
            "roles": len(self.roles),
            "rag": self.rag_tally(),
            "problems": self.problem_tally(),
        }

    def actions_per_priority(self) -> dict[int, int]:
        counts = Counter(action.priority for action in self.actions)
        return {priority.number: counts.get(priority.number, 0) for priority in self.priorities}

    def to_contract_dict(self) -> dict:
        """The `wsoa import-plan --json` document (DESIGN.md section 3)."""
        return {
            "plan": {"title": self.title},
            "priorities": [{"number": p.number, "title": p.title} for p in self.priorities],
            "outcomes": [{"ref": o.ref, "priority": o.priority, "text": o.text} for o in self.outcomes],
            "actions": [_action_contract(action) for action in self.actions],
            "kpis": [{"priority": k.priority, "text": k.text} for k in self.kpis],
            "roles": [
                {"code": r.code, "title": r.title, "organisation": r.organisation, "person": r.person}
                for r in self.roles
            ],
            "problems": [p.as_dict() for p in self.problems],
            "sheets": [sheet.as_dict() for sheet in self.sheets],
            "notes": list(self.notes),
            "mapping": self.mapping().as_document(),
        }

    def mapping(self):
        """The column mapping this read used, in the form `--mapping FILE` takes."""
        from wsoa.importing.mapping import mapping_of

        return mapping_of(self.columns)


def _action_contract(action: ParsedAction) -> dict:
    return {
        "ref": action.ref,
        "priority": action.priority,
        "outcome": action.outcome,
        "section": action.section,
        "title": action.title,
        "due_text": action.due_text,
        "due_date": action.due.end.isoformat() if action.due.end else None,
        "ongoing": bool(action.due.ongoing),
        "lead": action.lead,
        "partners": action.partners,
        "resources": action.resources,
        "success_criteria": action.success_criteria,
        "updates": [{"period": u.period, "rag": u.rag, "progress": u.progress} for u in action.updates],
    }
