"""Adding and editing users: who they are, their permission level and the glossary roles they hold."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from wtforms import SelectMultipleField
from wtforms.validators import InputRequired

from wsoa.forms import fields, select_choices
from wsoa.forms.auth import email_address
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


def full_name(label: str = "Full name", required: str = "Enter the person’s full name"):
    return fields.text_input(
        label, InputRequired(message=required), fields.too_long("Full name", 200), filters=[fields.strip_whitespace]
    )


class UserForm(FlaskForm):
    name = full_name()
    email = email_address("Enter an email address", hint="They sign in with this")
    level = fields.radios(
        "Permission level",
        LEVEL_CHOICES,
        required="Select a permission level",
        hint="What they may do in the tracker",
    )
    roles = SelectMultipleField(
        "Key roles they hold",
        widget=GovCheckboxesInput(),
        description="A lead can update the actions led by any role they hold. Select all that apply.",
        invalid_choice_message="Select key roles from the list",
        coerce=str,
    )
    submit = fields.submit_button("Add user")

    def __init__(self, *args, roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = select_choices((role.code, role_label(role)) for role in roles if role.code)

    def level_hints(self) -> dict:
        """Per-option hints for the level radios, in choice order."""
        return {"items": [{"hint": {"text": LEVEL_HINTS[value]}} for value, _ in LEVEL_CHOICES]}


class EditUserForm(UserForm):
    active = fields.radios(
        "Can they sign in?",
        ACTIVE_CHOICES,
        required="Select whether they can sign in",
        hint="Deactivate people who leave: their name stays on everything they wrote",
    )
    submit = fields.submit_button("Save changes")

    def show_user(self, user) -> None:
        """Fill the choices the user's own fields cannot: the roles they hold and whether they can sign in."""
        self.roles.data = [role.code for role in user.roles]
        self.active.data = "yes" if user.active else "no"

    def values(self) -> UserValues:
        return fields.values_from(self, UserValues, role_codes=self.roles.data, active=self.active.data == "yes")
