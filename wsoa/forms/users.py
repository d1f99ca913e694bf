"""Adding and editing users: who they are, their permission level and the glossary roles they hold."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from wsoa.forms import select_choices
from wsoa.forms.auth import strip_whitespace
from wsoa.models import Role
from wsoa.services.users import UserValues

LEVEL_CHOICES = [
    ("admin", "Admin"),
    ("editor", "Editor"),
    ("lead", "Lead"),
    ("viewer", "Viewer"),
]
LEVEL_HINTS = {
    "admin": "Manages users, the plan's structure, imports and review periods, and can do everything an editor can",
    "editor": "A project officer: edits any action and records progress and RAG ratings on any action",
    "lead": "Records progress on the actions led by the roles they hold, and the KPIs those roles own",
    "viewer": "Board members and partners: reads everything, changes nothing",
}
ACTIVE_CHOICES = [("yes", "Active: can sign in"), ("no", "Deactivated: cannot sign in")]


def role_label(role: Role) -> str:
    details = ", ".join(part for part in (role.title, role.organisation) if part)
    holder = f" (currently {role.person})" if role.person else ""
    return f"{role.code}{' – ' + details if details else ''}{holder}"


class UserForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip_whitespace],
        validators=[
            InputRequired(message="Enter the person’s full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        description="They sign in with this",
        filters=[strip_whitespace],
        validators=[
            InputRequired(message="Enter an email address"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    level = RadioField(
        "Permission level",
        widget=GovRadioInput(),
        description="What they may do in the tracker",
        choices=select_choices(LEVEL_CHOICES),
        validators=[InputRequired(message="Select a permission level")],
        invalid_choice_message="Select a permission level",
    )
    roles = SelectMultipleField(
        "Key roles they hold",
        widget=GovCheckboxesInput(),
        description="A lead can update the actions led by any role they hold. Select all that apply.",
        invalid_choice_message="Select key roles from the list",
        coerce=str,
    )
    submit = SubmitField("Add user", widget=GovSubmitInput())

    def __init__(self, *args, roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = select_choices((role.code, role_label(role)) for role in roles if role.code)

    def level_hints(self) -> dict:
        """Per-option hints for the level radios, in choice order."""
        return {"items": [{"hint": {"text": LEVEL_HINTS[value]}} for value, _ in LEVEL_CHOICES]}


class EditUserForm(UserForm):
    active = RadioField(
        "Can they sign in?",
        widget=GovRadioInput(),
        description="Deactivate people who leave: their name stays on everything they wrote",
        choices=select_choices(ACTIVE_CHOICES),
        validators=[InputRequired(message="Select whether they can sign in")],
        invalid_choice_message="Select whether they can sign in",
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def show_user(self, user) -> None:
        """Fill the choices the user's own fields cannot: the roles they hold and whether they can sign in."""
        self.roles.data = [role.code for role in user.roles]
        self.active.data = "yes" if user.active else "no"

    def values(self) -> UserValues:
        return UserValues(
            name=self.name.data,
            email=self.email.data,
            level=self.level.data,
            role_codes=self.roles.data,
            active=self.active.data == "yes",
        )
