"""KPI forms: a KPI's definition, one recorded value, and a file of values to upload."""

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Optional, ValidationError

from wsoa.domain.kpi_values import (
    DIRECTION_LABELS,
    DIRECTIONS,
    FREQUENCIES,
    FREQUENCY_LABELS,
    MAX_PERIOD_LABEL,
    KpiDraft,
    Problem,
    ValueDraft,
    check_definition,
    parse_benchmarks,
    parse_milestones,
    resolve_value,
)
from wsoa.domain.wording import UNIT_LABELS, UNITS
from wsoa.forms import fields, select_choices, show_problems
from wsoa.forms.periods import GovDateField

NO_CHOICE = ""


class KpiForm(FlaskForm):
    name = fields.text_input(
        "Name",
        fields.too_long("Name", 200),
        hint="A short name for charts and reports, for example SALT: children seen within 18 weeks",
    )
    text = fields.text_area("Impact measure", hint="The words of the impact measure, as the plan has them")
    outcome = fields.dropdown("Outcome (optional)", Optional(), validate_choice=True)
    unit = fields.radios(
        "Unit", ((unit, UNIT_LABELS[unit]) for unit in UNITS), choose="Select the unit the KPI is measured in"
    )
    direction = fields.radios(
        "Which way is better?",
        ((d, DIRECTION_LABELS[d]) for d in DIRECTIONS),
        choose="Select whether higher or lower is better, or a band to hold within",
    )
    band_low = fields.NumberField(
        "Lowest value of the band", description="Only for a KPI held within a band", validators=[Optional()]
    )
    band_high = fields.NumberField("Highest value of the band", validators=[Optional()])
    baseline_value = fields.NumberField("Baseline value", description="Where the KPI started")
    baseline_date = GovDateField("Baseline date", description="For example, 31 1 2020")
    target_value = fields.NumberField(
        "Target value", description="A target of 0 is a real target, for example no exclusions"
    )
    target_date = GovDateField("Target date", description="When the target is to be met. For example, 31 3 2022")
    milestones = fields.text_area(
        "Milestones (trajectory)",
        hint="Where the KPI should be on the way to the target: one per line, the date, a comma, then the value. "
        "For example: 30/09/2020, 85",
    )
    tolerance = fields.NumberField(
        "Tolerance (optional)",
        description=(
            "How far behind the trajectory still counts as at risk rather than off track, in the KPI's unit. "
            "Leave empty to use 5% of the distance from baseline to target."
        ),
    )
    benchmarks = fields.text_area(
        "Benchmarks (optional)",
        hint="Figures to compare with: one per line, what it is, its value and the date of the figure. "
        "For example: England average, 0.06, 31/08/2020",
    )
    is_ratio = fields.checkbox(
        "Values are a numerator over a denominator (for example 92 of 100 children): record both"
    )
    frequency = fields.radios(
        "How often is it reported? (optional)",
        ((f, FREQUENCY_LABELS[f]) for f in FREQUENCIES),
        Optional(),
        choose="Select how often the KPI is reported",
    )
    data_source = fields.text_input(
        "Data source (optional)",
        fields.too_long("Data source", 300),
        hint="Where the figures come from, for example the SALT service's monthly waiting list report",
    )
    owner_role = fields.dropdown(
        "Owner (optional)",
        Optional(),
        hint="The role that records the values, from the key-roles glossary. Its holders can add values.",
        validate_choice=True,
    )
    submit = fields.submit_button("Save KPI")

    # Domain problem fields that are named differently on the form.
    FIELD_NAMES = {"outcome_id": "outcome", "owner_role_id": "owner_role"}

    def set_choices(self, outcomes, roles) -> None:
        self.outcome.choices = select_choices(
            [(NO_CHOICE, "Not linked to an outcome"), *((str(o.id), f"{o.ref} – {_clip(o.text)}") for o in outcomes)]
        )
        self.owner_role.choices = select_choices(
            [
                (NO_CHOICE, "Not set"),
                *((str(r.id), f"{r.code or '(no code)'} – {r.title or r.person or ''}".rstrip(" –")) for r in roles),
            ]
        )

    @staticmethod
    def initial(kpi, milestones: str, benchmarks: str) -> dict[str, Any]:
        """What the form shows for a KPI already held (an imported impact measure has only its words)."""
        return {
            "name": kpi.name,
            "text": kpi.text,
            "outcome": str(kpi.outcome_id) if kpi.outcome_id else NO_CHOICE,
            "unit": kpi.unit if kpi.unit in UNITS else None,
            "direction": kpi.direction if kpi.name else None,  # an imported measure's default is not a choice made
            "band_low": kpi.band_low,
            "band_high": kpi.band_high,
            "baseline_value": kpi.baseline_value,
            "baseline_date": kpi.baseline_date,
            "target_value": kpi.target_value,
            "target_date": kpi.target_date,
            "milestones": milestones,
            "tolerance": kpi.tolerance,
            "benchmarks": benchmarks,
            "is_ratio": kpi.is_ratio,
            "frequency": kpi.frequency,
            "data_source": kpi.data_source,
            "owner_role": str(kpi.owner_role_id) if kpi.owner_role_id else NO_CHOICE,
        }

    def draft(self) -> KpiDraft:
        milestones, _ = parse_milestones(self.milestones.data)
        benchmarks, _ = parse_benchmarks(self.benchmarks.data)
        return fields.values_from(
            self,
            KpiDraft,
            outcome_id=_id_or_none(self.outcome.data),
            is_ratio=bool(self.is_ratio.data),
            frequency=self.frequency.data or None,
            owner_role_id=_id_or_none(self.owner_role.data),
            milestones=milestones,
            benchmarks=benchmarks,
        )

    def validate_definition(self) -> bool:
        """The form's own checks, the milestone and benchmark lines and the domain rules, all shown at once."""
        valid = self.validate()
        _, milestone_problems = parse_milestones(self.milestones.data)
        _, benchmark_problems = parse_benchmarks(self.benchmarks.data)
        line_problems = [Problem("milestones", str(p)) for p in milestone_problems]
        line_problems += [Problem("benchmarks", str(p)) for p in benchmark_problems]
        valid = show_problems(self, *line_problems) and valid
        already = {name for name, field in self._fields.items() if field.errors}
        domain = [p for p in check_definition(self.draft()) if self.FIELD_NAMES.get(p.field, p.field) not in already]
        return show_problems(self, *domain, names=self.FIELD_NAMES) and valid

    def show_problems(self, problems: list[Problem]) -> None:
        show_problems(self, *problems, names=self.FIELD_NAMES)


