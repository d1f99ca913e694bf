"""Leads are written as role codes ("DoP/DCS", "SALT SM", "PACC & CC"): split them and resolve against the glossary."""

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

_SEPARATORS = re.compile(r"\s*(?:/|,|;|&|\+|\band\b|\n)\s*", re.IGNORECASE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def normalise_code(code: str) -> str:
    """Compare codes without regard to case, curly apostrophes or spacing."""
    return " ".join(code.translate(_APOSTROPHES).split()).casefold()


def lead_codes(lead_text: str | None) -> list[str]:
    """The separate codes named in a lead cell, in order, without repeats."""
    if not lead_text:
        return []
    seen: dict[str, str] = {}
    for part in _SEPARATORS.split(lead_text.strip()):
        part = " ".join(part.split())
        if part and normalise_code(part) not in seen:
            seen[normalise_code(part)] = part
    return list(seen.values())


# Plans abbreviate "manager" every which way ("EAS Mgr", "EAS mg'r", "EAS M’ger") and drop the "of" of
# director-of codes ("DPH" for "DoPH"); a cell written so still names the glossary's role.
_MANAGER = re.compile(r"m(?:an|n)?a?ge?r")
_DIRECTOR_OF = re.compile(r"(?<=[A-Z])o(?=[A-Z])")


def loose_code(code: str) -> str:
    """A looser key than `normalise_code`: no apostrophes, no "of" between capitals, one spelling of manager."""
    text = _DIRECTOR_OF.sub("", code.translate(_APOSTROPHES).replace("'", ""))
    return " ".join("mgr" if _MANAGER.fullmatch(word) else word for word in text.casefold().split())


def match_codes(lead_text: str | None, known_codes: Iterable[str]) -> list[str]:
    """The glossary codes that a lead cell names (whole-cell match first, so "SALT SM" is one code).

    Each part is matched exactly (ignoring case, spacing and curly apostrophes) or, failing that, loosely, when
    exactly one glossary code has that loose form."""
    if not lead_text:
        return []
    return list(_lead_matcher(tuple(code for code in known_codes if code))(lead_text))  # rows may lack a code


@lru_cache(maxsize=16)
def _lead_matcher(codes: tuple[str, ...]) -> Callable[[str], tuple[str, ...]]:
    """Built once per glossary, remembering each lead cell's answer: a plan repeats the same few lead cells."""
    exact = {normalise_code(code): code for code in codes}
    by_loose: dict[str, list[str]] = {}
    for code in codes:
        by_loose.setdefault(loose_code(code), []).append(code)
    loose = {key: found[0] for key, found in by_loose.items() if len(found) == 1}

    def find(text: str) -> str | None:
        return exact.get(normalise_code(text)) or loose.get(loose_code(text))

    @lru_cache(maxsize=4096)
    def match(lead_text: str) -> tuple[str, ...]:
        if whole := find(lead_text):
            return (whole,)
        return tuple(dict.fromkeys(code for code in map(find, lead_codes(lead_text)) if code))

    return match


def describe_lead(lead_text: str | None, people_by_code: Mapping[str, str | None]) -> str:
    """'DoP/DCS' → 'DoP (Claire Parker), DCS (Karen Bradshaw)'; unknown codes are shown as written."""
    if not lead_text:
        return ""
    matched = match_codes(lead_text, people_by_code)
    if not matched:
        return lead_text
    return ", ".join(f"{code} ({people_by_code[code]})" if people_by_code[code] else code for code in matched)
