"""WTForms with GOV.UK Frontend widgets, one module per feature (as in views/)."""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice


def select_choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3's SelectChoice (plain tuples are deprecated)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]
