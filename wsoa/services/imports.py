"""Bringing a parsed workbook into the database: create or merge by ref, never delete, never duplicate history."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import literal_column, select
from sqlalchemy.exc import OperationalError, StatementError

from wsoa.bulk import fewer_garbage_collections
from wsoa.domain.timeframes import parse_timeframe
from wsoa.extensions import db
from wsoa.importing.storable import unstorable_text
from wsoa.models import (
    Action,
    ImportBatch,
    Kpi,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    ReviewPeriod,
    Role,
    RoleHolder,
)
from wsoa.models.types import UTCDateTime, utcnow
from wsoa.services import audit
from wsoa.services.queries import refresh_latest_updates
from wsoa.services.roles import relink_leads

INSERT_CHUNK = 500  # rows per multi-row INSERT: fast, and a large import's memory stays flat

# Action fields an import may set or change; progress goes into appended updates instead.
ACTION_FIELDS = (
    "section",
    "title",
    "due_text",
    "due_start",
    "due_end",
    "due_ongoing",
    "due_recurring",
    "due_note",
    "due_problem",
    "lead",
    "partners",
    "resources",
    "success_criteria",
    "extra_fields",
)


class ImportRefused(Exception):
    """The workbook cannot be imported as it is, and nothing was; the reason is one line for the person importing."""

    def __init__(self, reason: str):
        self.reason = " ".join(str(reason).split())
        super().__init__(self.reason)


class NothingToImport(ImportRefused):
    """The workbook holds no action the reader could find: importing it would make an empty plan. `lines` says, one
    line per sheet, what each sheet was read as or why it was skipped."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__(
            "no sheet holds actions that could be read, so nothing was imported. Choose what the columns mean in the "
            "column mapping, or check that this is the plan's workbook"
        )


def refuse_empty(parsed) -> None:
    """Raise NothingToImport when the workbook holds no actions."""
    if not parsed.actions:
        raise NothingToImport(sheet_lines(parsed))


def sheet_lines(parsed) -> list[str]:
    """'Sheet name: read as …' or 'Sheet name: skipped: why', one per sheet."""
    return [f"{sheet.name}: {sheet.read_as or 'skipped'}: {sheet.detail}" for sheet in parsed.sheets]


@dataclass
class PriorityChanges:
    number: int
    title: str
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    new_updates: int = 0


@dataclass
class ImportResult:
    plan: Plan | None
    batch: ImportBatch | None
    new_plan: bool
    priorities: dict[int, PriorityChanges] = field(default_factory=dict)
    changed_fields: dict[str, list[str]] = field(default_factory=dict)  # action ref → changed field names
    missing: list[Action] = field(default_factory=list)  # in the tracker but not in the file: for the officer
    created_roles: int = 0
    created_outcomes: int = 0
    created_kpis: int = 0
    created_periods: int = 0

    @property
    def created_actions(self) -> int:
        return sum(p.created for p in self.priorities.values())

    @property
    def changed_actions(self) -> int:
        return sum(p.changed for p in self.priorities.values())

    @property
    def new_updates(self) -> int:
        return sum(p.new_updates for p in self.priorities.values())

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.new_plan
            or self.created_actions
            or self.changed_actions
            or self.new_updates
            or self.created_roles
            or self.created_outcomes
            or self.created_kpis
            or self.created_periods
        )

    def summary(self) -> dict[str, Any]:
        return {
            "new_plan": self.new_plan,
            "actions_created": self.created_actions,
            "actions_changed": self.changed_actions,
            "updates_added": self.new_updates,
            "roles_created": self.created_roles,
            "outcomes_created": self.created_outcomes,
            "kpis_created": self.created_kpis,
            "periods_created": self.created_periods,
            "missing_from_file": [a.ref for a in self.missing],
        }


def file_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def action_values(parsed_action) -> dict[str, Any]:
    due = parsed_action.due if parsed_action.due is not None else parse_timeframe(parsed_action.due_text)
    return {
        "section": parsed_action.section,
        "title": parsed_action.title,
        "due_text": parsed_action.due_text,
        "due_start": due.start,
        "due_end": due.end,
        "due_ongoing": due.ongoing,
        "due_recurring": due.recurring,
        "due_note": due.note,
        "due_problem": due.problem,
        "lead": parsed_action.lead,
        "partners": parsed_action.partners,
        "resources": parsed_action.resources,
        "success_criteria": parsed_action.success_criteria,
        "extra_fields": dict(parsed_action.extra or {}),
    }


