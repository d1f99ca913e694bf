"""Starting a new plan from an earlier one: its title and kind, what carries over, and what becomes of the old plan."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.validators import DataRequired

from wsoa.forms.fields import radios, submit_button, text_input
from wsoa.models.plan import PLAN_KINDS
from wsoa.services.plan_succession import CarryChoices, NewPlanFrom


class StartPlanForm(FlaskForm):
    title = text_input(
        "Title of the new plan",
        DataRequired("Enter a title for the new plan"),
        hint="For example, Testshire Accelerated Progress Plan 2023",
    )
    kind = radios(
        "Kind of plan", PLAN_KINDS.items(), required="Select the kind of plan", default="accelerated_progress_plan"
    )
    # Checkboxes per priority with its actions, drawn by the template (plans/start_new_plan.html) from `offer`.
    priorities = SelectMultipleField("Priorities", coerce=int)
    actions = SelectMultipleField("Actions", coerce=int)
    carry_kpis = radios(
        "Carry over the chosen priorities’ impact measures?",
        [("yes", "Yes, their definitions and targets (not the values recorded)"), ("no", "No")],
        required="Say whether impact measures carry over",
        default="yes",
    )
    supersede = radios(
        "Mark the earlier plan as superseded?",
        [("yes", "Yes, the new plan takes over from it"), ("no", "No, it stays as it is")],
        required="Say whether the earlier plan is superseded",
        default="yes",
    )
    submit = submit_button("Start the new plan")

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
