"""What makes a new password acceptable, as the NCSC advises: long enough, and not one that is guessed first.

No composition rules (no "a digit and a symbol"): they make passwords harder to remember, not to guess. Refused are
passwords that are too short or too long, one character or group of characters repeated ("aaaaaaaaaaaa",
"abcabcabcabc"), ones containing the person's name or email address, and the common passwords in
imports/common-passwords.txt (where that list comes from, and its licence, is in the file's header).
"""

import re
from functools import cache
from pathlib import Path

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "imports" / "common-passwords.txt"
# Parts of a name or email address shorter than this are too common inside other words to refuse ("Sam", "Jo").
SHORTEST_PERSONAL_PART = 4

_REPEATED = re.compile(r"(.+?)\1+", re.DOTALL)
_SEPARATORS = re.compile(r"[^\w]+|_")


@cache
def common_passwords() -> frozenset[str]:
    """The deny list, lower-cased: read from its file once per process, then a set lookup."""
    text = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    _header, _, body = text.partition("\n\n")
    return frozenset(line for line in body.split("\n") if line)


def is_common(password: str) -> bool:
    return password.strip().lower() in common_passwords()


def is_repeated(password: str) -> bool:
    """One character or group of characters over and over: "aaaaaaaaaaaa", "abcabcabcabc", "passwordpassword"."""
    return _REPEATED.fullmatch(password) is not None


def personal_parts(*, email: str | None, name: str | None) -> set[str]:
    """The pieces of a person's email address and name that their password must not contain, lower-cased."""
    parts: set[str] = set()
    local = (email or "").strip().lower().partition("@")[0]
    if local:
        parts.add(local)
        parts.update(_SEPARATORS.split(local))
    name = (name or "").strip().lower()
    if name:
        parts.add("".join(_SEPARATORS.split(name)))
        parts.update(_SEPARATORS.split(name))
    return {part for part in parts if len(part) >= SHORTEST_PERSONAL_PART}


def contains_personal_details(password: str, *, email: str | None, name: str | None) -> bool:
    lowered = password.lower()
    squeezed = "".join(_SEPARATORS.split(lowered))  # "Sam.Jones" or "sam jones" hidden with punctuation or spaces
    return any(part in lowered or part in squeezed for part in personal_parts(email=email, name=name))


def password_problem(password: str, *, email: str | None = None, name: str | None = None, whose: str = "your") -> str:
    """Why this new password is refused, as the person is told it; "" when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    if is_repeated(password):
        return "Password must not be one character or group of characters repeated, as that is easy to guess"
    if contains_personal_details(password, email=email, name=name):
        return f"Password must not contain {whose} name or email address, as that is easy to guess"
    if is_common(password):
        return "Password is too common: it is one of the first that would be guessed. Choose a different one"
    return ""
