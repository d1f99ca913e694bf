"""Importing a plan from Excel: upload, preview what would change, confirm. Nothing is written before confirm."""

import json
from collections import Counter
from io import BytesIO
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from wsoa.extensions import db
from wsoa.forms import select_choices
from wsoa.forms.imports import NEW_PLAN, ConfirmImportForm, RemapForm, UploadPlanForm
from wsoa.importing.mapping import FIELDS, Mapping, MappingProblem
from wsoa.importing.problems import WorkbookUnreadable
from wsoa.importing.workbook import read_workbook
from wsoa.models import Plan
from wsoa.permissions import requires
from wsoa.reports.plan_workbook import plan_workbook
from wsoa.services.exports import export_plan
from wsoa.services.imports import ImportRefused, file_hash, import_parsed_plan, sheet_lines
from wsoa.services.uploads import UploadMissing, discard_upload, load_upload, store_upload

bp = Blueprint("imports", __name__)


def _uploads() -> Path:
    return Path(current_app.instance_path) / "uploads"


def _target_plan(target: str | None) -> Plan | None:
    if not target or target == NEW_PLAN:
        return None
    plan = db.session.get(Plan, int(target)) if target.isdigit() else None
    if plan is None or plan.archived_at is not None:  # an archived plan takes no imports until it is restored
        abort(404)
    return plan


@bp.route("/plans/import", methods=["GET", "POST"])
@requires("import_plans")
def upload():
    """Upload a workbook and see what importing it would do."""
    form = UploadPlanForm()
    plans = db.session.scalars(select(Plan).where(Plan.archived_at.is_(None)).order_by(Plan.title)).all()
    form.target.choices = select_choices([(NEW_PLAN, "A new plan"), *((str(p.id), p.title) for p in plans)])
    if form.validate_on_submit():
        content = form.workbook.data.read()
        target = _target_plan(form.target.data)
        try:
            saved = Mapping.from_document(target.import_mapping) if target and target.import_mapping else None
        except MappingProblem:
            saved = None  # a mapping an older version saved and this one cannot use: read the headings instead
        return _preview(form, content, form.workbook.data.filename, form.target.data, saved, saved_mapping=bool(saved))
    return render_template("imports/upload.html", form=form)


def _preview(form, content: bytes, file_name: str, target: str, mapping: Mapping | None, *, saved_mapping=False):
    """The preview of importing `content` with `mapping`, or the upload page with the reason it cannot be read."""
    try:
        parsed = read_workbook(content, max_bytes=current_app.config["MAX_WORKBOOK_BYTES"], mapping=mapping)
    except WorkbookUnreadable as error:
        form.workbook.errors = [*form.workbook.errors, f"The file could not be read: {error}"]
        return render_template("imports/upload.html", form=form)
    digest = file_hash(content)
    columns = [(read.sheet, read.column, read.heading) for read in parsed.columns]
    remap = RemapForm(target=target, columns=json.dumps(columns, ensure_ascii=False))
    page = {
        "parsed": parsed,
        "digest": digest,
        "file_name": file_name,
        "remap": remap,
        "column_groups": _column_groups(parsed),
        "saved_mapping": saved_mapping,
        "chosen_mapping": mapping is not None and not saved_mapping,
    }
    if not parsed.actions:
        store_upload(_uploads(), content)  # kept for the officer to say what the columns mean and preview again
        return render_template("imports/preview.html", preview=None, refused=sheet_lines(parsed), **page), 422
    try:
        preview = import_parsed_plan(
            parsed, file_name=file_name, content_hash=file_hash(content), plan=_target_plan(target), dry_run=True
        )
    except ImportRefused as refused:
        db.session.rollback()
        form.workbook.errors = [*form.workbook.errors, f"The file could not be imported: {refused}"]
        return render_template("imports/upload.html", form=form)
    db.session.rollback()
    store_upload(_uploads(), content)
    confirm = ConfirmImportForm(target=target, mapping=json.dumps(parsed.mapping().as_document(), ensure_ascii=False))
    return render_template("imports/preview.html", preview=preview, confirm=confirm, refused=None, **page)


