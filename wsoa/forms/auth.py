"""Signing in, changing a password and setting one from a link."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from wsoa.domain.password_rules import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


def strip_whitespace(value):
    """People paste addresses with a space at either end: forgive it."""
    return value.strip() if isinstance(value, str) else value


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip_whitespace],
        validators=[
            InputRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=MAX_PASSWORD_LENGTH)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _new_password_validators() -> list:
    return [
        InputRequired(message="Enter a new password"),
        Length(min=MIN_PASSWORD_LENGTH, message=f"Password must be {MIN_PASSWORD_LENGTH} characters or more"),
        Length(max=MAX_PASSWORD_LENGTH, message=f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"),
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
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password"), Length(max=MAX_PASSWORD_LENGTH)],
    )
    new_password = _new_password_field()
    confirm_password = _confirm_password_field()
    submit = SubmitField("Change password", widget=GovSubmitInput())
