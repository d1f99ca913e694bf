"""What the reader found in a workbook: plain data, before anything touches the database."""

from dataclasses import dataclass, field

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
    printed_ref: str | None = None


@dataclass
class ParsedUpdate:
    period: str | None
    rag: str | None
    progress: str | None


@dataclass
class ParsedAction:
    ref: str
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
    extra: dict[str, str] = field(default_factory=dict)


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
class ParsedPlan:
    title: str | None = None
    priorities: list[ParsedPriority] = field(default_factory=list)
    outcomes: list[ParsedOutcome] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    kpis: list[ParsedKpi] = field(default_factory=list)
    roles: list[ParsedRole] = field(default_factory=list)
    review_periods: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # sheet → {heading as written: field it was read as, or None for "kept as an extra field"}
    column_mappings: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def to_contract_dict(self) -> dict:
        """The `wsoa import-plan --json` document (DESIGN.md section 3)."""
        return {
            "plan": {"title": self.title},
            "priorities": [{"number": p.number, "title": p.title} for p in self.priorities],
            "outcomes": [{"ref": o.ref, "priority": o.priority, "text": o.text} for o in self.outcomes],
            "actions": [
                {
                    "ref": a.ref,
                    "priority": a.priority,
                    "outcome": a.outcome,
                    "section": a.section,
                    "title": a.title,
                    "due_text": a.due_text,
                    "due_date": a.due.end.isoformat() if a.due.end else None,
                    "ongoing": a.due.ongoing,
                    "lead": a.lead,
                    "partners": a.partners,
                    "resources": a.resources,
                    "success_criteria": a.success_criteria,
                    "updates": [{"period": u.period, "rag": u.rag, "progress": u.progress} for u in a.updates],
                }
                for a in self.actions
            ],
            "kpis": [{"priority": k.priority, "text": k.text} for k in self.kpis],
            "roles": [
                {"code": r.code, "title": r.title, "organisation": r.organisation, "person": r.person}
                for r in self.roles
            ],
            "problems": [p.as_dict() for p in self.problems],
        }
