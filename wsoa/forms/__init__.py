"""WTForms with GOV.UK Frontend widgets, one module per feature (as in views/)."""

from collections.abc import Iterable, Mapping
from typing import Protocol

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields.choices import SelectChoice


def select_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3's SelectChoice (plain tuples are deprecated)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


class FieldProblem(Protocol):
    """What every service's refusal carries: the form field it is about (None: the whole form) and what to say."""

    @property
    def field(self) -> str | None: ...

    @property
    def message(self) -> str: ...


def show_problems(form: FlaskForm, *problems: FieldProblem, names: Mapping[str, str] | None = None) -> bool:
    """The one way a service's problems reach a form: each on the field it names (through `names` where the form
    calls it something else), once; above the form when it names none the form has. False when there were any."""
    for problem in problems:
        name = (names or {}).get(problem.field or "", problem.field)
        target = getattr(form, name or "", None)
        if not isinstance(target, Field):
            form.form_errors.append(problem.message)
        elif problem.message not in target.errors:
            target.errors = [*target.errors, problem.message]
    return not problems
