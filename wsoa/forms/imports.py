from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import ValidationError

from wsoa.forms import fields
from wsoa.importing.mapping import FIELDS


class UploadPlanForm(FlaskForm):
    workbook = fields.file_upload(
        "Excel workbook (.xlsx)",
        required="Select the Excel workbook to import",
        hint="The action plan as your area keeps it. Nothing is saved until you confirm the preview.",
    )
    target = fields.dropdown("Import into", validate_choice=True)
    submit = fields.submit_button("Preview the import")

    def validate_workbook(self, field):
        name = (field.data.filename or "").lower() if field.data else ""
        if name.endswith(".xls"):
            raise ValidationError("The file is an old-style .xls workbook: save it as .xlsx in Excel and try again")
        if not name.endswith((".xlsx", ".xlsm")):
            raise ValidationError("The selected file must be an Excel workbook (.xlsx)")


class ConfirmImportForm(FlaskForm):
    target = HiddenField()
    mapping = HiddenField()  # the column mapping the preview used, as JSON: kept with the plan
    submit = fields.submit_button("Confirm and import")


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
