"""GOV.UK form fields, built once: a form says only what differs (label, hint, checks), never the widget again.

Each builder returns an ordinary WTForms field, so a form class declares `name = text_input("Name", ...)` exactly as
it would declare `name = StringField("Name", widget=GovTextInput(), ...)`.
"""

import dataclasses
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, Field, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, StopValidation

from wsoa.domain.kpi_values import NotANumber, parse_number
from wsoa.forms import select_choices

Values = TypeVar("Values")


class NumberField(StringField):
    """A number typed as text ('1,200', '92%'), shown back as typed, checked in GOV.UK wording."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, *, required_message: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.number: Decimal | None = None

    def process_data(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            as_float = float(value)
            value = f"{as_float:.0f}" if as_float.is_integer() else f"{as_float:.4f}".rstrip("0").rstrip(".")
        super().process_data(value)

    def pre_validate(self, form):
        self.number = None
        try:
            self.number = parse_number(self.data)
        except NotANumber:
            raise StopValidation(f"{self.label.text} must be a number, like 92 or 0.5") from None
        if self.number is None and self.required_message:
            raise StopValidation(self.required_message)


def too_long(name: str, limit: int) -> Length:
    """A length limit, in GOV.UK words: "Name must be 200 characters or fewer"."""
    return Length(max=limit, message=f"{name} must be {limit:,} characters or fewer")


def strip_whitespace(value):
    """People paste text with a space at either end: forgive it."""
    return value.strip() if isinstance(value, str) else value


def int_or_none(value) -> int | None:
    """A hidden field's whole number; blank or anything else is None."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def text_input(label: str, *validators, hint: str = "", **options: Any) -> StringField:
    """A one-line text box."""
    return StringField(label, widget=GovTextInput(), description=hint, validators=list(validators), **options)


def text_area(label: str, *validators, hint: str = "", **options: Any) -> TextAreaField:
    """A box for several lines of text."""
    return TextAreaField(label, widget=GovTextArea(), description=hint, validators=list(validators), **options)


def radios(
    label: str,
    choices: Iterable[tuple[str, str]],
    *validators,
    required: str = "",
    choose: str = "",
    hint: str = "",
    **options: Any,
) -> RadioField:
    """One choice of several, as radios. `required` is what to say when none was chosen; a choice that may be left
    unmade says instead, as `choose`, what to say when what was sent is none of the choices."""
    return RadioField(
        label,
        widget=GovRadioInput(),
        description=hint,
        choices=select_choices(choices),
        validators=[InputRequired(required), *validators] if required else list(validators),
        invalid_choice_message=required or choose,
        **options,
    )


def dropdown(label: str, *validators, hint: str = "", **options: Any) -> SelectField:
    """A select whose choices the form fills in when it is made."""
    return SelectField(label, widget=GovSelect(), description=hint, validators=list(validators), **options)


def checkbox(label: str, **options: Any) -> BooleanField:
    """A single yes-or-no box."""
    return BooleanField(label, widget=GovCheckboxInput(), **options)


def file_upload(label: str, *, required: str, hint: str) -> FileField:
    """A file to upload; `required` is what to say when none was chosen."""
    return FileField(label, widget=GovFileInput(), description=hint, validators=[InputRequired(message=required)])


def submit_button(label: str) -> SubmitField:
    return SubmitField(label, widget=GovSubmitInput())


class RemembersVersion:
    """A form mixin: the version of the record the form was opened at, so saving over someone else's change is
    caught rather than lost."""

    version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        return int_or_none(self.version.data)


def entered(field: Field) -> Any:
    """What a field holds once validated: a number field's number, any other field's data."""
    return field.number if isinstance(field, NumberField) else field.data


def values_from(form: FlaskForm, values_type: type[Values], **overrides: Any) -> Values:
    """A values dataclass filled from the form fields of the same names (`overrides` for those that differ)."""
    named = {
        name: entered(form[name]) for name in (f.name for f in dataclasses.fields(values_type)) if name not in overrides
    }
    return values_type(**named, **overrides)
