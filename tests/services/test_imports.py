"""Importing into the database: merge by ref, never delete, never duplicate history, round trip through export."""

import hashlib
import json
from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from config import IMPORTS_DIR
from tests.conftest import page_of
from tests.importing.workbooks import STANDARD_HEADINGS, cover_sheet, flat_plan, priority_sheet, save, solid
from wsoa.extensions import db
from wsoa.importing.rag import rag_from_fill
from wsoa.importing.workbook import read_workbook
from wsoa.models import (
    Action,
    ActionLead,
    AuditEvent,
    ImportBatch,
    Kpi,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    ReviewPeriod,
    Role,
)
from wsoa.reports.plan_workbook import plan_workbook
from wsoa.services.exports import export_plan
from wsoa.services.imports import ACTION_FIELDS, file_hash, import_parsed_plan

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


def test_a_plan_inserted_in_small_chunks_is_the_same_plan(database, monkeypatch):
    """Large imports insert in chunks; each action's updates and leads land on that action whatever the chunk."""
    whole = import_bytes(SAMPLE).plan.id
    monkeypatch.setattr("wsoa.services.imports.INSERT_CHUNK", 4)
    result = import_bytes(SAMPLE)
    assert result.plan.id != whole
    assert (result.created_actions, result.new_updates) == (66, 35)
    assert plan_state(result.plan.id) == plan_state(whole)
    leads = db.session.execute(
        select(Action.plan_id, Action.ref, Action.position, Role.code)
        .join(ActionLead, ActionLead.action_id == Action.id)
        .join(Role, Role.id == ActionLead.role_id)
    ).all()
    by_plan = {plan_id: sorted(row[1:] for row in leads if row[0] == plan_id) for plan_id in (whole, result.plan.id)}
    assert by_plan[whole]
    assert by_plan[whole] == by_plan[result.plan.id]


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


# -- a plan that exercises everything the export must carry back: ratings as words and as fills, two review periods,
# outcome and section rows, impact measures, the key-roles glossary and a column the importer does not know --------

ROUND_TRIP_HEADINGS = [
    *STANDARD_HEADINGS[:7],
    "Progress Nov 20",
    "RAG Nov 20",
    "Progress Mar 21",
    "RAG Mar 21",
    "Evidence folder",  # no synonym names it: kept as an extra field under its heading
]
RAG_MAR_21_COLUMN = ROUND_TRIP_HEADINGS.index("RAG Mar 21") + 1
# Mar 21 is rated by cell colour alone, as some councils do: a fill and no word.
MAR_21_FILLS = {"1.1.1": "FF00B050", "1.1.2": "FFFFC000", "1.1.3": "FFFF0000", "1.2.1": "FF0070C0", "2.1.1": "FFFFC000"}
MAR_21_RATINGS = {"1.1.1": "green", "1.1.2": "amber", "1.1.3": "red", "1.2.1": "blue", "2.1.1": "amber"}


def round_trip_workbook() -> bytes:
    workbook = Workbook()
    cover_sheet(workbook, "Testshire local area WSoA")
    # fmt: off
    priority_sheet(
        workbook, 1, "Weak strategic leadership and governance",
        outcomes=[["1.1", "Leaders know the area's needs"], ["1.2", "Families shape the services they use"]],
        measures=["90% of EHC plans issued within 20 weeks", "Fewer complaints upheld by the Ombudsman"],
        headings=ROUND_TRIP_HEADINGS,
        rows=[
            ["1.1", "Governance"],  # an outcome row: the actions below belong to 1.1, under this section
            ["1.1.1", "Review the SEND governance structure", "Dec 20", "DCS", "Health and education",
             "Officer time", "Terms of reference agreed", "Draft terms written", "Green", "Agreed by the board",
             None, "SharePoint > WSoA > 1.1.1"],
            ["1.1.2", "Publish the SEND strategy\n• consult\n• publish", "Sep 20 and ongoing", "DoP/DCS",
             "Parent carer forum", None, "Strategy published", "Consultation started", "Amber",
             "Published in February", None, None],
            [None, "Co-production"],  # a section row: same outcome, new section
            ["1.1.3", "Co-produce the local offer", "Sept 21 (subject to funding)", "PCF", None, "£10,000",
             "Families say the offer helps", None, "Not started", "Workshops held", None, "Local offer folder"],
            ["1.2", "Listening to families"],
            ["1.2.1", "Run a families' survey each term", "Q3 2021/22", "DCS", "Schools", None, None,
             "Survey designed", "Complete", "Second survey done", None, None],
        ],
    )
    priority_sheet(
        workbook, 2, "Health services do not meet needs",
        outcomes=[["2.1", "Waiting times fall"]],
        measures=["92% of children seen within 18 weeks"],
        headings=ROUND_TRIP_HEADINGS,
        rows=[
            ["2.1.1", "Recruit two paediatric therapists", "Oct 20 to Feb 21", "DoP", "Provider trust",
             "£120,000 a year", "Posts filled", None, None, "One post filled", None, "HR ref 42"],
        ],
    )
    # fmt: on
    for sheet in workbook.worksheets[1:]:
        for row in sheet.iter_rows():
            if (ref := row[0].value) in MAR_21_FILLS:
                sheet.cell(row[0].row, RAG_MAR_21_COLUMN).fill = solid(MAR_21_FILLS[ref])
    roles = workbook.create_sheet("Key roles")
    roles.append(["Key roles"])
    roles.append([])
    roles.append(["Code", "Role", "Organisation", "Name"])
    roles.append(["DCS", "Director of Children's Services", "Testshire Council", "Karen Bradshaw"])
    roles.append(["DoP", "Director of Partnerships", "Testshire ICB", "Claire Parker"])
    roles.append(["PCF", "Chair of the Parent Carer Forum", "Testshire PCF", "Sam Jones"])
    return save(workbook)


