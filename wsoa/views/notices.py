"""The update round on screen: the chase list, "Send a reminder now", a plan's reminder settings, my reminders."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from wsoa.clock import today
from wsoa.domain.reminders import REASON_WORDS, SettingProblem
from wsoa.extensions import db
from wsoa.forms import show_problems
from wsoa.forms.notices import NoticePreferenceForm, ReminderSettingsForm, SendReminderForm
from wsoa.permissions import requires
from wsoa.services import chase_list as chase_service
from wsoa.services import notices as notice_service
from wsoa.services import update_round
from wsoa.services.delivery import delivery_from_config

bp = Blueprint("notices", __name__)


@bp.route("/plans/<int:plan_id>/chase-list")
@requires("chase_updates")
def chase_list(plan_id: int):
    """Each lead with actions still to update for the period, the notices they were sent, and "Send a reminder now"."""
    plan, period = notice_service.plan_and_period(plan_id, request.args.get("period", type=int))
    page = chase_service.chase_list(plan, period, today()) if period else None
    return render_template(
        "notices/chase_list.html",
        plan=plan,
        period=period,
        page=page,
        form=SendReminderForm(),
        reason_words=REASON_WORDS,
    )


@bp.route("/plans/<int:plan_id>/chase-list/<int:period_id>/leads/<int:user_id>/send-reminder", methods=["POST"])
@requires("chase_updates")
def send_reminder(plan_id: int, period_id: int, user_id: int):
    """Send one lead a reminder now: audited, and at most once an hour per lead."""
    plan, period = notice_service.plan_and_period(plan_id, period_id)
    back = redirect(url_for("notices.chase_list", plan_id=plan.id, period=period.id) + f"#lead-{user_id}")
    if not SendReminderForm().validate_on_submit():
        abort(400)
    try:
        notice = chase_service.request_chaser(plan, period, user_id, today=today(), actor_id=current_user.id)
    except chase_service.ChaserRefused as refused:
        flash(refused.message, "error")
        return back
    db.session.commit()
    delivery = delivery_from_config(current_app.config)
    if delivery is None:
        flash(f"Reminder to {notice.email} recorded. No mail server is set up, so it goes on the next run.", "success")
        return back
    [(sent, error)] = update_round.send_waiting(delivery, only_ids={notice.id}) or [(notice, None)]
    if error:
        flash(f"The reminder to {sent.email} could not be sent ({error}). It is tried again on the next run.", "error")
    else:
        flash(f"Reminder sent to {sent.email}.", "success")
    return back


@bp.route("/plans/<int:plan_id>/reminder-settings", methods=["GET", "POST"])
@requires("chase_updates")
def settings(plan_id: int):
    """When the plan's reminders and escalation go, and the current period's "updates due by" date."""
    plan, period = notice_service.plan_and_period(plan_id, None)
    form = ReminderSettingsForm()
    if request.method == "GET":
        form.show_saved(notice_service.schedule_for(plan.id), period)
    elif form.validate_on_submit():
        try:
            notice_service.save_settings(plan, **form.values(), period=period, user_id=current_user.id)
        except SettingProblem as problem:
            show_problems(form, problem)
        else:
            db.session.commit()
            flash("Reminder settings saved.", "success")
            return redirect(url_for("notices.chase_list", plan_id=plan.id))
    return render_template("notices/settings.html", plan=plan, period=period, form=form)


@bp.route("/account/notices", methods=["GET", "POST"])
@requires("choose_own_notices")
def preferences():
    """Which reminder emails I get, and my choice of a weekly digest (and, for officers, escalations)."""
    preference = notice_service.preference_for(current_user.id)
    form = NoticePreferenceForm()
    if request.method == "GET":
        form.how.data = "digest" if preference.weekly_digest else "separate"
        form.escalations.data = preference.escalations
    elif form.validate_on_submit():
        notice_service.save_preference(
            current_user, weekly_digest=form.how.data == "digest", escalations=bool(form.escalations.data)
        )
        db.session.commit()
        flash("Your reminder settings are saved.", "success")
        return redirect(url_for("notices.preferences"))
    page = notice_service.my_notices(current_user, today())
    return render_template("notices/preferences.html", form=form, page=page)
