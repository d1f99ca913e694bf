from flask_wtf import FlaskForm
from wtforms.validators import Optional, ValidationError

from wsoa.domain.rag import RAG_LABELS, RAG_VALUES
from wsoa.domain.timeframes import parse_timeframe
from wsoa.forms import fields, select_choices


class ActionFilterForm(FlaskForm):
    """Filters travel in the query string, so a filtered view can be bookmarked and shared."""

    class Meta:
        csrf = False

    priority = fields.dropdown("Priority", Optional(), validate_choice=True)
    lead = fields.dropdown("Lead", Optional(), validate_choice=True)
    rag = fields.dropdown(
        "RAG rating",
        Optional(),
        choices=select_choices([("", "Any"), *((r, RAG_LABELS[r]) for r in RAG_VALUES), ("none", "Not rated")]),
    )
    overdue = fields.checkbox("Only overdue actions")
    due_before = fields.text_input("Due before", Optional(), hint="For example, 31 3 2021, 31/03/2021 or Mar 21")
    submit = fields.submit_button("Apply filters")

    def validate_due_before(self, field):
        if field.data and parse_timeframe(field.data).end is None:
            raise ValidationError("Enter the due-before date as a real date, for example 31/03/2021")

    def due_before_date(self):
        return parse_timeframe(self.due_before.data).start if self.due_before.data else None
