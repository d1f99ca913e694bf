"""Password hashing: Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

Sign-in is the costliest request the app serves; with 50 leads arriving before a board meeting the hash cost decides
how long the queue is. Argon2id at these settings costs a third of the CPU of Werkzeug's default scrypt (N=2^15),
which itself sits below OWASP's scrypt minimum. Hashes made before (Werkzeug's "scrypt:..." form) still verify and
are replaced with Argon2id at the next successful sign-in.
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    if stored_hash.startswith("$argon2"):
        try:
            return _hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored_hash, password)  # an older Werkzeug hash


def needs_rehash(stored_hash: str) -> bool:
    """True for an older Werkzeug hash or an Argon2 hash with other settings."""
    if not stored_hash.startswith("$argon2"):
        return True
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
