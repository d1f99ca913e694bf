"""Admin forms for the plan's structure: plans, priorities, outcomes, actions and the key-roles glossary."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation

from wsoa.forms import select_choices
from wsoa.forms.periods import GovDateField
from wsoa.models import Outcome
from wsoa.models.plan import PLAN_KINDS
from wsoa.models.types import KEY_TEXT_LIMIT
from wsoa.services import actions as action_service
from wsoa.services import outcomes as outcome_service
from wsoa.services import plans as plan_service
from wsoa.services import priorities as priority_service
from wsoa.services import roles as role_service

STATUS_CHOICES = [
    ("draft", "Draft: still being written"),
    ("active", "Active: being delivered and monitored"),
    ("superseded", "Superseded: a later plan has taken over, kept for the record"),
]
# Archived is not chosen here: archiving and restoring have their own pages (a plan is archived while it is).


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _optional_id(value) -> int | None:
    """Select values: "" is none chosen; anything else must be a whole number (else "not a valid choice")."""
    return None if value in (None, "") else int(value)


def _max(label: str, limit: int) -> Length:
    """A length limit. A form may never refuse to save what the database already holds, so fields an import fills
    have none, except refs and role codes: they are indexed, and share KEY_TEXT_LIMIT with the importer, which refuses
    longer ones. Fields only ever typed in here (area, contact) keep the limits they always had."""
    return Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")


class PlanForm(FlaskForm):
    title = StringField(
        "Plan title",
        widget=GovTextInput(),
        description="For example, Shropshire Local Area Written Statement of Action",
        validators=[DataRequired("Enter a title for the plan")],
    )
    kind = RadioField(
        "Kind of plan",
        widget=GovRadioInput(),
        choices=select_choices(PLAN_KINDS.items()),
        default="written_statement_of_action",
        validators=[InputRequired("Select the kind of plan")],
        invalid_choice_message="Select the kind of plan",
    )
    area = StringField(
        "Local area", widget=GovTextInput(), description="For example, Shropshire", validators=[_max("Local area", 120)]
    )
    inspection_date = GovDateField("Inspection date", description="When the inspection began. For example, 11 3 2019")
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=select_choices(STATUS_CHOICES),
        default="active",
        validators=[InputRequired("Select the plan’s status")],
        invalid_choice_message="Select the plan’s status",
    )
    submit = SubmitField("Save plan", widget=GovSubmitInput())

    def values(self) -> plan_service.PlanValues:
        return plan_service.PlanValues(
            title=self.title.data or "",
            kind=self.kind.data or "",
            area=self.area.data,
            inspection_date=self.inspection_date.data,
            status=self.status.data or "",
        )


class PriorityForm(FlaskForm):
    number = StringField(
        "Priority number",
        widget=GovTextInput(),
        description="As the plan numbers it, for example 3",
    )
    title = TextAreaField(
        "Area of weakness",
        widget=GovTextArea(),
        description="What the inspection found, as the plan words it",
        validators=[DataRequired("Enter a title for the priority")],
    )
    lead_role = StringField(
        "Lead role",
        widget=GovTextInput(),
        description="A code from the key roles, for example DCS",
    )
    accountable_role = StringField(
        "Accountable senior officer role",
        widget=GovTextInput(),
        description="A code from the key roles, for example DoP",
    )
    submit = SubmitField("Save priority", widget=GovSubmitInput())

    def validate_number(self, field) -> None:
        text = str(field.data if field.data is not None else "").strip()
        if not text:
            raise StopValidation("Enter the priority number")
        if not text.isdigit():
            raise StopValidation("Priority number must be a whole number, like 3")

    def values(self) -> priority_service.PriorityValues:
        return priority_service.PriorityValues(
            number=int(str(self.number.data).strip()),
            title=self.title.data or "",
            lead_role=self.lead_role.data,
            accountable_role=self.accountable_role.data,
        )


class OutcomeForm(FlaskForm):
    ref = StringField(
        "Reference",
        widget=GovTextInput(),
        description="For example, 1.2",
        validators=[
            DataRequired("Enter a reference for the outcome, for example 1.2"),
            _max("Reference", KEY_TEXT_LIMIT),
        ],
    )
    text = TextAreaField(
        "What success looks like",
        widget=GovTextArea(),
        validators=[DataRequired("Enter what success looks like for this outcome")],
    )
    submit = SubmitField("Save outcome", widget=GovSubmitInput())

    def values(self) -> outcome_service.OutcomeValues:
        return outcome_service.OutcomeValues(ref=self.ref.data or "", text=self.text.data or "")


class ActionForm(FlaskForm):
    ref = StringField(
        "Reference",
        widget=GovTextInput(),
        description="For example, 1.2.3",
        validators=[
            DataRequired("Enter a reference for the action, for example 1.2.3"),
            _max("Reference", KEY_TEXT_LIMIT),
        ],
    )
    outcome_id = SelectField(
        "Outcome",
        widget=GovSelect(),
        coerce=_optional_id,
        invalid_choice_message="Select an outcome from the list",
        invalid_value_message="Select an outcome from the list",
    )
    # Section, completion date and lead are text areas, not one-line inputs: imported cells keep their line breaks,
    # and a one-line input would flatten them whenever anything else about the action is edited.
    section = TextAreaField(
        "Section",
        widget=GovTextArea(),
        description="A sub-heading that groups actions, for example Co-production. Leave blank if there is none.",
    )
    title = TextAreaField("Action", widget=GovTextArea(), validators=[DataRequired("Enter the action")])
    due_text = TextAreaField(
        "Completion date",
        widget=GovTextArea(),
        description="As the plan writes it, for example Dec 20, Oct 20 to Feb 21, Sep 20 and ongoing, Spring term 2021 "
        "or Q3 2021/22. The words are kept as written and the due date is worked out from them.",
    )
    lead = TextAreaField(
        "Lead",
        widget=GovTextArea(),
        description="Codes from the key roles, for example DoP/DCS",
    )
    partners = TextAreaField("Delivery partners", widget=GovTextArea())
    resources = TextAreaField("Resources", widget=GovTextArea(), description="Cost or staff time")
    success_criteria = TextAreaField(
        "How will we know?", widget=GovTextArea(), description="What will show the action has made a difference"
    )
    version = HiddenField()
    seen_event = HiddenField()
    submit = SubmitField("Save action", widget=GovSubmitInput())

    def __init__(self, *args, outcomes: list[Outcome], **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome_id.choices = select_choices(
            [("", "No outcome"), *((str(o.id), f"{o.ref} {o.text}"[:120]) for o in outcomes)]
        )

    def values(self) -> action_service.ActionValues:
        return action_service.ActionValues(
            ref=self.ref.data or "",
            title=self.title.data or "",
            outcome_id=self.outcome_id.data,
            section=self.section.data,
            due_text=self.due_text.data,
            lead=self.lead.data,
            partners=self.partners.data,
            resources=self.resources.data,
            success_criteria=self.success_criteria.data,
        )

    def start_editing(self, version: int, latest_event_id: int) -> None:
        """Remember which version of the action this form shows, and what had been saved by then."""
        self.version.data = str(version)
        self.seen_event.data = str(latest_event_id)

    @property
    def expected_version(self) -> int | None:
        return _int_or_none(self.version.data)

    @property
    def seen_event_id(self) -> int | None:
        return _int_or_none(self.seen_event.data)

    def seen(self) -> dict[str, int | None]:
        """The version and audit event this form was opened at, as edit_action takes them."""
        return {"expected_version": self.expected_version, "seen_event_id": self.seen_event_id}

    def show_conflict(self, stale: action_service.StaleAction) -> None:
        """Keep what they typed; move the form on to the version now seen, so saving again is deliberate."""
        self.start_editing(stale.current_version, stale.latest_event_id)
        self.title.errors = [
            *self.title.errors,
            "Your changes were not saved because someone else changed this action while you were editing. "
            "Check their changes, then save again if yours are still right",
        ]


class RoleForm(FlaskForm):
    code = StringField(
        "Code",
        widget=GovTextInput(),
        description="How actions name the role in their lead, for example DCS or SALT SM",
        validators=[_max("Code", KEY_TEXT_LIMIT)],
    )
    title = StringField(
        "Role",
        widget=GovTextInput(),
        description="For example, Director of Children’s Services",
    )
    organisation = StringField(
        "Organisation",
        widget=GovTextInput(),
        description="For example, Shropshire Council or the CCG",
    )
    person = StringField(
        "Held by",
        widget=GovTextInput(),
        description="Who holds the role now. Leave blank if it is vacant. When this changes, who held it before is "
        "kept in the role’s history.",
    )
    contact = StringField(
        "Contact",
        widget=GovTextInput(),
        description="An email address or phone number",
        validators=[_max("Contact", 200)],
    )
    submit = SubmitField("Save key role", widget=GovSubmitInput())

    def validate_code(self, field) -> None:
        if not (field.data or "").strip() and not (self.title.data or "").strip():
            raise StopValidation("Enter a code for the role, or a title if it has no code")

    def values(self) -> role_service.RoleValues:
        return role_service.RoleValues(
            code=self.code.data,
            title=self.title.data,
            organisation=self.organisation.data,
            person=self.person.data,
            contact=self.contact.data,
        )
