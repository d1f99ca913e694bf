"""Choosing a board report: period, comparison, priorities, appendix and format, all in the query string."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from werkzeug.datastructures import MultiDict
from wtforms import SelectMultipleField, ValidationError

from wsoa.forms import fields, select_choices
from wsoa.reports.assemble import ReportOptions, ReportSource

FORMATS = {"html": "Web page", "pdf": "PDF", "docx": "Word", "xlsx": "Excel"}
PREVIOUS = ""  # compare with the period before the chosen one


class BoardReportForm(FlaskForm):
    """A GET form, so a chosen report is a link that can be bookmarked and shared."""

    class Meta:
        csrf = False

    period = fields.dropdown("Review period", validate_choice=True, invalid_choice_message="Select a review period")
    compare_with = fields.dropdown(
        "Compare with", validate_choice=True, invalid_choice_message="Select a review period to compare with"
    )
    priority = SelectMultipleField(
        "Priorities",
        widget=GovCheckboxesInput(),
        description="Leave every box unticked for the whole plan",
        validate_choice=True,
        invalid_choice_message="Select priorities of this plan",
    )
    appendix = fields.radios(
        "Include the appendix (key roles and the full action list)?",
        [("yes", "Yes"), ("no", "No")],
        choose="Select whether to include the appendix",
    )
    format = fields.radios("Format", FORMATS.items(), choose="Select a format")
    submit = fields.submit_button("Show report")
    source: ReportSource

    @classmethod
    def for_source(cls, args: MultiDict, source: ReportSource, default_period_id: int | None) -> "BoardReportForm":
        """The form over the query string, with the plan's periods and priorities, and defaults filled in."""
        data = MultiDict(args)
        if default_period_id is not None and not data.get("period"):
            data["period"] = str(default_period_id)
        data.setdefault("compare_with", PREVIOUS)
        data.setdefault("appendix", "yes")
        data.setdefault("format", "html")
        form = cls(formdata=data)
        form.source = source
        periods = [(str(p.id), p.label) for p in reversed(source.periods)]
        form.period.choices = select_choices(periods)
        form.compare_with.choices = select_choices([(PREVIOUS, "The period before"), *periods])
        form.priority.choices = select_choices(
            (str(p.number), f"{p.number}. {p.title if len(p.title) <= 90 else p.title[:89] + '…'}")
            for p in source.priorities
        )
        return form

    def validate_compare_with(self, field) -> None:
        if not field.data or not self.period.data or not self.period.data.isdigit():
            return
        period = self.source.period(int(self.period.data))
        other = self.source.period(int(field.data))
        if period and other and other.record.position >= period.record.position:
            raise ValidationError(f"Select a review period before {period.label} to compare with")

    def options(self) -> ReportOptions:
        return ReportOptions(
            period_id=int(self.period.data),
            compare_with_id=int(self.compare_with.data) if self.compare_with.data else None,
            priorities=tuple(sorted(int(n) for n in self.priority.data)) or None,
            include_appendix=self.appendix.data == "yes",
        )

    def query(self) -> dict[str, str | list[str]]:
        """The choices as query-string arguments, for links to the same report in other formats."""
        query: dict[str, str | list[str]] = {"period": self.period.data, "appendix": self.appendix.data}
        if self.compare_with.data:
            query["compare_with"] = self.compare_with.data
        if self.priority.data:
            query["priority"] = list(self.priority.data)
        return query
