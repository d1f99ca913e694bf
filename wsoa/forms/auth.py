"""Signing in, changing a password and setting one from a link."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import EmailField, PasswordField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from wsoa.domain.password_rules import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from wsoa.forms import fields


def email_address(required: str, *, hint: str = "") -> EmailField:
    """An email address box, forgiving a space at either end; `required` is what to say when it is left empty."""
    return EmailField(
        "Email address",
        widget=GovTextInput(),
        description=hint,
        filters=[fields.strip_whitespace],
        validators=[
            InputRequired(message=required),
            Email(message="Enter an email address in the correct format, like name@example.com"),
            fields.too_long("Email address", 254),
        ],
    )


class SignInForm(FlaskForm):
    email = email_address("Enter your email address")
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=MAX_PASSWORD_LENGTH)],
    )
    submit = fields.submit_button("Sign in")


def _new_password_validators() -> list:
    return [
        InputRequired(message="Enter a new password"),
        Length(min=MIN_PASSWORD_LENGTH, message=f"Password must be {MIN_PASSWORD_LENGTH} characters or more"),
        fields.too_long("Password", MAX_PASSWORD_LENGTH),
    ]


def _new_password_field() -> PasswordField:
    return PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"Must be at least {MIN_PASSWORD_LENGTH} characters, and not a common password, a character "
        "repeated or your name or email address. A few unrelated words together make a strong password that is easy "
        "to remember.",
        validators=_new_password_validators(),
    )


def _confirm_password_field() -> PasswordField:
    return PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("new_password", message="Enter the same password in both boxes"),
        ],
    )


class SetPasswordForm(FlaskForm):
    new_password = _new_password_field()
    confirm_password = _confirm_password_field()
    submit = fields.submit_button("Set password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password"), Length(max=MAX_PASSWORD_LENGTH)],
    )
    new_password = _new_password_field()
    confirm_password = _confirm_password_field()
    submit = fields.submit_button("Change password")
