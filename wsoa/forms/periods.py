"""Opening and editing a review period, with GOV.UK date inputs that never fail on a bad POST."""

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms.fields import DateField
from wtforms.validators import DataRequired, StopValidation

from wsoa.forms import fields
from wsoa.models.types import KEY_TEXT_LIMIT

PARTS = ("day", "month", "year")


class GovDateField(DateField):
    """Day, month and year boxes (GovDateInput) read leniently and checked in GOV.UK wording.

    GovDateInput unpacks exactly three values from `raw_data`, so a POST that leaves the boxes out (or sends too
    many) would be a 500; here `raw_data` is always three strings, and whatever was typed is shown back.
    """

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, *, required: bool = False, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.required = required
        self._problem: str | None = None

    def process_formdata(self, valuelist):
        parts = [str(value).strip() for value in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        self._problem = None
        if not any(parts):
            return
        missing = [part for part, value in zip(PARTS, parts, strict=True) if not value]
        if missing:
            self._problem = f"{self.label.text} must include a {' and '.join(missing)}"
            return
        day, month, year = parts
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            self._problem = f"{self.label.text} must be a real date"
            return
        if len(year) != 4:
            self._problem = "Year must include 4 numbers"
            return
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            self._problem = f"{self.label.text} must be a real date"

    def pre_validate(self, form):
        if self._problem:
            raise StopValidation(self._problem)
        if self.required and self.data is None:
            raise StopValidation(f"Enter the {self.label.text[:1].lower()}{self.label.text[1:]}")


class ReviewPeriodForm(FlaskForm):
    label = fields.text_input(
        "Name",
        DataRequired("Enter a name for the review period"),
        fields.too_long("Name", KEY_TEXT_LIMIT),  # as long as an imported period name may be (it is indexed)
        hint="How board papers refer to it, for example Q3 2021/22 or Mar 21",
    )
    start_date = GovDateField("Start date", required=True, description="For example, 1 10 2021")
    end_date = GovDateField("End date", required=True, description="For example, 31 12 2021")
    board_date = GovDateField(
        "Board date", description="When the board reviews this period, if known. For example, 20 1 2022"
    )
    updates_due_on = GovDateField(
        "Updates due by",
        description="When leads' progress updates are due; reminders count from it. Leave blank for a set number "
        "of days before the board date (or the end), as the plan's reminder settings say. For example, 13 1 2022",
    )
    submit = fields.submit_button("Save review period")

    def validate_updates_due_on(self, field):
        anchor = self.board_date.data or self.end_date.data
        if field.data and anchor and field.data > anchor:
            which = "board date" if self.board_date.data else "end date"
            raise StopValidation(f"Updates due by must be the same as or before the {which}")

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise StopValidation("End date must be the same as or after the start date")


class OpenReviewPeriodForm(ReviewPeriodForm):
    make_current = fields.checkbox(
        "Make this the current review period (progress updates are recorded against the current period)", default=True
    )
    submit = fields.submit_button("Open review period")
