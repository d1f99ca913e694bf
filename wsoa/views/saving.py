"""The one shape of a form that saves through a service: a valid submission is saved and committed, or the
service's problems are shown on the form's fields and nothing is committed."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask_wtf import FlaskForm

from wsoa.extensions import db
from wsoa.forms import show_problems

T = TypeVar("T")


@dataclass(frozen=True)
class Saved(Generic[T]):
    value: T  # what the service returned (False and None are answers too, hence the wrapper)


def save_form(
    form: FlaskForm, save: Callable[[], T], refused: type[Exception] | tuple[type[Exception], ...]
) -> Saved[T] | None:
    """Run `save` for a valid submitted form and commit; None when the form was not submitted or not valid, or when
    the service refused with one of `refused` (its problem is then on the field it names)."""
    if not form.validate_on_submit():
        return None
    try:
        value = save()
    except refused as problem:
        show_problems(form, problem)  # type: ignore[arg-type]  (every service's problem has field and message)
        return None
    db.session.commit()
    return Saved(value)