def import_parsed_plan(
    parsed,
    *,
    file_name: str,
    content_hash: str,
    user_id: int | None = None,
    plan: Plan | None = None,
    dry_run: bool = False,
    mapping: dict | None = None,
) -> ImportResult:
    """Merge `parsed` into `plan` (or a new plan) and record the batch; with dry_run, work out the same and roll back.

    The caller commits. With dry_run everything happens inside a savepoint that is rolled back, so the preview is
    computed by exactly the code that will do the import. Raises ImportRefused, having written nothing, when the
    workbook holds something the database cannot store or the database refuses a row; a database that cannot be
    reached raises OperationalError as everywhere else. A workbook with no actions raises NothingToImport. `mapping`
    (the column mapping the read used, as a document) is kept with the plan for its next import.
    """
    refuse_empty(parsed)
    refuse_unstorable(parsed, file_name)
    savepoint = db.session.begin_nested()
    try:
        with fewer_garbage_collections():
            result = _merge(parsed, file_name=file_name, content_hash=content_hash, user_id=user_id, plan=plan)
            if mapping is not None and result.plan.import_mapping != mapping:
                result.plan.import_mapping = mapping
    except StatementError as error:
        savepoint.rollback()
        if isinstance(error, OperationalError):
            raise
        raise ImportRefused(f"the database refused it ({_first_line(error)}), so nothing was imported") from error
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
        result.batch = None
        if result.new_plan:
            result.plan = None
    else:
        savepoint.commit()
    return result


def _first_line(error: StatementError) -> str:
    cause = error.orig if error.orig is not None else error
    lines = str(cause).strip().splitlines()
    line = " ".join(lines[0].split()) if lines else type(cause).__name__
    return line if len(line) <= 200 else line[:199] + "…"


# -- what the database cannot store, refused before anything is written ------------------------------------------


def refuse_unstorable(parsed, file_name: str) -> None:
    """Raise ImportRefused naming the first cell whose text the database cannot hold whole (see importing.storable)."""
    found = [*unstorable_text(parsed, file_name)]
    if found:
        more = f" (and {len(found) - 1} more like it)" if len(found) > 1 else ""
        raise ImportRefused(f"{found[0]}{more}; correct the workbook and import it again. Nothing was imported")


def _merge(parsed, *, file_name: str, content_hash: str, user_id: int | None, plan: Plan | None) -> ImportResult:
    new_plan = plan is None
    if plan is None:
        plan = Plan(title=parsed.title or file_name, kind="written_statement_of_action")
        db.session.add(plan)
        db.session.flush()
    result = ImportResult(plan=plan, batch=None, new_plan=new_plan)
    batch = ImportBatch(plan_id=plan.id, file_name=file_name, file_hash=content_hash, user_id=user_id)
    db.session.add(batch)
    db.session.flush()

    roles = _merge_roles(parsed.roles, result)
    priorities = _merge_priorities(plan, parsed.priorities, parsed.actions, result)
    outcomes = _merge_outcomes(priorities, parsed.outcomes, result)
    _merge_kpis(priorities, parsed.kpis, result)
    periods = _merge_periods(plan, parsed.review_periods, parsed.actions, result)
    _merge_actions(plan, parsed.actions, priorities, outcomes, periods, roles, batch, result)

    batch.summary = result.summary()
    batch.problems = [problem.as_dict() for problem in parsed.problems]
    result.batch = batch
    audit.record(
        event="plan.imported",
        entity=plan,
        summary=f"Imported {file_name}: {result.created_actions} actions created, "
        f"{result.changed_actions} changed, {result.new_updates} updates added",
        user_id=user_id,
        after=batch.summary,
    )
    db.session.flush()
    return result


def _merge_roles(parsed_roles, result: ImportResult) -> dict[str, Role]:
    """Glossary entries by code; rows without a code (a group such as "SEND Advocacy Groups") by their title."""
    existing = list(db.session.scalars(select(Role)))
    roles = {role.code: role for role in existing if role.code}
    untitled = {role.title: role for role in existing if not role.code and role.title}
    for position, parsed in enumerate(parsed_roles):
        role = roles.get(parsed.code) if parsed.code else untitled.get(parsed.title)
        if role is None:
            role = Role(
                code=parsed.code,
                title=parsed.title,
                organisation=parsed.organisation,
                person=parsed.person,
                position=position,
            )
            db.session.add(role)
            db.session.flush()
            db.session.add(RoleHolder(role_id=role.id, person=parsed.person))
            if parsed.code:
                roles[parsed.code] = role
            else:
                untitled[parsed.title] = role
            result.created_roles += 1
            continue
        # A glossary in an older workbook must not undo a hand-over recorded in the tracker: only fill gaps.
        for name in ("title", "organisation", "person"):
            if getattr(role, name) is None and getattr(parsed, name) is not None:
                setattr(role, name, getattr(parsed, name))
    return roles


