"""Leads are written as role codes ("DoP/DCS", "SALT SM", "PACC & CC"): split them and resolve against the glossary."""

import re
from collections.abc import Iterable, Mapping

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


def match_codes(lead_text: str | None, known_codes: Iterable[str]) -> list[str]:
    """The glossary codes that a lead cell names (whole-cell match first, so "SALT SM" is one code)."""
    by_normal = {normalise_code(code): code for code in known_codes}
    if lead_text and normalise_code(lead_text) in by_normal:
        return [by_normal[normalise_code(lead_text)]]
    return [by_normal[normalise_code(part)] for part in lead_codes(lead_text) if normalise_code(part) in by_normal]


def describe_lead(lead_text: str | None, people_by_code: Mapping[str, str | None]) -> str:
    """'DoP/DCS' → 'DoP (Claire Parker), DCS (Karen Bradshaw)'; unknown codes are shown as written."""
    if not lead_text:
        return ""
    matched = match_codes(lead_text, people_by_code)
    if not matched:
        return lead_text
    return ", ".join(f"{code} ({people_by_code[code]})" if people_by_code[code] else code for code in matched)
