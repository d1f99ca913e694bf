"""Bringing a parsed workbook into the database: create or merge by ref, never delete, never duplicate history."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from wsoa.bulk import fewer_garbage_collections
from wsoa.domain.timeframes import parse_timeframe
from wsoa.extensions import db
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
from wsoa.services import audit
from wsoa.services.leads import relink_leads

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
) -> ImportResult:
    """Merge `parsed` into `plan` (or a new plan) and record the batch; with dry_run, work out the same and roll back.

    The caller commits. With dry_run everything happens inside a savepoint that is rolled back, so the preview is
    computed by exactly the code that will do the import.
    """
    savepoint = db.session.begin_nested()
    try:
        with fewer_garbage_collections():
            result = _merge(parsed, file_name=file_name, content_hash=content_hash, user_id=user_id, plan=plan)
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
    new_rows: list[tuple[Any, dict[str, Any]]] = []
    to_update: list[tuple[Action, Any]] = []

    for position, parsed in enumerate(parsed_actions):
        # A ref repeated in the file matches the repeated ref in the tracker by order of appearance.
        occurrence = seen_in_file[parsed.ref]
        seen_in_file[parsed.ref] += 1
        candidates = existing_by_ref.get(parsed.ref, [])
        values = action_values(parsed)
        values["position"] = position
        if occurrence < len(candidates):
            action = candidates[occurrence]
            matched_ids.add(action.id)
            changes = audit.apply_changes(action, values)
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
            outcome = outcomes.get(parsed.outcome) if parsed.outcome else None
            values.update(
                plan_id=plan.id,
                priority_id=priorities[parsed.priority].id,
                outcome_id=outcome.id if outcome else None,
                ref=parsed.ref,
            )
            new_rows.append((parsed, values))
            result.priorities[parsed.priority].created += 1

    # Multi-row Core INSERTs for new actions rather than an ORM object per row: large plans import in seconds.
    # Each new row's position is unique in this file, so RETURNING it maps ids back to rows in any order; asking
    # for ordered RETURNING instead would make SQLite insert one row at a time.
    new_ids = []
    if new_rows:
        table = Action.__table__
        returned = db.session.execute(
            table.insert().returning(table.c.position, table.c.id), [values for _, values in new_rows]
        )
        id_at = dict(returned.all())
        new_ids = [id_at[values["position"]] for _, values in new_rows]
    _append_updates(
        [(action_id, parsed) for action_id, (parsed, _) in zip(new_ids, new_rows, strict=True)],
        to_update,
        periods,
        batch,
        result,
    )
    relink_leads(
        [(action_id, parsed.lead) for action_id, (parsed, _) in zip(new_ids, new_rows, strict=True)],
        roles,
        new_actions=True,
    )
    relink_leads([(action.id, parsed.lead) for action, parsed in to_update], roles)
    result.missing = [
        action
        for actions in existing_by_ref.values()
        for action in actions
        if action.id not in matched_ids and action.retired_at is None
    ]


def _append_updates(new_actions, existing_actions, periods, batch, result: ImportResult) -> None:
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
    if rows:
        db.session.execute(ProgressUpdate.__table__.insert(), rows)
