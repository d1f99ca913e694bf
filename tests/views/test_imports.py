"""Importing through the web: upload, preview (nothing written), confirm."""

from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import IMPORTS_DIR
from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.importing.workbooks import REFUSED_FILES, flat_plan, save
from wsoa.extensions import db
from wsoa.models import Action, ImportBatch, Plan
from wsoa.services import imports

SAMPLE = (IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx").read_bytes()


def upload(client, content: bytes, name: str = "shropshire.xlsx", target: str = "new"):
    token = csrf_token_from(client.get("/plans/import").get_data(as_text=True))
    return client.post(
        "/plans/import",
        data={"workbook": (BytesIO(content), name), "target": target, "csrf_token": token},
        content_type="multipart/form-data",
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_preview_shows_what_will_change_and_writes_nothing(client, login_as):
    login_as("admin")
    page = page_of(upload(client, SAMPLE))
    assert page.select_one("h1").text.startswith("Check the import of shropshire.xlsx")
    first_priority = normalise_spaces(page.select("main table")[0].select("tbody tr")[0])
    assert first_priority.endswith("15 0 0 9")  # 15 new actions, 9 with Nov 20 progress
    problems = [normalise_spaces(row) for row in page.select_one("#problems").select("tbody tr")]
    assert "Warning Priority 2 30 A Duplicate action ref 2.4.1 (rows 29 and 30): both actions are kept." in problems
    due_row = next(row for row in page.select("main table tr") if "Completion Date" in normalise_spaces(row))
    assert due_row.select_one("select option[selected]")["value"] == "due"
    assert "names it" in normalise_spaces(due_row)
    assert (count(Plan), count(Action), count(ImportBatch)) == (0, 0, 0)


def test_confirm_imports_the_previewed_file(client, login_as):
    login_as("admin")
    preview = upload(client, SAMPLE)
    form = page_of(preview).select_one("form[action*='/plans/import/']:not([action$='/columns'])")
    response = client.post(form["action"], data={"csrf_token": csrf_token_from(str(form)), "target": "new"})
    assert response.status_code == 302
    assert count(Action) == 66
    batch = db.session.scalar(select(ImportBatch))
    assert batch.file_name == "shropshire.xlsx"
    assert batch.user_id is not None
    overview = page_of(client.get(response.headers["Location"]))
    assert "Imported shropshire.xlsx: 66 actions added" in normalise_spaces(overview)


def test_a_file_that_is_not_a_workbook_gets_a_field_error(client, login_as):
    login_as("admin")
    page = page_of(upload(client, b"ref,action\n1.1.1,Review\n", name="plan.xlsx"))
    assert page.title.text.startswith("Error: ")
    assert (
        "The file could not be read: it is not an Excel workbook (.xlsx)"
        in page.select_one(".govuk-error-summary").text
    )
    assert count(Plan) == 0


def every_table_count() -> dict[str, int]:
    db.session.rollback()  # see what the requests committed
    return {table.name: count(table) for table in db.metadata.sorted_tables}


@pytest.mark.parametrize(
    ("content", "reason"), [pytest.param(build(), reason, id=name) for name, build, reason in REFUSED_FILES]
)
def test_a_file_that_is_not_a_readable_workbook_is_refused_in_one_line_and_nothing_is_saved(
    client, login_as, app, content, reason
):
    login_as("admin")
    rows_before = every_table_count()

    page = page_of(upload(client, content, name="plan.xlsx"))

    assert page.title.text.strip().startswith("Error: ")
    assert page.select_one("h1").text.strip() == "Import a plan from Excel", "the upload page again, not an error page"
    problems = [item.get_text() for item in page.select(".govuk-error-summary li")]
    assert len(problems) == 1
    assert "\n" not in problems[0].strip()
    assert problems[0].strip().startswith("The file could not be read: ")
    assert reason in problems[0]
    assert every_table_count() == rows_before, "nothing kept, not even the upload (pending_upload)"


def test_an_xls_file_is_refused_by_name_with_advice(client, login_as):
    login_as("admin")
    page = page_of(upload(client, b"anything", name="plan.xls"))
    assert "save it as .xlsx" in page.select_one(".govuk-error-summary").text


def test_only_admins_may_import(client, login_as):
    login_as("editor")
    assert client.get("/plans/import").status_code == 403
    assert upload_without_page(client).status_code in (400, 403)


def upload_without_page(client):
    return client.post(
        "/plans/import", data={"workbook": (BytesIO(SAMPLE), "x.xlsx")}, content_type="multipart/form-data"
    )


def test_anyone_signed_in_can_download_the_plan_as_excel(client, login_as):
    login_as("admin")
    preview = upload(client, SAMPLE)
    form = page_of(preview).select_one("form[action*='/plans/import/']:not([action$='/columns'])")
    client.post(form["action"], data={"csrf_token": csrf_token_from(str(form)), "target": "new"})
    plan = db.session.scalar(select(Plan))
    response = client.get(f"/plans/{plan.id}/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    from wsoa.importing.workbook import read_workbook

    assert len(read_workbook(response.data).actions) == 66


def test_an_upload_over_the_size_limit_gets_the_file_too_large_page(client, login_as, app):
    login_as("admin")
    token = csrf_token_from(client.get("/plans/import").get_data(as_text=True))
    limit = app.config["MAX_CONTENT_LENGTH"]
    boundary = "wsoa-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="big.xlsx"\r\n\r\n'
        ).encode()
        + b"PK"
        + b"0" * (limit + 1)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post("/plans/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    page = page_of(response, status=413)
    assert page.select_one("h1").text == "The file is too large"
    assert count(Plan) == 0


# -- long and hostile text: stored whole, or refused with a reason; never a database error ---------------------------

LONG_REF = "1" + ".2" * 200  # 401 characters, past every limit a ref column ever had


def confirm_previewed(client, preview):
    form = page_of(preview).select_one("form[action*='/plans/import/']:not([action$='/columns'])")
    return client.post(form["action"], data={"csrf_token": csrf_token_from(str(form)), "target": "new"})


def test_confirming_a_workbook_with_a_very_long_ref_and_file_name_stores_both_whole(client, login_as):
    login_as("admin")
    content = save(
        flat_plan(
            [
                [1, "1.1.1.1.1.1.1.1.1.1.1.1.1", "A 25-character ref", "Dec 20", "DCS", None, None, None],
                [1, LONG_REF, "Review the strategy", "Dec 20", "DCS " + "and partners " * 40, None, "Green", "Done"],
            ],
            title="Testshire WSoA " + "(revised) " * 60,
        )
    )
    name = "Testshire plan, " + "révisé 🙂 " * 40 + ".xlsx"

    preview = upload(client, content, name=name)
    response = confirm_previewed(client, preview)

    assert response.status_code == 302
    overview = page_of(client.get(response.headers["Location"]))
    assert "Imported Testshire plan" in normalise_spaces(overview)
    assert sorted(db.session.scalars(select(Action.ref))) == ["1.1.1.1.1.1.1.1.1.1.1.1.1", LONG_REF]
    assert db.session.scalar(select(ImportBatch.file_name)) == name
    assert db.session.scalar(select(Plan.title)) == "Testshire WSoA " + "(revised) " * 59 + "(revised)"


def test_a_workbook_the_database_cannot_store_is_refused_at_upload_with_a_reason(client, login_as, app):
    login_as("admin")
    too_long = "1" + ".2" * 300  # 601 characters: more than a ref may be
    content = save(flat_plan([[1, too_long, "Review the strategy", "Dec 20", "DCS", None, None, None]]))
    rows_before = every_table_count()

    page = page_of(upload(client, content, name="plan.xlsx"))

    assert page.select_one("h1").text.strip() == "Import a plan from Excel"
    problems = [normalise_spaces(item) for item in page.select(".govuk-error-summary li")]
    assert problems == [
        "The file could not be imported: Action plan row 4: the action ref is 601 characters long, and can be at "
        "most 500; correct the workbook and import it again. Nothing was imported"
    ]
    assert every_table_count() == rows_before, "nothing kept, not even the upload (pending_upload)"


def test_a_database_refusal_at_confirm_is_a_message_on_the_upload_page_and_saves_nothing(client, login_as, monkeypatch):
    login_as("admin")
    preview = upload(client, SAMPLE)
    rows_before = every_table_count()

    def refused_by_the_database(*args, **kwargs):
        db.session.execute(Plan.__table__.insert().values(title="x", kind="made_up_kind", status="active"))

    monkeypatch.setattr(imports, "_merge_kpis", refused_by_the_database)
    response = confirm_previewed(client, preview)

    assert response.status_code == 302
    page = page_of(client.get(response.headers["Location"]))
    assert page.select_one("h1").text.strip() == "Import a plan from Excel"
    message = normalise_spaces(page.select_one("main"))
    assert "shropshire.xlsx could not be imported: the database refused it (" in message
    assert "so nothing was imported." in message
    assert every_table_count() == rows_before


# -- every sheet accounted for, never an empty import, the column mapping -----------------------------------------

CORPUS = Path(__file__).parents[1] / "importing" / "corpus"


def confirm_form(page):
    return page.select_one("form[action*='/plans/import/']:not([action$='/columns'])")


def remap_form(page):
    return page.select_one("form[action$='/columns']")


def choices_of(form) -> dict[str, str]:
    """Each select's name and chosen value, as the browser would post them."""
    return {select["name"]: select.select_one("option[selected]")["value"] for select in form.select("select")}


def test_a_workbook_with_no_readable_table_is_refused_in_the_page_with_each_sheets_reason(client, login_as):
    login_as("admin")
    response = upload(client, (CORPUS / "no-readable-table.xlsx").read_bytes(), name="plan.xlsx")
    page = page_of(response, 422)

    assert page.title.text.strip().startswith("Error: ")
    assert "plan.xlsx cannot be imported" in normalise_spaces(page.select_one(".govuk-error-summary"))
    reasons = [normalise_spaces(item) for item in page.select(".govuk-error-summary li")]
    assert [reason.split(":")[0] for reason in reasons] == ["Cover", "Our journey", "Budget"]
    assert confirm_form(page) is None
    assert "Confirm and import" not in normalise_spaces(page)
    assert ".toml" not in normalise_spaces(page)
    assert (count(Plan), count(Action), count(ImportBatch)) == (0, 0, 0)


def test_the_preview_says_what_every_sheet_was_read_as(client, login_as):
    login_as("admin")
    page = page_of(upload(client, SAMPLE))

    sheets = [normalise_spaces(row) for row in page.select("#sheets tbody tr")]
    assert sheets[0] == "Contents Priorities list 6 priorities (number and title)"
    assert sheets[1] == "Priority 1 Action table 15 actions and 7 impact measures (KPIs) above the table"
    assert sheets[-1].startswith("Key roles Key-roles glossary")


def unknown_headings_workbook(extra_row=None) -> bytes:
    from tests.importing.corpus.build_corpus import unknown_headings

    workbook, _ = unknown_headings()
    if extra_row:
        workbook["Priority 1"].append(extra_row)
    return save(workbook)


def test_the_officer_changes_a_columns_meaning_previews_again_confirms_and_the_mapping_is_kept(client, login_as):
    login_as("admin")
    page = page_of(upload(client, unknown_headings_workbook(), name="plan.xlsx"))
    form = remap_form(page)
    chosen = choices_of(form)
    blither = next(row for row in form.select("tr") if "Blither" in normalise_spaces(row)).select_one("select")
    assert chosen[blither["name"]] == "progress"
    assert "naming review periods" in normalise_spaces(form)

    chosen[blither["name"]] = "success_criteria"
    again = client.post(
        form["action"],
        data={
            "csrf_token": csrf_token_from(str(form)),
            "target": "new",
            "columns": form.select_one("#remap-columns")["value"],
            **chosen,
        },
    )
    page = page_of(again)
    assert again.status_code == 200
    assert "read with the meanings you chose" in normalise_spaces(page)
    assert count(Plan) == 0

    form = confirm_form(page)
    mapping = form.select_one("input[name=mapping]")["value"]
    response = client.post(
        form["action"], data={"csrf_token": csrf_token_from(str(form)), "target": "new", "mapping": mapping}
    )
    assert response.status_code == 302
    plan = db.session.scalar(select(Plan))
    assert {"sheet": "Priority 1", "heading": "Blither", "field": "success_criteria"} in plan.import_mapping["columns"]
    criteria = db.session.scalar(select(Action.success_criteria).where(Action.ref == "1.1.1"))
    assert criteria.startswith("In March 2020 the board met")

    # The next version, imported into the same plan: read with the saved mapping, no choice needed.
    extra = ["1.2.2", "Hold a launch event for the strategy", "HoSEND", "Jun 20", "Green", "Launch held in June 2020"]
    page = page_of(upload(client, unknown_headings_workbook(extra), name="plan-v2.xlsx", target=str(plan.id)))
    assert "mapping confirmed when this plan was last imported" in normalise_spaces(page)
    form = confirm_form(page)
    response = client.post(
        form["action"],
        data={
            "csrf_token": csrf_token_from(str(form)),
            "target": str(plan.id),
            "mapping": form.select_one("input[name=mapping]")["value"],
        },
    )
    assert response.status_code == 302
    criteria = db.session.scalar(select(Action.success_criteria).where(Action.ref == "1.2.2"))
    assert criteria == "Launch held in June 2020"


def test_a_tampered_column_meaning_is_a_message_not_an_error_page(client, login_as):
    login_as("admin")
    page = page_of(upload(client, unknown_headings_workbook(), name="plan.xlsx"))
    form = remap_form(page)

    response = client.post(
        form["action"],
        data={
            "csrf_token": csrf_token_from(str(form)),
            "target": "new",
            "columns": form.select_one("#remap-columns")["value"],
            "field-0": "owner",
        },
    )

    assert response.status_code == 302
    follow = page_of(client.get(response.headers["Location"]))
    assert "field 'owner' is not one of" in normalise_spaces(follow)


def test_a_refused_workbook_is_read_once_the_officer_says_what_its_columns_mean(client, login_as):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Workstream B"
    for row in (
        ["Task", "Person", "Date"],
        ["Audit files", "Head of SEN", "Jan 21"],
        ["Train staff", "SENCO", "Feb 21"],
    ):
        sheet.append(row)
    login_as("admin")
    page = page_of(upload(client, save(workbook), name="plan.xlsx"), 422)
    form = remap_form(page)
    chosen = {}
    for row in form.select("tbody tr"):
        heading = row.select("td")[1].get_text(strip=True)
        chosen[row.select_one("select")["name"]] = {"Task": "title", "Person": "lead", "Date": "due"}[heading]

    again = client.post(
        form["action"],
        data={
            "csrf_token": csrf_token_from(str(form)),
            "target": "new",
            "columns": form.select_one("#remap-columns")["value"],
            **chosen,
        },
    )

    page = page_of(again)
    assert page.select_one("h1").text.startswith("Check the import of plan.xlsx")
    assert "Workstream B Action table 2 actions" in [normalise_spaces(row) for row in page.select("#sheets tbody tr")]
    assert confirm_form(page) is not None