def _merge_priorities(plan: Plan, parsed_priorities, parsed_actions, result: ImportResult) -> dict[int, Priority]:
    existing = {p.number: p for p in db.session.scalars(select(Priority).where(Priority.plan_id == plan.id))}
    numbers = {p.number: p for p in parsed_priorities}
    # An action may name a priority that has no banner of its own (a flat sheet): it still needs a home.
    for parsed_action in parsed_actions:
        numbers.setdefault(parsed_action.priority, None)
    for number in sorted(numbers):
        parsed = numbers[number]
        title = parsed.title if parsed and parsed.title else f"Priority {number}"
        priority = existing.get(number)
        if priority is None:
            priority = Priority(
                plan_id=plan.id, number=number, title=title, position=number, lead_role=getattr(parsed, "lead", None)
            )
            db.session.add(priority)
            existing[number] = priority
        elif parsed and parsed.title and priority.title != parsed.title:
            changes = audit.apply_changes(priority, {"title": parsed.title})
            audit.record(
                event="priority.imported",
                entity=priority,
                summary=f"Priority {number} title changed by import",
                user_id=None,
                changes=changes,
            )
        result.priorities[number] = PriorityChanges(number=number, title=priority.title)
    db.session.flush()
    return existing


def _merge_outcomes(priorities: dict[int, Priority], parsed_outcomes, result: ImportResult) -> dict[str, Outcome]:
    priority_ids = [p.id for p in priorities.values()]
    outcomes = {o.ref: o for o in db.session.scalars(select(Outcome).where(Outcome.priority_id.in_(priority_ids)))}
    for position, parsed in enumerate(parsed_outcomes):
        outcome = outcomes.get(parsed.ref)
        if outcome is None:
            outcome = Outcome(
                priority_id=priorities[parsed.priority].id, ref=parsed.ref, text=parsed.text, position=position
            )
            db.session.add(outcome)
            outcomes[parsed.ref] = outcome
            result.created_outcomes += 1
        elif parsed.text and outcome.text != parsed.text:
            outcome.text = parsed.text
    db.session.flush()
    return outcomes


def _merge_kpis(priorities: dict[int, Priority], parsed_kpis, result: ImportResult) -> None:
    priority_ids = [p.id for p in priorities.values()]
    known = {(k.priority_id, k.text) for k in db.session.scalars(select(Kpi).where(Kpi.priority_id.in_(priority_ids)))}
    for position, parsed in enumerate(parsed_kpis):
        priority_id = priorities[parsed.priority].id
        if (priority_id, parsed.text) not in known:
            db.session.add(Kpi(priority_id=priority_id, text=parsed.text, position=position, direction="higher"))
            known.add((priority_id, parsed.text))
            result.created_kpis += 1


def _merge_periods(plan: Plan, labels: list[str], parsed_actions, result: ImportResult) -> dict[str, ReviewPeriod]:
    periods = {p.label: p for p in db.session.scalars(select(ReviewPeriod).where(ReviewPeriod.plan_id == plan.id))}
    next_position = max((p.position for p in periods.values()), default=-1) + 1
    wanted = list(labels)
    for parsed_action in parsed_actions:
        for update in parsed_action.updates:
            if update.period and update.period not in wanted:
                wanted.append(update.period)
    created = []
    for label in wanted:
        if label not in periods:
            span = parse_timeframe(label)
            period = ReviewPeriod(
                plan_id=plan.id, label=label, start_date=span.start, end_date=span.end, position=next_position
            )
            next_position += 1
            db.session.add(period)
            periods[label] = period
            created.append(period)
    if created and not any(p.is_current for p in periods.values()):
        max(periods.values(), key=lambda p: p.position).is_current = True
    result.created_periods = len(created)
    db.session.flush()
    return periods


