"""Importing into the database: merge by ref, never delete, never duplicate history, round trip through export."""

from sqlalchemy import func, select

from config import IMPORTS_DIR
from tests.importing.workbooks import flat_plan, save
from wsoa.extensions import db
from wsoa.importing.workbook import read_workbook
from wsoa.models import Action, ActionLead, AuditEvent, ImportBatch, Outcome, Plan, ProgressUpdate, Role
from wsoa.reports.plan_workbook import plan_workbook
from wsoa.services.exports import export_plan
from wsoa.services.imports import file_hash, import_parsed_plan

SAMPLE = (IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx").read_bytes()


def import_bytes(content: bytes, plan=None, dry_run=False):
    result = import_parsed_plan(
        read_workbook(content), file_name="plan.xlsx", content_hash=file_hash(content), plan=plan, dry_run=dry_run
    )
    db.session.commit()
    return result


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def plan_state(plan_id: int) -> list[tuple]:
    actions = db.session.scalars(select(Action).where(Action.plan_id == plan_id).order_by(Action.position)).all()
    updates = db.session.execute(
        select(Action.ref, ProgressUpdate.rag, ProgressUpdate.narrative)
        .join(ProgressUpdate, ProgressUpdate.action_id == Action.id)
        .where(Action.plan_id == plan_id)
        .order_by(ProgressUpdate.id)
    ).all()
    fields = [
        (a.ref, a.title, a.due_text, a.due_end, a.lead, a.partners, a.resources, a.success_criteria, a.section)
        for a in actions
    ]
    return [*fields, *[tuple(u) for u in updates]]


def test_sample_plan_imports_completely(database):
    result = import_bytes(SAMPLE)
    assert result.created_actions == 66
    assert count(Action) == 66
    assert count(Outcome) == 15
    assert count(ProgressUpdate) == 35  # every Nov 20 progress entry in the workbook
    assert db.session.scalar(select(func.count()).select_from(Action).where(Action.ref == "2.4.1")) == 2
    assert count(ImportBatch) == 1
    assert db.session.scalar(select(ImportBatch.problems)) != []
    dcs = db.session.scalar(select(Role).where(Role.code == "DCS"))
    linked = db.session.scalar(select(func.count()).select_from(ActionLead).where(ActionLead.role_id == dcs.id))
    assert linked > 0


def test_a_dry_run_writes_nothing_but_says_what_would_happen(database):
    result = import_bytes(SAMPLE, dry_run=True)
    assert result.created_actions == 66
    assert (count(Plan), count(Action), count(ImportBatch), count(AuditEvent)) == (0, 0, 0, 0)


def test_importing_the_same_file_twice_changes_nothing(database):
    first = import_bytes(SAMPLE)
    before = (count(Action), count(ProgressUpdate), count(Outcome), count(Role))
    second = import_bytes(SAMPLE, plan=first.plan)
    assert (second.created_actions, second.changed_actions, second.new_updates) == (0, 0, 0)
    assert (count(Action), count(ProgressUpdate), count(Outcome), count(Role)) == before
    assert count(ImportBatch) == 2, "every import is recorded"


def test_reimport_updates_changed_fields_adds_new_and_lists_missing_without_deleting(database):
    old = flat_plan(
        [
            [1, "1.1.1", "Review the strategy", "Dec 20", "DCS", None, None, "Started"],
            [1, "1.1.2", "Publish the strategy", "Jan 21", "DCS", None, None, None],
            [1, "1.1.3", "Dropped later", "Jan 21", "DCS", None, None, None],
        ]
    )
    first = import_bytes(save(old))
    new = flat_plan(
        [
            [1, "1.1.1", "Review the strategy", "Mar 21", "DCS", None, "A", "Delayed by consultation"],
            [1, "1.1.2", "Publish the strategy", "Jan 21", "DCS", None, None, None],
            [1, "1.1.4", "A new action", "Jun 21", "DCS", None, None, None],
        ]
    )
    second = import_bytes(save(new), plan=first.plan)
    assert (second.created_actions, second.changed_actions, second.new_updates) == (1, 1, 1)
    assert second.changed_fields == {"1.1.1": ["due_end", "due_start", "due_text"]}
    assert [a.ref for a in second.missing] == ["1.1.3"]
    assert count(Action) == 4, "nothing is deleted"
    review = db.session.scalar(select(Action).where(Action.ref == "1.1.1"))
    narratives = db.session.scalars(
        select(ProgressUpdate.narrative).where(ProgressUpdate.action_id == review.id).order_by(ProgressUpdate.id)
    ).all()
    assert narratives == ["Started", "Delayed by consultation"], "history is appended, never overwritten"


def test_repeated_refs_are_matched_by_order_of_appearance(database):
    rows = [
        [1, "1.1.1", "First of two", "Dec 20", "DCS", None, None, None],
        [1, "1.1.1", "Second of two", "Dec 20", "DCS", None, None, None],
    ]
    first = import_bytes(save(flat_plan(rows)))
    rows[1][2] = "Second of two, reworded"
    second = import_bytes(save(flat_plan(rows)), plan=first.plan)
    assert (second.created_actions, second.changed_actions) == (0, 1)
    titles = db.session.scalars(select(Action.title).order_by(Action.position)).all()
    assert titles == ["First of two", "Second of two, reworded"]


def test_export_then_reimport_gives_the_same_plan(database):
    original = import_bytes(SAMPLE)
    exported = plan_workbook(export_plan(original.plan))
    reparsed = read_workbook(exported)
    assert [a.ref for a in reparsed.actions] == [a.ref for a in read_workbook(SAMPLE).actions]
    again = import_bytes(exported, plan=original.plan)
    assert (again.created_actions, again.changed_actions, again.new_updates) == (0, 0, 0)
    copy = import_bytes(exported)
    assert copy.plan.id != original.plan.id
    assert plan_state(copy.plan.id) == plan_state(original.plan.id)


def test_exported_cells_that_look_like_formulas_stay_text(database):
    rows = [[1, "1.1.1", '=HYPERLINK("http://evil")', "Dec 20", "+DCS", "-1", "@SUM(A1)", None]]
    workbook = flat_plan(rows)
    for cell in workbook.active[4]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text in the council's workbook that merely starts like a formula
    result = import_bytes(save(workbook))
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(plan_workbook(export_plan(result.plan))))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value]
    risky = [cell for cell in cells if str(cell.value).startswith(("=", "+", "-", "@"))]
    assert risky, "the test data reached the export"
    assert all(cell.data_type == "s" for cell in risky)
    assert all(cell.quotePrefix for cell in risky)


def test_long_cells_are_stored_whole_on_every_database(database):
    long_due = "Dec 20 (" + "subject to funding being agreed by the partnership board " * 8 + ")"
    long_lead = "DCS / DoP / " + "Head of Service for Children with Disabilities and their families, " * 3
    rows = [[1, "1.1.1", "Review", long_due, long_lead, None, None, None]]
    import_bytes(save(flat_plan(rows)))
    action = db.session.scalar(select(Action))
    assert (action.due_text, action.lead) == (long_due, long_lead.strip())
    assert len(action.due_note) > 300
