"""A second review period of illustrative updates for the demo plan, so a newcomer sees RAG, history and flags.

Every update is `source="demo"` (labelled "Demo data" wherever updates are shown). Running it twice adds nothing.
"""

from datetime import date

from sqlalchemy import select, update

from wsoa.demo import record_demo_data
from wsoa.extensions import db
from wsoa.models import Action, ActionLead, Plan, ProgressUpdate, ReviewPeriod, User, user_role
from wsoa.services.periods import make_current_period

DEMO_PERIOD = ("Mar 21", date(2020, 12, 1), date(2021, 3, 31), date(2021, 4, 20))

# One scenario per action in turn: varied ratings, some deliberately tripping the honesty checks.
_SCENARIOS = (
    {
        "rag": "green",
        "confidence": "green",
        "narrative": "Delivered as planned this period and reported to the SEND Partnership Board.",
        "next_steps": "Share the outcome with the parent carer forum at the next joint meeting.",
    },
    {
        "rag": "amber",
        "confidence": "amber",
        "narrative": "Most of the work is done, but staff vacancies have slowed the final stage.",
        "next_steps": "Agree interim cover with the service manager.",
        "risks": "Recruitment to two posts is still open; mitigated by agency cover agreed until June.",
    },
    {
        "rag": "blue",
        "confidence": "green",
        "narrative": "Complete. Signed off by the SEND Strategic Board.",
        "evidence": "Board minutes, 20 April 2021 (item 5)\nhttps://example.org/demo/send-board-minutes",
    },
    {
        "rag": "red",
        "confidence": "red",
        "narrative": "Off track: the procurement had to be re-run after no compliant bids were received.",
        "next_steps": "Re-tender with a revised specification co-produced with families.",
        "risks": "Further delay to the service start; mitigated by extending the current contract.",
        "revised_due_text": "Sep 21",
        "revised_due_end": date(2021, 9, 30),
        "revised_due_reason": "Procurement re-run after no compliant bids.",
        "revised_due_agreed_by": "SEND Strategic Board, 20 April 2021",
    },
    {
        "rag": "green",
        "narrative": "On track, although the completion date has already passed.",
    },
    {
        "rag": "blue",
        "narrative": "Reported as complete, but no evidence has been attached yet.",
    },
    {
        "rag": "red",
        "narrative": "Off track. No recovery plan has been agreed yet.",
    },
)
SKIP_EVERY = 5  # every fifth action is left without an update, so "still to update" and its flag show too


def add_demo_review_period(plan: Plan) -> str | None:
    """Open the demo's second review period with illustrative updates; None if it is already there."""
    label, start, end, board = DEMO_PERIOD
    exists = db.session.scalar(
        select(ReviewPeriod.id).where(ReviewPeriod.plan_id == plan.id, ReviewPeriod.label == label)
    )
    if exists is not None:
        return None
    last_position = db.session.scalar(
        select(ReviewPeriod.position).where(ReviewPeriod.plan_id == plan.id).order_by(ReviewPeriod.position.desc())
    )
    period = ReviewPeriod(
        plan_id=plan.id,
        label=label,
        start_date=start,
        end_date=end,
        board_date=board,
        position=(last_position + 1) if last_position is not None else 0,
    )
    db.session.add(period)
    db.session.flush()
    make_current_period(period, user_id=None)

    authors = _authors_by_action(plan.id)
    actions = db.session.scalars(
        select(Action)
        .where(Action.plan_id == plan.id, Action.retired_at.is_(None))
        .order_by(Action.position, Action.id)
    ).all()
    rows = []
    for index, action in enumerate(actions):
        if index % SKIP_EVERY == SKIP_EVERY - 1:
            continue
        author = authors.get(action.id)
        rows.append(
            ProgressUpdate(
                action_id=action.id,
                review_period_id=period.id,
                author_id=author.id if author else None,
                author_name=author.name if author else "Demo Project Officer",
                source="demo",
                **_SCENARIOS[index % len(_SCENARIOS)],
            )
        )
    db.session.add_all(rows)
    if rows:
        db.session.execute(
            update(Action)
            .where(Action.id.in_([row.action_id for row in rows]))
            .values(version=Action.version + 1)
            .execution_options(synchronize_session=False)
        )
    summary = f"Demo data: review period {label} with {len(rows)} illustrative updates"
    record_demo_data("demo.updates_added", period, summary, {"period": label, "updates": len(rows)})
    return f"Opened the demo review period {label} with {len(rows)} illustrative updates (labelled Demo data)."


def _authors_by_action(plan_id: int) -> dict[int, User]:
    """Each action's demo author: a user holding one of its lead roles, else the demo project officer."""
    officer = db.session.scalar(select(User).where(User.email == "officer@demo.example"))
    authors: dict[int, User] = {}
    for action_id, user in db.session.execute(
        select(ActionLead.action_id, User)
        .join(user_role, user_role.c.role_id == ActionLead.role_id)
        .join(User, User.id == user_role.c.user_id)
        .join(Action, Action.id == ActionLead.action_id)
        .where(Action.plan_id == plan_id, User.level == "lead")
        .order_by(User.id)
    ):
        authors.setdefault(action_id, user)
    if officer is not None:
        for action_id in db.session.scalars(select(Action.id).where(Action.plan_id == plan_id)):
            authors.setdefault(action_id, officer)
    return authors
