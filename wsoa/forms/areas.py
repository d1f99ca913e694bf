"""Creating a local area with its first admin."""

from flask_wtf import FlaskForm
from wtforms.validators import InputRequired

from wsoa.forms import fields
from wsoa.forms.auth import email_address
from wsoa.forms.users import full_name


class AreaForm(FlaskForm):
    name = fields.text_input(
        "Name of the local area",
        InputRequired(message="Enter the area's name"),
        fields.too_long("Name of the local area", 200),
        hint="For example, Shropshire SEND partnership",
        filters=[fields.strip_whitespace],
    )
    admin_name = full_name("Full name of its first admin", "Enter the first admin’s full name")
    admin_email = email_address("Enter the first admin’s email address", hint="They sign in with this")
    submit = fields.submit_button("Create area")
