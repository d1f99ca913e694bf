"""RAG ratings: the allowed values, their labels and how they sort and roll up."""

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    BLUE = "blue"


RAG_VALUES: tuple[str, ...] = tuple(r.value for r in Rag)
NOT_RATED = "none"

RAG_LABELS: dict[str | None, str] = {
    Rag.RED: "Red",
    Rag.AMBER: "Amber",
    Rag.GREEN: "Green",
    Rag.BLUE: "Blue",
    None: "Not rated",
}

# What each rating means for delivery: shown beside the word so colour is never the only signal.
RAG_MEANINGS: dict[str | None, str] = {
    Rag.RED: "Off track",
    Rag.AMBER: "At risk",
    Rag.GREEN: "On track",
    Rag.BLUE: "Complete",
    None: "Not started or not yet rated",
}

# GOV.UK Frontend has no amber tag; orange is the Design System's nearest.
RAG_TAG_CLASSES: dict[str | None, str] = {
    Rag.RED: "govuk-tag--red",
    Rag.AMBER: "govuk-tag--orange",
    Rag.GREEN: "govuk-tag--green",
    Rag.BLUE: "govuk-tag--blue",
    None: "govuk-tag--grey",
}

# Worst first: the order boards read exceptions in.
SEVERITY_ORDER: tuple[str | None, ...] = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, None)


def rag_label(rag: str | None) -> str:
    return RAG_LABELS[Rag(rag) if rag else None]


def rag_meaning(rag: str | None) -> str:
    return RAG_MEANINGS[Rag(rag) if rag else None]


def rag_tag_class(rag: str | None) -> str:
    return RAG_TAG_CLASSES[Rag(rag) if rag else None]


def rag_distribution(ratings: Iterable[str | None]) -> dict[str, int]:
    """Count ratings into red/amber/green/blue/none, always with every key present."""
    counts = Counter(r or NOT_RATED for r in ratings)
    return {key: counts.get(key, 0) for key in (*RAG_VALUES, NOT_RATED)}


def add_distributions(distributions: Iterable[dict[str, int]]) -> dict[str, int]:
    total = dict.fromkeys((*RAG_VALUES, NOT_RATED), 0)
    for distribution in distributions:
        for key, count in distribution.items():
            total[key] += count
    return total
