"""The progress update form a lead fills in each review period."""

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from wsoa.domain.rag import Rag
from wsoa.domain.updates import CONFIDENCE_LEVELS, CurrentDue, UpdateDraft, check_update
from wsoa.forms import fields, select_choices

NOT_RATED = "none"

RAG_CHOICES = [
    (Rag.BLUE.value, "Blue – complete"),
    (Rag.GREEN.value, "Green – on track"),
    (Rag.AMBER.value, "Amber – at risk"),
    (Rag.RED.value, "Red – off track"),
    (NOT_RATED, "Not started (no rating)"),
]
CONFIDENCE_CHOICES = [*((value, label) for value, label in CONFIDENCE_LEVELS.items()), (NOT_RATED, "Not yet known")]


class ProgressUpdateForm(fields.RemembersVersion, FlaskForm):
    rag = fields.radios("Delivery: how is this action going?", RAG_CHOICES, choose="Select a RAG rating")
    confidence = RadioField(
        "Impact: how confident are you that this action will make the difference it is meant to?",
        widget=GovRadioInput(),
        choices=select_choices(CONFIDENCE_CHOICES),
        validate_choice=False,
        validators=[Optional()],
    )
    narrative = fields.text_area(
        "Progress this period",
        hint="What has been done, and what difference it has made for children, young people and families",
    )
    next_steps = fields.text_area("Next steps")
    risks = fields.text_area("Risks or barriers, and how they are being mitigated")
    revised_due_text = fields.text_input(
        "Revised completion date",
        fields.too_long("Revised completion date", 300),
        hint="Only if the completion date is moving. For example, Mar 22, 31/03/2022 or Q4 2021/22",
    )
    revised_due_reason = fields.text_area("Why is the completion date moving?")
    revised_due_agreed_by = fields.text_input(
        "Who agreed the new completion date?",
        fields.too_long("Who agreed the new date", 200),
        hint="For example, SEND Strategic Board, 14 January 2022",
    )
    evidence = fields.text_area(
        "Evidence", hint="Links or document references, one per line. Needed when the action is complete (Blue)."
    )
    evidence_files = MultipleFileField(
        "Evidence files",
        widget=GovFileInput(multiple=True),
        description="PDF, Word, Excel, PowerPoint, images or text. Kept with this update; a correction is a new file.",
    )
    seen_update = HiddenField()
    submit = fields.submit_button("Save update")

    def uploads(self) -> list[tuple[str, bytes]]:
        """The chosen files as (name, bytes); a file input left empty sends one nameless part, which is skipped."""
        return [(f.filename, f.read()) for f in (self.evidence_files.data or []) if f and f.filename]

    def prefill(self, version: int, latest_id: int | None) -> None:
        self.version.data = str(version)
        self.seen_update.data = str(latest_id) if latest_id else ""

    def draft(self) -> UpdateDraft:
        def rating(value):
            return None if value in (None, "", NOT_RATED) else value

        return fields.values_from(self, UpdateDraft, rag=rating(self.rag.data), confidence=rating(self.confidence.data))

    @property
    def seen_update_id(self) -> int | None:
        return fields.int_or_none(self.seen_update.data)

    def validate_with(self, current: CurrentDue) -> bool:
        """The form's own checks plus the domain rules (which the service checks again), all shown at once."""
        valid = self.validate()
        if self.rag.errors:
            self.rag.errors = ["Select a RAG rating"]
        for problem in check_update(self.draft(), current):
            field = getattr(self, problem.field)
            if problem.message not in field.errors:
                field.errors = [*field.errors, problem.message]
            valid = False
        return valid

    def add_error(self, field_name: str, message: str) -> None:
        field = getattr(self, field_name)
        field.errors = [*field.errors, message]

    def show_conflict(self, current_version: int, newest_seen_id: int | None) -> None:
        """Keep what they typed; move the form on to the version now seen, so saving again is deliberate."""
        self.version.data = str(current_version)
        if newest_seen_id is not None:
            self.seen_update.data = str(newest_seen_id)
        self.add_error(
            "narrative",
            "Your update was not saved because someone else changed this action while you were editing. "
            "Read their update below, change yours if you need to, then save again",
        )


# Select for editors and admins choosing whose actions to see on My actions.
class RoleChoiceForm(FlaskForm):
    class Meta:
        csrf = False

    role = fields.dropdown("Show actions led by", Optional(), validate_choice=False)
    submit = fields.submit_button("Show actions")


def _trimmed_text(label: str, *validators) -> TextAreaField:
    return fields.text_area(label, *validators, filters=[fields.strip_whitespace])


class CommentForm(FlaskForm):
    body = _trimmed_text("Comment", DataRequired(message="Enter a comment"), fields.too_long("A comment", 10_000))
    is_challenge = fields.checkbox("This is a board challenge: the lead or an officer must answer it")
    submit = fields.submit_button("Add comment")


class AnswerForm(FlaskForm):
    body = _trimmed_text("Answer", DataRequired(message="Enter an answer"), fields.too_long("An answer", 10_000))
    submit = fields.submit_button("Answer challenge")


class ReviewForm(FlaskForm):
    decision = fields.radios(
        "Sign off this update?",
        [("signed_off", "Sign off: it can go to the board"), ("returned", "Return it to the lead")],
        required="Select sign off or return",
    )
    reason = fields.text_area("Why is it being returned?", fields.too_long("The reason", 5_000))
    submit = fields.submit_button("Save decision")

    def validate_reason(self, field):
        if self.decision.data == "returned" and not (field.data or "").strip():
            raise ValidationError("Say why the update is being returned")


class SignOffSettingForm(FlaskForm):
    required = fields.checkbox("Updates need sign-off before they count in the board paper")
    submit = fields.submit_button("Save sign-off setting")