def _column_groups(parsed) -> list[tuple[str, list]]:
    """The preview's selects by sheet: (sheet, [(index, column read, select items)])."""
    groups: dict[str, list] = {}
    for index, read in enumerate(parsed.columns):
        items = [{"value": value, "text": label, "selected": value == read.field} for value, label in FIELDS.items()]
        groups.setdefault(read.sheet, []).append((index, read, items))
    return list(groups.items())


@bp.route("/plans/import/<digest>/<path:file_name>/columns", methods=["POST"])
@requires("import_plans")
def remap(digest: str, file_name: str):
    """Preview the upload again with the column meanings the officer chose."""
    form = RemapForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        content = load_upload(_uploads(), digest)
    except UploadMissing:
        flash("That upload has expired or was already imported. Upload the workbook again.", "error")
        return redirect(url_for("imports.upload"))
    try:
        mapping = _chosen_mapping(form.columns.data, request.form)
    except MappingProblem as problem:
        flash(f"The column meanings could not be used ({problem.reason}). Upload the workbook again.", "error")
        return redirect(url_for("imports.upload"))
    upload_form = UploadPlanForm()
    return _preview(upload_form, content, file_name, form.target.data, mapping)


def _chosen_mapping(columns_json: str, posted) -> Mapping:
    """The preview's selects (field-0, field-1, …) over the columns it listed, as a mapping by sheet and letter."""
    try:
        columns = json.loads(columns_json or "[]")
    except ValueError:
        raise MappingProblem("the list of columns was damaged") from None
    if not isinstance(columns, list):
        raise MappingProblem("the list of columns was damaged")
    if not all(isinstance(column, list) and len(column) == 3 for column in columns):
        raise MappingProblem("the list of columns was damaged")
    # By heading where the sheet has it once, so that a sheet the reader could not place is found by those headings
    # next time; by letter where there is no heading or two columns share one.
    shared = Counter((sheet, heading) for sheet, _letter, heading in columns if heading)
    entries = []
    for index, (sheet, letter, heading) in enumerate(columns):
        field_name = posted.get(f"field-{index}")
        if field_name is None:
            continue
        key = {"heading": heading} if heading and shared[(sheet, heading)] == 1 else {"column": letter}
        entries.append({"sheet": sheet, **key, "field": field_name})
    return Mapping.from_document({"columns": entries}, "the column meanings")


@bp.route("/plans/import/<digest>/<path:file_name>", methods=["POST"])
@requires("import_plans")
def confirm(digest: str, file_name: str):
    """Import the previewed workbook for real, in one transaction, and keep its column mapping with the plan."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        content = load_upload(_uploads(), digest)
    except UploadMissing:
        flash("That upload has expired or was already imported. Upload the workbook again.", "error")
        return redirect(url_for("imports.upload"))
    try:
        mapping = Mapping.from_document(json.loads(form.mapping.data)) if form.mapping.data else None
    except (ValueError, MappingProblem):
        flash(f"{file_name} could not be imported: its column mapping was damaged. Upload it again.", "error")
        return redirect(url_for("imports.upload"))
    parsed = read_workbook(content, max_bytes=current_app.config["MAX_WORKBOOK_BYTES"], mapping=mapping)
    target = _target_plan(form.target.data)
    try:
        result = import_parsed_plan(
            parsed,
            file_name=file_name,
            content_hash=digest,
            plan=target,
            user_id=current_user.id,
            mapping=parsed.mapping().as_document(),
        )
    except ImportRefused as refused:
        db.session.rollback()
        flash(f"{file_name} could not be imported: {refused}.", "error")
        return redirect(url_for("imports.upload"))
    db.session.commit()
    discard_upload(_uploads(), digest)
    flash(
        f"Imported {file_name}: {result.created_actions} actions added, {result.changed_actions} changed, "
        f"{result.new_updates} progress updates added.",
        "success",
    )
    return redirect(url_for("plans.overview", plan_id=result.plan.id))


@bp.route("/plans/<int:plan_id>/export.xlsx")
@requires("view")
def export(plan_id: int):
    """The whole plan as an Excel workbook in the standard WSoA layout."""
    plan = db.get_or_404(Plan, plan_id)
    content = plan_workbook(export_plan(plan))
    filename = secure_filename(f"{plan.title}.xlsx") or "plan.xlsx"
    return send_file(
        BytesIO(content),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=filename,
    )