def _merge_actions(plan, parsed_actions, priorities, outcomes, periods, roles, batch, result: ImportResult) -> None:
    existing_by_ref: dict[str, list[Action]] = defaultdict(list)
    for action in db.session.scalars(
        select(Action).where(Action.plan_id == plan.id).order_by(Action.position, Action.id)
    ):
        existing_by_ref[action.ref].append(action)
    seen_in_file: dict[str, int] = defaultdict(int)
    matched_ids: set[int] = set()
    new_rows: list[tuple[int, Any]] = []  # (position in the file, parsed action)
    to_update: list[tuple[Action, Any]] = []

    for position, parsed in enumerate(parsed_actions):
        # A ref repeated in the file matches the repeated ref in the tracker by order of appearance.
        occurrence = seen_in_file[parsed.ref]
        seen_in_file[parsed.ref] += 1
        candidates = existing_by_ref.get(parsed.ref, [])
        if occurrence < len(candidates):
            action = candidates[occurrence]
            matched_ids.add(action.id)
            changes = audit.apply_changes(action, action_values(parsed) | {"position": position})
            changes.pop("position", None)
            if changes:
                result.priorities[parsed.priority].changed += 1
                result.changed_fields[parsed.ref] = sorted(changes)
                audit.record(
                    event="action.imported",
                    entity=action,
                    summary=f"Action {action.ref} changed by import",
                    user_id=batch.user_id,
                    changes=changes,
                )
            else:
                result.priorities[parsed.priority].unchanged += 1
            to_update.append((action, parsed))
        else:
            new_rows.append((position, parsed))
            result.priorities[parsed.priority].created += 1

    # Multi-row Core INSERTs for new actions rather than an ORM object per row: large plans import in seconds.
    # Each new row's position is unique in this file, so RETURNING it maps ids back to rows in any order; asking
    # for ordered RETURNING instead would make SQLite insert one row at a time. Chunks keep the memory a large
    # workbook needs flat: only one chunk's row values and bound parameters are alive at a time.
    new_actions: list[tuple[int, Any]] = []
    table = Action.__table__
    now = _import_time()
    insert = table.insert().values(created_at=now, updated_at=now).returning(table.c.position, table.c.id)
    for start in range(0, len(new_rows), INSERT_CHUNK):
        chunk = new_rows[start : start + INSERT_CHUNK]
        rows = [_new_action_row(plan, position, parsed, priorities, outcomes) for position, parsed in chunk]
        id_at = dict(db.session.execute(insert, rows).all())
        new_actions.extend((id_at[position], parsed) for position, parsed in chunk)
    _append_updates(new_actions, to_update, periods, batch, result, now)
    refresh_latest_updates(plan_id=plan.id)  # the pages read each action's newest update through its pointer
    relink_leads([(action_id, parsed.lead) for action_id, parsed in new_actions], roles, new_actions=True)
    relink_leads([(action.id, parsed.lead) for action, parsed in to_update], roles)
    result.missing = [
        action
        for actions in existing_by_ref.values()
        for action in actions
        if action.id not in matched_ids and action.retired_at is None
    ]


def _import_time():
    """The moment of this import, as one SQL literal for every row it inserts: a timestamp bound per row would be
    worked out and converted for the database 20,000 times in a 5,000-action plan. Naive UTC, written as both
    databases read a timestamp and as SQLAlchemy writes one to SQLite."""
    return literal_column(f"'{utcnow().replace(tzinfo=None):%Y-%m-%d %H:%M:%S.%f}'", UTCDateTime())


def _new_action_row(plan: Plan, position: int, parsed, priorities, outcomes) -> dict[str, Any]:
    outcome = outcomes.get(parsed.outcome) if parsed.outcome else None
    return action_values(parsed) | {
        "position": position,
        "plan_id": plan.id,
        "priority_id": priorities[parsed.priority].id,
        "outcome_id": outcome.id if outcome else None,
        "ref": parsed.ref,
    }


def _append_updates(new_actions, existing_actions, periods, batch, result: ImportResult, now) -> None:
    """Add the file's progress entries that the tracker does not already hold, oldest period first."""
    known: set[tuple[int, int | None, str | None, str | None]] = set()
    if existing_actions:
        known = {
            tuple(row)
            for row in db.session.execute(
                select(
                    ProgressUpdate.action_id,
                    ProgressUpdate.review_period_id,
                    ProgressUpdate.rag,
                    ProgressUpdate.narrative,
                )
                .join(Action, Action.id == ProgressUpdate.action_id)
                .where(Action.plan_id == batch.plan_id)
            )
        }
    insert = ProgressUpdate.__table__.insert().values(created_at=now)
    rows = []
    for action_id, parsed in [*new_actions, *((a.id, p) for a, p in existing_actions)]:
        for update in parsed.updates:
            if update.rag is None and not update.progress:
                continue
            period = periods.get(update.period) if update.period else None
            key = (action_id, period.id if period else None, update.rag, update.progress)
            if key in known:
                continue
            known.add(key)
            rows.append(
                {
                    "action_id": action_id,
                    "review_period_id": key[1],
                    "rag": update.rag,
                    "narrative": update.progress,
                    "source": "import",
                    "import_batch_id": batch.id,
                    "author_id": batch.user_id,
                }
            )
            result.priorities[parsed.priority].new_updates += 1
            if len(rows) == INSERT_CHUNK:
                db.session.execute(insert, rows)
                rows = []
    if rows:
        db.session.execute(insert, rows)
