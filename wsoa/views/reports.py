"""Board progress reports: choose a period and format, then read the report here or download it."""

import re
from datetime import UTC, datetime
from io import BytesIO

from flask import Blueprint, Response, render_template, request, send_file
from flask_login import current_user

from wsoa.forms.reports import FORMATS, BoardReportForm
from wsoa.permissions import requires
from wsoa.reports.assemble import BoardReport
from wsoa.reports.html import chart_markup
from wsoa.services import reports as report_service

bp = Blueprint("reports", __name__)

DOWNLOADS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.route("/plans/<int:plan_id>/reports")
@requires("view")
def board_report(plan_id: int):
    """The board report for the chosen period: as a page here, or as a PDF, Word or Excel download."""
    source = report_service.load_report_source(plan_id)
    form = BoardReportForm.for_source(request.args, source, report_service.default_period_id(source))
    report = None
    if source.periods and form.validate():
        report = report_service.build_report(
            source, form.options(), generated_by=current_user.name, generated_at=datetime.now(UTC)
        )
        if form.format.data in DOWNLOADS:
            return _download(report, form.format.data)
    return render_template(
        "reports/board_report.html",
        plan=source.plan,
        form=form,
        report=report,
        charts=chart_markup(report) if report else {},
        query=form.query() if report else {},
        downloads=[(fmt, f"Download the report as {label}") for fmt, label in FORMATS.items() if fmt in DOWNLOADS],
    )


@bp.route("/reports/board-report.css")
@requires("view")
def stylesheet():
    """The report's own styles, served from here because the CSP allows no inline styles."""
    return Response(render_template("reports/_report.css"), mimetype="text/css")


def _download(report: BoardReport, fmt: str):
    return send_file(
        BytesIO(report_service.write_report(report, fmt)),
        mimetype=DOWNLOADS[fmt],
        as_attachment=True,
        download_name=file_name(report, fmt),
    )


def file_name(report: BoardReport, extension: str) -> str:
    """board-report-shropshire-local-area-written-statement-of-action-mar-21.pdf"""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{report.cover.plan_title[:60]} {report.cover.period_label}".lower()).strip("-")
    return f"board-report-{slug or 'plan'}.{extension}"
