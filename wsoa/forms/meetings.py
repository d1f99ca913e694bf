"""Recording a review meeting, its "Is progress sufficient?" statements and the actions it agreed."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from wsoa.forms import select_choices
from wsoa.forms.admin import ActionForm
from wsoa.forms.periods import GovDateField
from wsoa.models.meetings import MEETING_KINDS, VERDICTS
from wsoa.services import meetings as meeting_service
from wsoa.services.actions import ActionValues

LONG_TEXT = 20000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _long(label: str) -> Length:
    return Length(max=LONG_TEXT, message=f"{label} must be {LONG_TEXT:,} characters or fewer")


class MeetingForm(FlaskForm):
    kind = RadioField(
        "Kind of meeting",
        widget=GovRadioInput(),
        choices=select_choices(MEETING_KINDS.items()),
        validators=[DataRequired("Select the kind of meeting")],
        invalid_choice_message="Select the kind of meeting",
    )
    held_on = GovDateField("Date of the meeting", required=True, description="For example, 1 3 2022")
    attendee_roles = SelectMultipleField(
        "Key roles who attended",
        widget=GovCheckboxesInput(),
        description="Roles from the key roles glossary, not people",
        invalid_choice_message="Select key roles from the list",
    )
    other_attendees = TextAreaField(
        "Other attendees",
        widget=GovTextArea(),
        filters=[_strip],
        description="Organisations or roles not in the glossary, for example DfE SEND adviser, NHS England",
        validators=[_long("Other attendees")],
    )
    decisions = TextAreaField(
        "Decisions",
        widget=GovTextArea(),
        filters=[_strip],
        description="What the meeting decided",
        validators=[_long("Decisions")],
    )
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendee_roles.choices = select_choices(meeting_service.role_choices())

    def values(self) -> meeting_service.MeetingValues:
        return meeting_service.MeetingValues(
            kind=self.kind.data or "",
            held_on=self.held_on.data,
            attendee_roles=tuple(self.attendee_roles.data or ()),
            other_attendees=self.other_attendees.data,
            decisions=self.decisions.data,
        )


def _priority_choices(priorities, first: tuple[str, str] | None = None):
    pairs = [(str(p.id), f"Priority {p.number}: {p.title[:90]}") for p in priorities]
    return select_choices([first, *pairs] if first else pairs)


class StatementForm(FlaskForm):
    priority = SelectField(
        "Area of weakness", widget=GovSelect(), invalid_choice_message="Select a priority of this plan"
    )
    verdict = RadioField(
        "Is progress sufficient?",
        widget=GovRadioInput(),
        choices=select_choices(VERDICTS.items()),
        validators=[DataRequired("Select yes, partly or no")],
        invalid_choice_message="Select yes, partly or no",
    )
    reasons = TextAreaField(
        "Reasons",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[DataRequired("Enter the reasons"), _long("Reasons")],
    )
    agreed_by = StringField(
        "Agreed by",
        widget=GovTextInput(),
        filters=[_strip],
        description="The roles or organisations who agreed it, for example DCS, ICB chief nurse, DfE adviser",
        validators=[
            DataRequired("Enter who agreed the statement"),
            Length(max=1000, message="Agreed by must be 1,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Record statement", widget=GovSubmitInput())

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.priority.choices = _priority_choices(priorities)


class AgreedActionForm(FlaskForm):
    text = TextAreaField(
        "Action agreed",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[DataRequired("Enter the action agreed"), _long("Action agreed")],
    )
    priority = SelectField("Area of weakness", widget=GovSelect(), invalid_choice_message="Select a priority")
    submit = SubmitField("Add agreed action", widget=GovSubmitInput())

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.priority.choices = _priority_choices(priorities, ("", "The plan as a whole"))


class PlanActionForm(FlaskForm):
    placement = SelectField(
        "Where it goes in the plan", widget=GovSelect(), invalid_choice_message="Select a priority or outcome"
    )
    # As on the action form, so an agreed action is worded and checked as any other action.
    ref = ActionForm.ref
    title = ActionForm.title
    due_text = ActionForm.due_text
    lead = ActionForm.lead
    submit = SubmitField("Add to the plan", widget=GovSubmitInput())

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.placement.choices = select_choices(placements)

    def values(self) -> ActionValues:
        return ActionValues(
            ref=self.ref.data or "", title=self.title.data or "", due_text=self.due_text.data, lead=self.lead.data
        )
