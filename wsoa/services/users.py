"""Accounts: creation, passwords, sign-in checks."""

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from wsoa.extensions import db
from wsoa.models import Role, User
from wsoa.models.types import utcnow
from wsoa.models.users import LEVELS


class UserProblem(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def create_user(
    *, email: str, name: str, level: str, password: str | None = None, role_codes: list[str] | None = None
) -> User:
    if level not in LEVELS:
        raise UserProblem("level", f"Level must be one of {', '.join(LEVELS)}")
    if find_user_by_email(email):
        raise UserProblem("email", f"A user with the email address {normalise_email(email)} already exists")
    user = User(email=normalise_email(email), name=name.strip(), level=level)
    if password:
        user.password_hash = generate_password_hash(password)
    if role_codes:
        user.roles = list(db.session.scalars(select(Role).where(Role.code.in_(role_codes))))
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)


# Checked against a real hash when the account does not exist, so timing does not reveal which emails are known.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.active or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_signed_in_at = utcnow()
    return user
