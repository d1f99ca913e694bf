"""Admin forms for the plan's structure: plans, priorities, outcomes, actions and the key-roles glossary."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, StopValidation

from wsoa.forms import fields, select_choices
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
ROLE_CODE_HINT = "A code from the key roles, for example {}"
# Archived is not chosen here: archiving and restoring have their own pages (a plan is archived while it is).


def _optional_id(value) -> int | None:
    """Select values: "" is none chosen; anything else must be a whole number (else "not a valid choice")."""
    return None if value in (None, "") else int(value)


# A form may never refuse to save what the database already holds, so fields an import fills have no length limit,
# except refs and role codes: they are indexed, and share KEY_TEXT_LIMIT with the importer, which refuses longer ones.
# Fields only ever typed in here (area, contact) keep the limits they always had.


def _reference(kind: str, example: str) -> StringField:
    """An outcome's or action's reference, as the plan numbers it."""
    return fields.text_input(
        "Reference",
        DataRequired(f"Enter a reference for the {kind}, for example {example}"),
        fields.too_long("Reference", KEY_TEXT_LIMIT),
        hint=f"For example, {example}",
    )


class PlanForm(FlaskForm):
    title = fields.text_input(
        "Plan title",
        DataRequired("Enter a title for the plan"),
        hint="For example, Shropshire Local Area Written Statement of Action",
    )
    kind = fields.radios(
        "Kind of plan",
        PLAN_KINDS.items(),
        required="Select the kind of plan",
        default="written_statement_of_action",
    )
    area = fields.text_input("Local area", fields.too_long("Local area", 120), hint="For example, Shropshire")
    inspection_date = GovDateField("Inspection date", description="When the inspection began. For example, 11 3 2019")
    status = fields.radios("Status", STATUS_CHOICES, required="Select the plan’s status", default="active")
    submit = fields.submit_button("Save plan")

    def values(self) -> plan_service.PlanValues:
        return fields.values_from(
            self,
            plan_service.PlanValues,
            title=self.title.data or "",
            kind=self.kind.data or "",
            status=self.status.data or "",
        )


class PriorityForm(FlaskForm):
    number = fields.text_input("Priority number", hint="As the plan numbers it, for example 3")
    title = fields.text_area(
        "Area of weakness",
        DataRequired("Enter a title for the priority"),
        hint="What the inspection found, as the plan words it",
    )
    lead_role = fields.text_input("Lead role", hint=ROLE_CODE_HINT.format("DCS"))
    accountable_role = fields.text_input("Accountable senior officer role", hint=ROLE_CODE_HINT.format("DoP"))
    submit = fields.submit_button("Save priority")

    def validate_number(self, field) -> None:
        text = str(field.data if field.data is not None else "").strip()
        if not text:
            raise StopValidation("Enter the priority number")
        if not text.isdigit():
            raise StopValidation("Priority number must be a whole number, like 3")

    def values(self) -> priority_service.PriorityValues:
        return fields.values_from(
            self,
            priority_service.PriorityValues,
            number=int(str(self.number.data).strip()),
            title=self.title.data or "",
        )


class OutcomeForm(FlaskForm):
    ref = _reference("outcome", "1.2")
    text = fields.text_area("What success looks like", DataRequired("Enter what success looks like for this outcome"))
    submit = fields.submit_button("Save outcome")

    def values(self) -> outcome_service.OutcomeValues:
        return outcome_service.OutcomeValues(ref=self.ref.data or "", text=self.text.data or "")


class ActionForm(fields.RemembersVersion, FlaskForm):
    ref = _reference("action", "1.2.3")
    outcome_id = fields.dropdown(
        "Outcome",
        coerce=_optional_id,
        invalid_choice_message="Select an outcome from the list",
        invalid_value_message="Select an outcome from the list",
    )
    # Section, completion date and lead are text areas, not one-line inputs: imported cells keep their line breaks,
    # and a one-line input would flatten them whenever anything else about the action is edited.
    section = fields.text_area(
        "Section",
        hint="A sub-heading that groups actions, for example Co-production. Leave blank if there is none.",
    )
    title = fields.text_area("Action", DataRequired("Enter the action"))
    due_text = fields.text_area(
        "Completion date",
        hint="As the plan writes it, for example Dec 20, Oct 20 to Feb 21, Sep 20 and ongoing, Spring term 2021 "
        "or Q3 2021/22. The words are kept as written and the due date is worked out from them.",
    )
    lead = fields.text_area("Lead", hint="Codes from the key roles, for example DoP/DCS")
    partners = fields.text_area("Delivery partners")
    resources = fields.text_area("Resources", hint="Cost or staff time")
    success_criteria = fields.text_area("How will we know?", hint="What will show the action has made a difference")
    seen_event = HiddenField()
    submit = fields.submit_button("Save action")

    def __init__(self, *args, outcomes: list[Outcome], **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome_id.choices = select_choices(
            [("", "No outcome"), *((str(o.id), f"{o.ref} {o.text}"[:120]) for o in outcomes)]
        )

    def values(self) -> action_service.ActionValues:
        return fields.values_from(
            self, action_service.ActionValues, ref=self.ref.data or "", title=self.title.data or ""
        )

    def start_editing(self, version: int, latest_event_id: int) -> None:
        """Remember which version of the action this form shows, and what had been saved by then."""
        self.version.data = str(version)
        self.seen_event.data = str(latest_event_id)

    @property
    def seen_event_id(self) -> int | None:
        return fields.int_or_none(self.seen_event.data)

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
    code = fields.text_input(
        "Code",
        fields.too_long("Code", KEY_TEXT_LIMIT),
        hint="How actions name the role in their lead, for example DCS or SALT SM",
    )
    title = fields.text_input("Role", hint="For example, Director of Children’s Services")
    organisation = fields.text_input("Organisation", hint="For example, Shropshire Council or the CCG")
    person = fields.text_input(
        "Held by",
        hint="Who holds the role now. Leave blank if it is vacant. When this changes, who held it before is "
        "kept in the role’s history.",
    )
    contact = fields.text_input("Contact", fields.too_long("Contact", 200), hint="An email address or phone number")
    submit = fields.submit_button("Save key role")

    def validate_code(self, field) -> None:
        if not (field.data or "").strip() and not (self.title.data or "").strip():
            raise StopValidation("Enter a code for the role, or a title if it has no code")

    def values(self) -> role_service.RoleValues:
        return fields.values_from(self, role_service.RoleValues)
