"""Impact measures: KPI pages, defining KPIs, and recording values one at a time or from a file."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.utils import secure_filename

from wsoa.clock import today
from wsoa.domain.not_found import found
from wsoa.domain.wording import format_value, uk_day
from wsoa.extensions import db
from wsoa.forms.kpis import KpiForm, KpiValueForm, UploadValuesForm
from wsoa.importing.kpi_values import UploadUnreadable, read_table
from wsoa.permissions import can_record_kpi_values, requires
from wsoa.reports.charts import KpiChartData, kpi_trend_svg
from wsoa.services import kpi_values as value_service
from wsoa.services import kpis as kpi_service

bp = Blueprint("kpis", __name__)


@bp.app_template_global("may_record_kpi_values")
def may_record_kpi_values(kpi) -> bool:
    """For templates: offer "Record a value" only to those the object-level rule allows."""
    return can_record_kpi_values(current_user, kpi.owner_role_id)


@bp.app_template_global("kpi_chart")
def kpi_chart(data: KpiChartData, id_prefix: str, small: bool = False) -> Markup:
    """The KPI's trend as inline SVG (title and description inside; no scripts or styles)."""
    return Markup(kpi_trend_svg(data, id_prefix=id_prefix, small=small))  # noqa: S704  (built by matplotlib, text escaped)


@bp.route("/kpis/<int:kpi_id>")
@requires("view")
def show(kpi_id: int):
    """A KPI: status against its trajectory, the trend chart and its numbers, values and history, definition."""
    page = found(kpi_service.kpi_page(kpi_id, today()))
    return render_template("kpis/show.html", page=page, plan=page.plan)


@bp.route("/priorities/<int:priority_id>/kpis/new", methods=["GET", "POST"])
@requires("edit_kpis")
def new(priority_id: int):
    """Define a new KPI under a priority."""
    context = found(kpi_service.new_kpi_context(priority_id))
    form = KpiForm()
    form.set_choices(context.outcomes, context.roles)
    if request.method == "POST" and form.validate_definition():
        try:
            kpi = kpi_service.create_kpi(context, form.draft(), user_id=current_user.id)
        except kpi_service.KpiProblems as refused:
            form.show_problems(refused.problems)
        else:
            db.session.commit()
            flash(f"KPI '{kpi.name}' added to priority {context.priority.number}.", "success")
            return redirect(url_for("kpis.show", kpi_id=kpi.id))
    return render_template("kpis/form.html", form=form, context=context, plan=context.plan)


@bp.route("/kpis/<int:kpi_id>/edit", methods=["GET", "POST"])
@requires("edit_kpis")
def edit(kpi_id: int):
    """Change a KPI's definition, or turn an imported impact measure into a KPI."""
    context = found(kpi_service.edit_kpi_context(kpi_id))
    initial = KpiForm.initial(context.kpi, context.milestones_text, context.benchmarks_text)
    form = KpiForm(data=initial if request.method == "GET" else None)
    form.set_choices(context.outcomes, context.roles)
    if request.method == "POST" and form.validate_definition():
        try:
            changes = kpi_service.update_kpi(context, form.draft(), user_id=current_user.id)
        except kpi_service.KpiProblems as refused:
            form.show_problems(refused.problems)
        else:
            db.session.commit()
            flash(f"KPI '{context.kpi.name}' saved." if changes else "Nothing was changed.", "success")
            return redirect(url_for("kpis.show", kpi_id=kpi_id))
    return render_template("kpis/form.html", form=form, context=context, plan=context.plan)


@bp.route("/kpis/<int:kpi_id>/values/new", methods=["GET", "POST"])
@requires("record_kpi_values")
def new_value(kpi_id: int):
    """Record a value for a date, or correct one: appended to the history, never replacing it."""
    form = KpiValueForm()
    corrects_id = form.corrects_id if request.method == "POST" else request.args.get("corrects", type=int)
    context = found(value_service.value_context(kpi_id, corrects_id))
    if not can_record_kpi_values(current_user, context.kpi.owner_role_id):
        abort(403)
    if request.method == "GET" and context.corrects is not None:
        form.prefill_from(context.corrects)
    if request.method == "POST" and form.validate_for(context.kpi, today()):
        try:
            value = value_service.record_value(
                context, form.draft(), user=current_user, today=today(), corrects_id=corrects_id
            )
        except kpi_service.KpiProblems as refused:
            form.show_problems(refused.problems)
        else:
            db.session.commit()
            done = "corrected" if value.supersedes_id else "saved"
            flash(f"Value {format_value(value.value, context.kpi.unit)} for {uk_day(value.on)} {done}.", "success")
            return redirect(url_for("kpis.show", kpi_id=kpi_id))
    return render_template("kpis/value_form.html", form=form, context=context, plan=context.plan)


@bp.route("/plans/<int:plan_id>/kpi-values/upload", methods=["GET", "POST"])
@requires("record_kpi_values")
def upload(plan_id: int):
    """Upload many values from a CSV or Excel file: good rows saved, every bad row reported with its reason."""
    context = found(value_service.upload_context(plan_id))
    form = UploadValuesForm()
    report = None
    if form.validate_on_submit():
        file_name = secure_filename(form.values_file.data.filename or "") or "values"
        try:
            table = read_table(form.values_file.data.read(), form.values_file.data.filename or "")
            report = value_service.upload_values(context, table, user=current_user, today=today(), file_name=file_name)
        except UploadUnreadable as error:
            form.values_file.errors = [*form.values_file.errors, f"The file could not be read: {error.reason}"]
        except kpi_service.KpiProblems as refused:
            form.values_file.errors = [*form.values_file.errors, *(p.message for p in refused.problems)]
        else:
            db.session.commit()
    return render_template("kpis/upload.html", form=form, context=context, plan=context.plan, report=report)
