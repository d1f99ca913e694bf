"""The progress update form a lead fills in each review period."""

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from wsoa.domain.rag import Rag
from wsoa.domain.updates import CONFIDENCE_LEVELS, CurrentDue, UpdateDraft, check_update
from wsoa.forms import select_choices

NOT_RATED = "none"

RAG_CHOICES = [
    (Rag.BLUE.value, "Blue – complete"),
    (Rag.GREEN.value, "Green – on track"),
    (Rag.AMBER.value, "Amber – at risk"),
    (Rag.RED.value, "Red – off track"),
    (NOT_RATED, "Not started (no rating)"),
]
CONFIDENCE_CHOICES = [*((value, label) for value, label in CONFIDENCE_LEVELS.items()), (NOT_RATED, "Not yet known")]


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class ProgressUpdateForm(FlaskForm):
    rag = RadioField(
        "Delivery: how is this action going?",
        widget=GovRadioInput(),
        choices=select_choices(RAG_CHOICES),
        invalid_choice_message="Select a RAG rating",
    )
    confidence = RadioField(
        "Impact: how confident are you that this action will make the difference it is meant to?",
        widget=GovRadioInput(),
        choices=select_choices(CONFIDENCE_CHOICES),
        validate_choice=False,
        validators=[Optional()],
    )
    narrative = TextAreaField(
        "Progress this period",
        widget=GovTextArea(),
        description="What has been done, and what difference it has made for children, young people and families",
    )
    next_steps = TextAreaField("Next steps", widget=GovTextArea())
    risks = TextAreaField("Risks or barriers, and how they are being mitigated", widget=GovTextArea())
    revised_due_text = StringField(
        "Revised completion date",
        widget=GovTextInput(),
        description="Only if the completion date is moving. For example, Mar 22, 31/03/2022 or Q4 2021/22",
        validators=[Length(max=300, message="Revised completion date must be 300 characters or fewer")],
    )
    revised_due_reason = TextAreaField("Why is the completion date moving?", widget=GovTextArea())
    revised_due_agreed_by = StringField(
        "Who agreed the new completion date?",
        widget=GovTextInput(),
        description="For example, SEND Strategic Board, 14 January 2022",
        validators=[Length(max=200, message="Who agreed the new date must be 200 characters or fewer")],
    )
    evidence = TextAreaField(
        "Evidence",
        widget=GovTextArea(),
        description="Links or document references, one per line. Needed when the action is complete (Blue).",
    )
    evidence_files = MultipleFileField(
        "Evidence files",
        widget=GovFileInput(multiple=True),
        description="PDF, Word, Excel, PowerPoint, images or text. Kept with this update; a correction is a new file.",
    )
    version = HiddenField()
    seen_update = HiddenField()
    submit = SubmitField("Save update", widget=GovSubmitInput())

    def uploads(self) -> list[tuple[str, bytes]]:
        """The chosen files as (name, bytes); a file input left empty sends one nameless part, which is skipped."""
        return [(f.filename, f.read()) for f in (self.evidence_files.data or []) if f and f.filename]

    def prefill(self, version: int, latest_id: int | None) -> None:
        self.version.data = str(version)
        self.seen_update.data = str(latest_id) if latest_id else ""

    def draft(self) -> UpdateDraft:
        def rating(value):
            return None if value in (None, "", NOT_RATED) else value

        return UpdateDraft(
            rag=rating(self.rag.data),
            confidence=rating(self.confidence.data),
            narrative=self.narrative.data,
            next_steps=self.next_steps.data,
            risks=self.risks.data,
            revised_due_text=self.revised_due_text.data,
            revised_due_reason=self.revised_due_reason.data,
            revised_due_agreed_by=self.revised_due_agreed_by.data,
            evidence=self.evidence.data,
        )

    @property
    def expected_version(self) -> int | None:
        return _int_or_none(self.version.data)

    @property
    def seen_update_id(self) -> int | None:
        return _int_or_none(self.seen_update.data)

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

    role = SelectField("Show actions led by", widget=GovSelect(), validators=[Optional()], validate_choice=False)
    submit = SubmitField("Show actions", widget=GovSubmitInput())


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Comment",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            DataRequired(message="Enter a comment"),
            Length(max=10000, message="A comment must be 10,000 characters or fewer"),
        ],
    )
    is_challenge = BooleanField(
        "This is a board challenge: the lead or an officer must answer it", widget=GovCheckboxInput()
    )
    submit = SubmitField("Add comment", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    body = TextAreaField(
        "Answer",
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            DataRequired(message="Enter an answer"),
            Length(max=10000, message="An answer must be 10,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Answer challenge", widget=GovSubmitInput())


class ReviewForm(FlaskForm):
    decision = RadioField(
        "Sign off this update?",
        widget=GovRadioInput(),
        choices=select_choices(
            [("signed_off", "Sign off: it can go to the board"), ("returned", "Return it to the lead")]
        ),
        validators=[InputRequired(message="Select sign off or return")],
        invalid_choice_message="Select sign off or return",
    )
    reason = TextAreaField(
        "Why is it being returned?",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="The reason must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_reason(self, field):
        if self.decision.data == "returned" and not (field.data or "").strip():
            raise ValidationError("Say why the update is being returned")


class SignOffSettingForm(FlaskForm):
    required = BooleanField("Updates need sign-off before they count in the board paper", widget=GovCheckboxInput())
    submit = SubmitField("Save sign-off setting", widget=GovSubmitInput())
