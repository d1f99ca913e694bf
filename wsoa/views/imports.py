"""Importing a plan from Excel: upload, preview what would change, confirm. Nothing is written before confirm."""

from io import BytesIO
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from wsoa.extensions import db
from wsoa.forms import select_choices
from wsoa.forms.imports import NEW_PLAN, ConfirmImportForm, UploadPlanForm
from wsoa.importing.problems import WorkbookUnreadable
from wsoa.importing.workbook import read_workbook
from wsoa.models import Plan
from wsoa.permissions import requires
from wsoa.reports.plan_workbook import plan_workbook
from wsoa.services.exports import export_plan
from wsoa.services.imports import ImportRefused, file_hash, import_parsed_plan
from wsoa.services.uploads import UploadMissing, discard_upload, load_upload, store_upload

bp = Blueprint("imports", __name__)


def _uploads() -> Path:
    return Path(current_app.instance_path) / "uploads"


def _target_plan(target: str | None) -> Plan | None:
    if not target or target == NEW_PLAN:
        return None
    plan = db.session.get(Plan, int(target)) if target.isdigit() else None
    if plan is None:
        abort(404)
    return plan


@bp.route("/plans/import", methods=["GET", "POST"])
@requires("import_plans")
def upload():
    """Upload a workbook and see what importing it would do."""
    form = UploadPlanForm()
    plans = db.session.scalars(select(Plan).order_by(Plan.title)).all()
    form.target.choices = select_choices([(NEW_PLAN, "A new plan"), *((str(p.id), p.title) for p in plans)])
    if form.validate_on_submit():
        content = form.workbook.data.read()
        try:
            parsed = read_workbook(content, max_bytes=current_app.config["MAX_WORKBOOK_BYTES"])
        except WorkbookUnreadable as error:
            form.workbook.errors = [*form.workbook.errors, f"The file could not be read: {error}"]
            return render_template("imports/upload.html", form=form)
        try:
            preview = import_parsed_plan(
                parsed,
                file_name=form.workbook.data.filename,
                content_hash=file_hash(content),
                plan=_target_plan(form.target.data),
                dry_run=True,
            )
        except ImportRefused as refused:
            db.session.rollback()
            form.workbook.errors = [*form.workbook.errors, f"The file could not be imported: {refused}"]
            return render_template("imports/upload.html", form=form)
        db.session.rollback()
        digest = store_upload(_uploads(), content)
        confirm = ConfirmImportForm(target=form.target.data)
        return render_template(
            "imports/preview.html",
            parsed=parsed,
            preview=preview,
            confirm=confirm,
            digest=digest,
            file_name=form.workbook.data.filename,
        )
    return render_template("imports/upload.html", form=form)


@bp.route("/plans/import/<digest>/<path:file_name>", methods=["POST"])
@requires("import_plans")
def confirm(digest: str, file_name: str):
    """Import the previewed workbook for real, in one transaction."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        content = load_upload(_uploads(), digest)
    except UploadMissing:
        flash("That upload has expired or was already imported. Upload the workbook again.", "error")
        return redirect(url_for("imports.upload"))
    parsed = read_workbook(content, max_bytes=current_app.config["MAX_WORKBOOK_BYTES"])
    target = _target_plan(form.target.data)
    try:
        result = import_parsed_plan(
            parsed, file_name=file_name, content_hash=digest, plan=target, user_id=current_user.id
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
