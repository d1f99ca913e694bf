from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from wsoa.importing.mapping import FIELDS


class UploadPlanForm(FlaskForm):
    workbook = FileField(
        "Excel workbook (.xlsx)",
        widget=GovFileInput(),
        description="The action plan as your area keeps it. Nothing is saved until you confirm the preview.",
        validators=[InputRequired(message="Select the Excel workbook to import")],
    )
    target = SelectField("Import into", widget=GovSelect(), validate_choice=True)
    submit = SubmitField("Preview the import", widget=GovSubmitInput())

    def validate_workbook(self, field):
        name = (field.data.filename or "").lower() if field.data else ""
        if name.endswith(".xls"):
            raise ValidationError("The file is an old-style .xls workbook: save it as .xlsx in Excel and try again")
        if not name.endswith((".xlsx", ".xlsm")):
            raise ValidationError("The selected file must be an Excel workbook (.xlsx)")


class ConfirmImportForm(FlaskForm):
    target = HiddenField()
    mapping = HiddenField()  # the column mapping the preview used, as JSON: kept with the plan
    submit = SubmitField("Confirm and import", widget=GovSubmitInput())


class RemapForm(FlaskForm):
    """The preview's column meanings; the selects themselves (field-0, field-1, …) are read by the view."""

    target = HiddenField()
    columns = HiddenField()  # JSON: [[sheet, column letter, heading], …] in the order of the selects


def column_groups(parsed) -> list[tuple[str, list]]:
    """The preview's selects by sheet: (sheet, [(index, column read, select items)])."""
    groups: dict[str, list] = {}
    for index, read in enumerate(parsed.columns):
        items = [{"value": value, "text": label, "selected": value == read.field} for value, label in FIELDS.items()]
        groups.setdefault(read.sheet, []).append((index, read, items))
    return list(groups.items())
