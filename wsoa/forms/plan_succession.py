"""Starting a new plan from an earlier one: its title and kind, what carries over, and what becomes of the old plan."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from wsoa.forms import select_choices
from wsoa.models.plan import PLAN_KINDS
from wsoa.services.plan_succession import CarryChoices, NewPlanFrom

YES_NO = [("yes", "Yes"), ("no", "No")]


class StartPlanForm(FlaskForm):
    title = StringField(
        "Title of the new plan",
        widget=GovTextInput(),
        description="For example, Testshire Accelerated Progress Plan 2023",
        validators=[DataRequired("Enter a title for the new plan")],
    )
    kind = RadioField(
        "Kind of plan",
        widget=GovRadioInput(),
        choices=select_choices(PLAN_KINDS.items()),
        default="accelerated_progress_plan",
        validators=[InputRequired("Select the kind of plan")],
        invalid_choice_message="Select the kind of plan",
    )
    # Checkboxes per priority with its actions, drawn by the template (plans/start_new_plan.html) from `offer`.
    priorities = SelectMultipleField("Priorities", coerce=int)
    actions = SelectMultipleField("Actions", coerce=int)
    carry_kpis = RadioField(
        "Carry over the chosen priorities’ impact measures?",
        widget=GovRadioInput(),
        choices=select_choices([("yes", "Yes, their definitions and targets (not the values recorded)"), ("no", "No")]),
        default="yes",
        validators=[InputRequired("Say whether impact measures carry over")],
        invalid_choice_message="Say whether impact measures carry over",
    )
    supersede = RadioField(
        "Mark the earlier plan as superseded?",
        widget=GovRadioInput(),
        choices=select_choices([("yes", "Yes, the new plan takes over from it"), ("no", "No, it stays as it is")]),
        default="yes",
        validators=[InputRequired("Say whether the earlier plan is superseded")],
        invalid_choice_message="Say whether the earlier plan is superseded",
    )
    submit = SubmitField("Start the new plan", widget=GovSubmitInput())

    def offer(self, choices: CarryChoices) -> None:
        """What may be chosen, and, on first showing, the defaults: every priority, every action not complete."""
        self.priorities.choices = [(p.priority.id, str(p.priority.number)) for p in choices.priorities]
        self.actions.choices = [(a.action.id, a.action.ref) for p in choices.priorities for a in p.actions]
        if not self.is_submitted():
            self.priorities.data = choices.default_priority_ids()
            self.actions.data = choices.default_action_ids()

    def values(self) -> NewPlanFrom:
        return NewPlanFrom(
            title=self.title.data or "",
            kind=self.kind.data or "",
            priority_ids=frozenset(self.priorities.data or ()),
            action_ids=frozenset(self.actions.data or ()),
            carry_kpis=self.carry_kpis.data == "yes",
            supersede=self.supersede.data == "yes",
        )
