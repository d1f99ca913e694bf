"""Importing a plan from Excel: upload, preview what would change, confirm. Nothing is written before confirm."""

import json
from io import BytesIO

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from wsoa.domain.not_found import found
from wsoa.extensions import db
from wsoa.forms import select_choices
from wsoa.forms.imports import ConfirmImportForm, RemapForm, UploadPlanForm, column_groups
from wsoa.importing.mapping import MappingProblem
from wsoa.importing.problems import WorkbookUnreadable
from wsoa.permissions import requires
from wsoa.reports.plan_workbook import plan_workbook
from wsoa.services import import_steps
from wsoa.services.exports import export_plan
from wsoa.services.imports import ImportRefused, sheet_lines
from wsoa.services.plans import get_plan
from wsoa.services.uploads import UploadMissing, load_upload

bp = Blueprint("imports", __name__)


def _kept() -> dict:
    """The largest workbook read (uploads wait for the next step in the database: wsoa.services.uploads)."""
    return {"max_bytes": current_app.config["MAX_WORKBOOK_BYTES"]}


@bp.route("/plans/import", methods=["GET", "POST"])
@requires("import_plans")
def upload():
    """Upload a workbook and see what importing it would do."""
    form = UploadPlanForm()
    form.target.choices = select_choices([(import_steps.NEW_PLAN, "A new plan"), *import_steps.import_targets()])
    if form.validate_on_submit():
        saved = import_steps.saved_mapping(import_steps.target_plan(form.target.data))
        content, file_name = form.workbook.data.read(), form.workbook.data.filename
        return _preview(form, content, file_name, form.target.data, saved, saved_mapping=bool(saved))
    return render_template("imports/upload.html", form=form)


def _preview(form, content: bytes, file_name: str, target: str, mapping, *, saved_mapping=False):
    """The preview of importing `content` with `mapping`, or the upload page with the reason it cannot be read."""
    try:
        preview = import_steps.preview_import(content, file_name=file_name, target=target, mapping=mapping, **_kept())
        db.session.commit()  # the upload, kept for the next step on whichever server serves it
    except (WorkbookUnreadable, ImportRefused) as error:
        why = "read" if isinstance(error, WorkbookUnreadable) else "imported"
        form.workbook.errors = [*form.workbook.errors, f"The file could not be {why}: {error}"]
        return render_template("imports/upload.html", form=form)
    parsed = preview.parsed
    columns = json.dumps([(read.sheet, read.column, read.heading) for read in parsed.columns], ensure_ascii=False)
    page = {  # the template's names
        "parsed": parsed, "digest": preview.digest, "file_name": file_name, "preview": preview.result,
        "remap": RemapForm(target=target, columns=columns), "column_groups": column_groups(parsed),
        "saved_mapping": saved_mapping, "chosen_mapping": mapping is not None and not saved_mapping,
    }  # fmt: skip
    if preview.result is None:
        return render_template("imports/preview.html", refused=sheet_lines(parsed), **page), 422
    mapping_json = json.dumps(parsed.mapping().as_document(), ensure_ascii=False)
    confirm = ConfirmImportForm(target=target, mapping=mapping_json)
    return render_template("imports/preview.html", confirm=confirm, refused=None, **page)


@bp.route("/plans/import/<digest>/<path:file_name>/columns", methods=["POST"])
@requires("import_plans")
def remap(digest: str, file_name: str):
    """Preview the upload again with the column meanings the officer chose."""
    form = RemapForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        content = load_upload(digest)
        mapping = import_steps.chosen_mapping(form.columns.data, request.form)
    except UploadMissing:
        flash("That upload has expired or was already imported. Upload the workbook again.", "error")
        return redirect(url_for("imports.upload"))
    except MappingProblem as problem:
        flash(f"The column meanings could not be used ({problem.reason}). Upload the workbook again.", "error")
        return redirect(url_for("imports.upload"))
    return _preview(UploadPlanForm(), content, file_name, form.target.data, mapping)


@bp.route("/plans/import/<digest>/<path:file_name>", methods=["POST"])
@requires("import_plans")
def confirm(digest: str, file_name: str):
    """Import the previewed workbook for real, in one transaction, and keep its column mapping with the plan."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    target, mapping_json = form.target.data, form.mapping.data
    try:
        result = import_steps.confirm_import(
            digest, file_name=file_name, target=target, mapping_json=mapping_json, user_id=current_user.id, **_kept()
        )
    except (UploadMissing, MappingProblem, ImportRefused) as refused:
        db.session.rollback()
        flash(import_steps.why_not_imported(file_name, refused), "error")
        return redirect(url_for("imports.upload"))
    db.session.commit()
    flash(import_steps.imported(file_name, result), "success")
    return redirect(url_for("plans.overview", plan_id=result.plan.id))


@bp.route("/plans/<int:plan_id>/export.xlsx")
@requires("view")
def export(plan_id: int):
    """The whole plan as an Excel workbook in the standard WSoA layout."""
    plan = found(get_plan(plan_id))
    content = plan_workbook(export_plan(plan))
    filename = secure_filename(f"{plan.title}.xlsx") or "plan.xlsx"
    return send_file(
        BytesIO(content),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=filename,
    )
