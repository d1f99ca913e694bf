"""The demo plan `make run` shows a newcomer: the Shropshire WSoA, imported through the real importer."""

from sqlalchemy import select

from config import IMPORTS_DIR
from wsoa.extensions import db
from wsoa.importing.workbook import read_workbook
from wsoa.models import Plan
from wsoa.services import audit
from wsoa.services.accounts import find_user_by_email
from wsoa.services.imports import file_hash, import_parsed_plan
from wsoa.services.users import create_user

DEMO_WORKBOOK = IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx"
DEMO_PASSWORD = "demo-password-not-for-real-use"  # noqa: S105  (printed for the demo on purpose)
DEMO_USERS = (
    ("admin@demo.example", "Demo Admin", "admin", ()),
    ("officer@demo.example", "Demo Project Officer", "editor", ()),
    ("dop@demo.example", "Claire Parker (demo)", "lead", ("DoP",)),
    ("no@demo.example", "Julia Dean (demo)", "lead", ("NO",)),
    ("board@demo.example", "Demo Board Member", "viewer", ()),
)


def record_demo_data(event: str, entity, summary: str, added: dict) -> None:
    """Flush what a demo loader added and record it in the audit trail, as done by the system (no user)."""
    db.session.flush()
    audit.record(event=event, entity=entity, summary=summary, user_id=None, after=added)


def load_demo() -> list[str]:
    """Import the demo workbook unless already loaded, create the demo users; returns lines to print."""
    lines = []
    content = DEMO_WORKBOOK.read_bytes()
    parsed = read_workbook(content)
    plan = db.session.scalars(select(Plan).where(Plan.title == parsed.title)).first()
    if plan is None:
        result = import_parsed_plan(parsed, file_name=DEMO_WORKBOOK.name, content_hash=file_hash(content))
        plan = result.plan
        plan.area = "Shropshire"
        lines.append(f"Loaded the demo plan: {plan.title} ({result.created_actions} actions).")
    else:
        lines.append(f"The demo plan is already loaded: {plan.title}.")
    for email, name, level, roles in DEMO_USERS:
        if find_user_by_email(email) is None:
            create_user(email=email, name=name, level=level, password=DEMO_PASSWORD, role_codes=list(roles))
    from wsoa.demo.updates import add_demo_review_period  # the second period of illustrative updates

    if added := add_demo_review_period(plan):
        lines.append(added)
    from wsoa.demo.kpis import add_demo_kpis  # KPI definitions and illustrative values (seed 004)

    if added := add_demo_kpis(plan):
        lines.append(added)
    lines.append(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    lines.extend(
        f"  {level:<7} {email}{' (holds ' + ', '.join(roles) + ')' if roles else ''}"
        for email, _, level, roles in DEMO_USERS
    )
    return lines
