"""The public progress page: texts for families, approving them, the KPIs it shows, publishing and withdrawing."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextArea
from wtforms import HiddenField, SelectMultipleField, SubmitField, TextAreaField

from wsoa.domain.publishing import TEXT_LIMIT
from wsoa.forms import select_choices

PLAIN = "Plain English for families: name roles, never people, and avoid abbreviations"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SummaryForm(FlaskForm):
    body = TextAreaField(
        "Summary for families",
        widget=GovTextArea(),
        filters=[_strip],
        description=f"What this priority is about and how it is going. {PLAIN}. At most {TEXT_LIMIT:,} characters.",
    )
    submit = SubmitField("Save draft", widget=GovSubmitInput())


class SaidDidForm(FlaskForm):
    you_said = TextAreaField(
        "You said", widget=GovTextArea(), filters=[_strip], description="What families told the partnership"
    )
    body = TextAreaField(
        "We did", widget=GovTextArea(), filters=[_strip], description=f"What has been done about it. {PLAIN}."
    )
    submit = SubmitField("Save draft", widget=GovSubmitInput())


class ApproveForm(FlaskForm):
    version = HiddenField()  # the wording the officer read: approving is refused if it has changed since
    submit = SubmitField("Approve for publishing", widget=GovSubmitInput())

    @property
    def version_id(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class KpiChoiceForm(FlaskForm):
    kpis = SelectMultipleField(
        "Choose the KPIs the page shows",
        widget=GovCheckboxesInput(),
        description="Each is shown with its chart and a table of its values",
        invalid_choice_message="Select KPIs from the list",
    )
    submit = SubmitField("Save KPIs to publish", widget=GovSubmitInput())

    def __init__(self, *args, kpis=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis.choices = select_choices(
            (str(kpi.id), f"Priority {number}: {kpi.name or kpi.text}") for kpi, number in kpis
        )

    @property
    def kpi_ids(self) -> list[int]:
        return [int(value) for value in self.kpis.data or ()]


class PublishForm(FlaskForm):
    submit = SubmitField("Publish", widget=GovSubmitInput())


class RemoveForm(FlaskForm):
    submit = SubmitField("Remove it", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    submit = SubmitField("Withdraw the public page", widget=GovSubmitInput())