def contract(app, tmp_path, content: bytes) -> dict:
    """What `wsoa import-plan PATH --dry-run --json` says the file holds."""
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["import-plan", str(path), "--dry-run", "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def whole_plan(plan_id: int) -> dict:
    """Every stored field of the plan's actions, their updates, and how many rows each kind of record has."""
    actions = db.session.scalars(select(Action).where(Action.plan_id == plan_id).order_by(Action.position)).all()
    updates = db.session.execute(
        select(Action.ref, ReviewPeriod.label, ProgressUpdate.rag, ProgressUpdate.narrative, ProgressUpdate.id)
        .join(ProgressUpdate, ProgressUpdate.action_id == Action.id)
        .outerjoin(ReviewPeriod, ReviewPeriod.id == ProgressUpdate.review_period_id)
        .where(Action.plan_id == plan_id)
        .order_by(ProgressUpdate.id)
    ).all()
    return {
        "actions": [
            {name: getattr(a, name) for name in (*ACTION_FIELDS, "ref", "priority_id", "outcome_id", "position")}
            for a in actions
        ],
        "updates": [tuple(update) for update in updates],
        "rows": {model.__name__: count(model) for model in (Priority, Outcome, Kpi, ReviewPeriod, Role, Action)},
        "leads": sorted(tuple(link) for link in db.session.execute(select(ActionLead.action_id, ActionLead.role_id))),
    }


def test_a_rated_plan_with_history_roles_and_extra_fields_survives_export_and_reimport(app, client, login_as, tmp_path):
    officer = login_as("viewer")  # anyone signed in may download the plan
    content = round_trip_workbook()
    original = contract(app, tmp_path, content)
    # The workbook says what the test is about, so the comparisons below are not of empty lists.
    updates = {a["ref"]: {u["period"]: u["rag"] for u in a["updates"]} for a in original["actions"]}
    assert {ref: by_period.get("Mar 21") for ref, by_period in updates.items()} == MAR_21_RATINGS
    assert {ref: by_period.get("Nov 20") for ref, by_period in updates.items()} == {
        "1.1.1": "green",
        "1.1.2": "amber",
        "1.1.3": None,
        "1.2.1": "blue",
        "2.1.1": None,
    }
    assert "Nov 20" not in updates["2.1.1"], "no progress and no rating: no update for that period"
    assert [(a["outcome"], a["section"]) for a in original["actions"]] == [
        ("1.1", "Governance"),
        ("1.1", "Governance"),
        ("1.1", "Co-production"),
        ("1.2", "Listening to families"),
        ("2.1", None),
    ]
    assert (len(original["kpis"]), len(original["roles"]), len(original["outcomes"])) == (3, 3, 3)
    assert [e for e in original["problems"] if e["severity"] == "error"] == []
    extras = [a.extra for a in read_workbook(content).actions]
    assert extras[0] == {"Evidence folder": "SharePoint > WSoA > 1.1.1"}

    result = import_parsed_plan(
        read_workbook(content), file_name="testshire-wsoa.xlsx", content_hash=file_hash(content), user_id=officer.id
    )
    db.session.commit()

    batch = db.session.scalar(select(ImportBatch))
    assert batch.file_name == "testshire-wsoa.xlsx"
    assert batch.file_hash == hashlib.sha256(content).hexdigest()
    assert batch.user_id == officer.id
    assert batch.summary == {
        "new_plan": True,
        "actions_created": 5,
        "actions_changed": 0,
        "updates_added": 8,  # two periods for three actions, one for the other two
        "roles_created": 3,
        "outcomes_created": 3,
        "kpis_created": 3,
        "periods_created": 2,
        "missing_from_file": [],
    }

    overview = page_of(client.get(f"/plans/{result.plan.id}"))
    link = overview.find("a", string=lambda text: text and text.strip() == "Download the plan as Excel")
    download = client.get(link["href"])
    assert download.status_code == 200
    exported = download.data

    sheet = load_workbook(BytesIO(exported))["Priority 1"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Action Ref")
    rag_column = next(cell.column for cell in header if cell.value == "RAG Mar 21")
    row = next(row for row in sheet.iter_rows() if row[0].value == "1.1.2")
    rated = sheet.cell(row[0].row, rag_column)
    assert rated.value == "Amber", "a rating read from a colour alone is written as a word"
    assert rated.fill.fill_type == "solid"
    assert rag_from_fill(rated.fill, []) == "amber", "and keeps a colour that means the same"

    again = contract(app, tmp_path, exported)
    for part in ("plan", "priorities", "outcomes", "actions", "kpis", "roles"):
        assert again[part] == original[part], part
    assert [e for e in again["problems"] if e["severity"] == "error"] == []
    assert [a.extra for a in read_workbook(exported).actions] == extras

    before = whole_plan(result.plan.id)
    reimport = import_parsed_plan(
        read_workbook(exported), file_name="export.xlsx", content_hash=file_hash(exported), plan=result.plan
    )
    db.session.commit()
    assert not reimport.changes_anything, reimport.summary()
    assert (reimport.changed_fields, reimport.missing) == ({}, [])
    assert whole_plan(result.plan.id) == before