def _id_or_none(value: str | None) -> int | None:
    return int(value) if (value or "").isdigit() else None


def _clip(text: str | None, limit: int = 70) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class KpiValueForm(FlaskForm):
    on = GovDateField(
        "Date the value is for",
        required=True,
        description="For a month, term or quarter, use its last day. For example, 31 3 2021",
    )
    period_label = fields.text_input(
        "Period (optional)",
        fields.too_long("Period", MAX_PERIOD_LABEL),
        hint="How reports name the period, for example Mar 21, Q4 2020/21 or Spring term 2021",
    )
    value = fields.NumberField("Value")
    numerator = fields.NumberField("Numerator", description="For example, the number of children seen within 18 weeks")
    denominator = fields.NumberField("Denominator", description="For example, the number of children referred")
    note = fields.text_area(
        "Note (optional)",
        hint="What explains this value, or where it came from. A correction should say what was wrong.",
    )
    corrects = HiddenField()
    submit = fields.submit_button("Save value")

    @property
    def corrects_id(self) -> int | None:
        return _id_or_none(self.corrects.data)

    def draft(self) -> ValueDraft:
        return fields.values_from(self, ValueDraft)

    def validate_for(self, kpi, today: date) -> bool:
        """The form's own checks plus the value rules (which the service checks again), all shown at once."""
        valid = self.validate()
        already = {name for name, field in self._fields.items() if field.errors}
        _, problems = resolve_value(self.draft(), unit=kpi.unit, is_ratio=kpi.is_ratio, today=today)
        return show_problems(self, *(p for p in problems if p.field not in already)) and valid

    def show_problems(self, problems: list[Problem]) -> None:
        show_problems(self, *problems)

    def prefill_from(self, value) -> None:
        """Start a correction from the value being corrected."""
        self.corrects.data = str(value.id)
        self.on.data = value.on
        self.period_label.data = value.period_label
        self.value.process_data(value.value)
        if value.numerator is not None:
            self.numerator.process_data(value.numerator)
        if value.denominator is not None:
            self.denominator.process_data(value.denominator)


class UploadValuesForm(FlaskForm):
    values_file = fields.file_upload(
        "CSV or Excel file",
        required="Select a CSV or Excel file of KPI values",
        hint="A .csv or .xlsx file whose first row names the columns KPI, Date, Value and Note.",
    )
    submit = fields.submit_button("Upload values")

    def validate_values_file(self, field):
        name = (field.data.filename or "").lower() if field.data else ""
        if name.endswith(".xls"):
            raise ValidationError("The file is an old-style .xls workbook: save it as .xlsx or .csv and try again")
        if not name.endswith((".csv", ".xlsx", ".xlsm", ".txt")):
            raise ValidationError("The selected file must be a CSV file (.csv) or an Excel workbook (.xlsx)")
