"""Recording a review meeting, its "Is progress sufficient?" statements and the actions it agreed."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from wtforms import SelectMultipleField
from wtforms.validators import DataRequired

from wsoa.forms import select_choices
from wsoa.forms.admin import ActionForm
from wsoa.forms.fields import dropdown, radios, strip_whitespace, submit_button, text_area, text_input, too_long
from wsoa.forms.periods import GovDateField
from wsoa.models.meetings import MEETING_KINDS, VERDICTS
from wsoa.services import meetings as meeting_service
from wsoa.services.actions import ActionValues

LONG_TEXT = 20000


def _prose(label: str, *validators, hint: str = ""):
    """A box of free text, trimmed, at most LONG_TEXT characters."""
    return text_area(label, *validators, too_long(label, LONG_TEXT), hint=hint, filters=[strip_whitespace])


class MeetingForm(FlaskForm):
    kind = radios("Kind of meeting", MEETING_KINDS.items(), required="Select the kind of meeting")
    held_on = GovDateField("Date of the meeting", required=True, description="For example, 1 3 2022")
    attendee_roles = SelectMultipleField(
        "Key roles who attended",
        widget=GovCheckboxesInput(),
        description="Roles from the key roles glossary, not people",
        invalid_choice_message="Select key roles from the list",
    )
    other_attendees = _prose(
        "Other attendees",
        hint="Organisations or roles not in the glossary, for example DfE SEND adviser, NHS England",
    )
    decisions = _prose("Decisions", hint="What the meeting decided")
    submit = submit_button("Save meeting")

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
    priority = dropdown("Area of weakness", invalid_choice_message="Select a priority of this plan")
    verdict = radios("Is progress sufficient?", VERDICTS.items(), required="Select yes, partly or no")
    reasons = _prose("Reasons", DataRequired("Enter the reasons"))
    agreed_by = text_input(
        "Agreed by",
        DataRequired("Enter who agreed the statement"),
        too_long("Agreed by", 1000),
        hint="The roles or organisations who agreed it, for example DCS, ICB chief nurse, DfE adviser",
        filters=[strip_whitespace],
    )
    submit = submit_button("Record statement")

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.priority.choices = _priority_choices(priorities)


class AgreedActionForm(FlaskForm):
    text = _prose("Action agreed", DataRequired("Enter the action agreed"))
    priority = dropdown("Area of weakness", invalid_choice_message="Select a priority")
    submit = submit_button("Add agreed action")

    def __init__(self, *args, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.priority.choices = _priority_choices(priorities, ("", "The plan as a whole"))


class PlanActionForm(FlaskForm):
    placement = dropdown("Where it goes in the plan", invalid_choice_message="Select a priority or outcome")
    # As on the action form, so an agreed action is worded and checked as any other action.
    ref = ActionForm.ref
    title = ActionForm.title
    due_text = ActionForm.due_text
    lead = ActionForm.lead
    submit = submit_button("Add to the plan")

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.placement.choices = select_choices(placements)

    def values(self) -> ActionValues:
        return ActionValues(
            ref=self.ref.data or "", title=self.title.data or "", due_text=self.due_text.data, lead=self.lead.data
        )
