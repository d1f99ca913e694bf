from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import Optional, ValidationError

from wsoa.domain.rag import RAG_LABELS, RAG_VALUES
from wsoa.domain.timeframes import parse_timeframe
from wsoa.forms import select_choices


class ActionFilterForm(FlaskForm):
    """Filters travel in the query string, so a filtered view can be bookmarked and shared."""

    class Meta:
        csrf = False

    priority = SelectField("Priority", widget=GovSelect(), validators=[Optional()], validate_choice=True)
    lead = SelectField("Lead", widget=GovSelect(), validators=[Optional()], validate_choice=True)
    rag = SelectField(
        "RAG rating",
        widget=GovSelect(),
        choices=select_choices([("", "Any"), *((r, RAG_LABELS[r]) for r in RAG_VALUES), ("none", "Not rated")]),
        validators=[Optional()],
    )
    overdue = BooleanField("Only overdue actions", widget=GovCheckboxInput())
    due_before = StringField(
        "Due before",
        widget=GovTextInput(),
        description="For example, 31 3 2021, 31/03/2021 or Mar 21",
        validators=[Optional()],
    )
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def validate_due_before(self, field):
        if field.data and parse_timeframe(field.data).end is None:
            raise ValidationError("Enter the due-before date as a real date, for example 31/03/2021")

    def due_before_date(self):
        return parse_timeframe(self.due_before.data).start if self.due_before.data else None
