"""Reminder settings for a plan, and each person's choice of reminder emails."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from wsoa.forms import fields
from wsoa.forms.periods import GovDateField


class ReminderSettingsForm(FlaskForm):
    updates_due_on = GovDateField(
        "Updates due by (current review period)",
        description="Leave blank to use the number of days before the board date below. For example, 13 4 2021",
    )
    due_days_before_board = IntegerField(
        "Updates are due this many days before the board date (or the period's end, without one)",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter how many days before the board date updates are due"),
            NumberRange(0, 366, "Days before the board date must be a whole number from 0 to 366"),
        ],
    )
    days_before = fields.text_input(
        "Send reminders this many days before updates are due",
        hint="Whole numbers separated by commas, for example 7, 1. Leave blank for none.",
    )
    on_the_day = fields.checkbox("Send a reminder on the day updates are due")
    escalation_days_after = IntegerField(
        "Escalate this many days after updates were due",
        widget=GovTextInput(),
        description="To officers who ask for escalations and to each priority's lead. Leave blank for no escalation.",
        validators=[Optional(), NumberRange(0, 366, "Days after must be a whole number from 0 to 366")],
    )
    submit = fields.submit_button("Save reminder settings")

    def show_saved(self, schedule, period) -> None:
        """Fill the form with the plan's schedule and the period's own due date, as saved."""
        self.updates_due_on.data = period.updates_due_on if period else None
        self.due_days_before_board.data = schedule.due_days_before_board
        self.days_before.data = ", ".join(str(d) for d in schedule.days_before)
        self.on_the_day.data = schedule.on_the_day
        self.escalation_days_after.data = schedule.escalation_days_after

    def values(self) -> dict:
        """What was entered, as save_settings takes it."""
        return {
            "due_days_before_board": self.due_days_before_board.data,
            "days_before_text": self.days_before.data or "",
            "on_the_day": self.on_the_day.data,
            "escalation_days_after": self.escalation_days_after.data,
            "updates_due_on": self.updates_due_on.data,
        }


class NoticePreferenceForm(FlaskForm):
    how = fields.radios(
        "How do you want reminders about the actions you lead?",
        [("separate", "A separate email for each reminder"), ("digest", "One weekly email on Mondays")],
        required="Select how you want reminders",
        default="separate",
    )
    escalations = fields.checkbox("Email me when leads have not updated their actions after the due date (escalations)")
    submit = fields.submit_button("Save")


class SendReminderForm(FlaskForm):
    """Only the CSRF token: the lead and period are in the URL."""
