"""Review meetings (board, DfE/NHS England) and the review pack for each: read by everyone, kept by officers."""

from datetime import UTC, datetime
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from wsoa.domain.not_found import found
from wsoa.forms.meetings import AgreedActionForm, MeetingForm, PlanActionForm, StatementForm
from wsoa.permissions import requires
from wsoa.reports.html import pack_charts
from wsoa.services import meetings as meeting_service
from wsoa.services import plans as plan_service
from wsoa.services.editing import StructureProblem
from wsoa.views.saving import save_form

bp = Blueprint("meetings", __name__)

REFUSED = StructureProblem  # the meeting service's problems are of this kind, as are adding an action's
DOWNLOADS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _meeting(meeting_id: int):
    """The meeting and its plan (loaded through the plan's getter, so any scoping of plans applies)."""
    meeting = found(meeting_service.get_meeting(meeting_id))
    return meeting, found(plan_service.get_plan(meeting.plan_id))


@bp.route("/plans/<int:plan_id>/meetings")
@requires("view")
def index(plan_id: int):
    """The plan's review meetings, newest first."""
    plan = found(plan_service.get_plan(plan_id))
    return render_template("meetings/index.html", plan=plan, meetings=meeting_service.list_meetings(plan_id))


@bp.route("/plans/<int:plan_id>/meetings/new", methods=["GET", "POST"])
@requires("manage_meetings")
def new(plan_id: int):
    """Record a meeting: its kind, date, who attended and what it decided."""
    plan = found(plan_service.get_plan(plan_id))
    form = MeetingForm()
    if saved := save_form(form, lambda: meeting_service.record_meeting(plan, form.values(), current_user), REFUSED):
        flash(f"{saved.value.kind_label} recorded.", "success")
        return redirect(url_for("meetings.show", meeting_id=saved.value.id))
    return render_template("meetings/form.html", form=form, plan=plan, meeting=None)


@bp.route("/meetings/<int:meeting_id>")
@requires("view")
def show(meeting_id: int):
    """The meeting: attendees, decisions, actions agreed (and what became of them) and its statements."""
    meeting, plan = _meeting(meeting_id)
    page = meeting_service.meeting_page(meeting)
    return render_template("meetings/show.html", page=page, plan=plan, meeting=meeting)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires("manage_meetings")
def edit(meeting_id: int):
    """Correct the meeting's details (its statements are never edited: a correction is a new statement)."""
    meeting, plan = _meeting(meeting_id)
    form = MeetingForm(obj=meeting)
    if saved := save_form(form, lambda: meeting_service.edit_meeting(meeting, form.values(), current_user), REFUSED):
        flash("Meeting saved." if saved.value else "Meeting not changed: nothing was different.", "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, plan=plan, meeting=meeting)


@bp.route("/meetings/<int:meeting_id>/statements/new", methods=["GET", "POST"])
@requires("manage_meetings")
def new_statement(meeting_id: int):
    """The partnership's statement for one area of weakness: is progress sufficient, why, and who agreed it."""
    meeting, plan = _meeting(meeting_id)
    form = StatementForm(
        priorities=meeting_service.priorities_of(meeting.plan_id), priority=request.args.get("priority")
    )
    if save_form(
        form,
        lambda: meeting_service.add_statement(
            meeting,
            priority_id=int(form.priority.data),
            verdict=form.verdict.data,
            reasons=form.reasons.data,
            agreed_by=form.agreed_by.data,
            user=current_user,
        ),
        REFUSED,
    ):
        flash("Statement recorded.", "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="statements"))
    return render_template("meetings/statement_form.html", form=form, meeting=meeting, plan=plan)


@bp.route("/meetings/<int:meeting_id>/agreed-actions/new", methods=["GET", "POST"])
@requires("manage_meetings")
def new_agreed_action(meeting_id: int):
    """An action the meeting agreed, for one area of weakness or the plan as a whole."""
    meeting, plan = _meeting(meeting_id)
    form = AgreedActionForm(priorities=meeting_service.priorities_of(meeting.plan_id))
    if save_form(
        form,
        lambda: meeting_service.add_agreed_action(
            meeting,
            text=form.text.data,
            priority_id=int(form.priority.data) if form.priority.data else None,
            user=current_user,
        ),
        REFUSED,
    ):
        flash("Agreed action added.", "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="agreed"))
    return render_template("meetings/agreed_action_form.html", form=form, meeting=meeting, plan=plan)


@bp.route("/meetings/<int:meeting_id>/agreed-actions/<int:agreed_id>/add-to-plan", methods=["GET", "POST"])
@requires("add_agreed_actions")
def add_to_plan(meeting_id: int, agreed_id: int):
    """Make the agreed action a plan action in the chosen priority or outcome, linked back to the meeting."""
    meeting, plan = _meeting(meeting_id)
    agreed = found(meeting_service.get_agreed_action(meeting_id, agreed_id))
    if agreed.action_id is not None:
        abort(404)
    placements = meeting_service.placement_choices(meeting.plan_id)
    chosen = f"p-{agreed.priority_id}" if agreed.priority_id else None
    form = PlanActionForm(placements=placements, placement=chosen, title=agreed.text)
    if saved := save_form(
        form,
        lambda: meeting_service.make_plan_action(meeting, agreed, form.placement.data, form.values(), current_user),
        REFUSED,
    ):
        flash(f"Action {saved.value.action.ref} added to the plan.", "success")
        return redirect(url_for("meetings.show", meeting_id=meeting.id, _anchor="agreed"))
    return render_template("meetings/add_to_plan.html", form=form, meeting=meeting, agreed=agreed, plan=plan)


@bp.route("/meetings/<int:meeting_id>/review-pack")
@requires("view")
def review_pack(meeting_id: int):
    """The review pack for the meeting, per area of weakness: as a page here, or as a Word or PDF download."""
    meeting, plan = _meeting(meeting_id)
    pack = meeting_service.review_pack(meeting, generated_by=current_user.name, generated_at=datetime.now(UTC))
    fmt = request.args.get("format", "html")
    if fmt in DOWNLOADS:
        return send_file(
            BytesIO(meeting_service.write_pack(pack, fmt)),
            mimetype=DOWNLOADS[fmt],
            as_attachment=True,
            download_name=f"review-pack-{meeting.held_on.isoformat()}-{meeting.kind.replace('_', '-')}.{fmt}",
        )
    return render_template("meetings/review_pack.html", pack=pack, meeting=meeting, plan=plan, charts=pack_charts(pack))
