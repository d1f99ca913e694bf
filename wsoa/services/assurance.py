"""Comments and board challenges on actions, and sign-off of progress updates (database reads and writes)."""

from dataclasses import dataclass, field

from flask import current_app
from markupsafe import escape
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, selectinload

from wsoa.domain.assurance import RETURNED, SIGNED_OFF, Reviewer, Thread, refusal_reason, sign_off_state, threads
from wsoa.domain.reminders import Kind
from wsoa.domain.wording import tidy
from wsoa.extensions import db
from wsoa.formatting import first_line
from wsoa.models import Action, ActionComment, Notice, Plan, Priority, ProgressUpdate, UpdateReview, User
from wsoa.services import audit


class NotFound(LookupError):
    pass


# ----- comments and challenges ---------------------------------------------------------------------------------


def find_action(action_id: int) -> Action:
    action = db.session.scalars(
        select(Action)
        .options(selectinload(Action.priority).selectinload(Priority.plan), selectinload(Action.lead_roles))
        .where(Action.id == action_id)
    ).first()
    if action is None:
        raise NotFound(action_id)
    return action


def action_threads(action_id: int) -> list[Thread]:
    return threads(db.session.scalars(select(ActionComment).where(ActionComment.action_id == action_id)))


def find_thread(action_id: int, comment_id: int) -> Thread:
    """The thread whose first comment has this id, on this action."""
    for thread in _all_threads(action_id):
        if thread.id == comment_id:
            return thread
    raise NotFound(comment_id)


def _all_threads(action_id: int):
    for thread in action_threads(action_id):
        yield thread
        yield from thread.answers


def add_comment(action: Action, user: User, body: str, *, is_challenge: bool) -> ActionComment:
    comment = ActionComment(
        action_id=action.id, body=tidy(body), is_challenge=is_challenge, author_id=user.id, author_name=user.name
    )
    db.session.add(comment)
    db.session.flush()
    kind = "Board challenge" if is_challenge else "Comment"
    _audit("comment.added", comment, f"{kind} on action {action.ref}", user)
    return comment


def edit_comment(action: Action, thread: Thread, user: User, body: str) -> ActionComment:
    """A new version of the comment; the earlier ones stay and are shown."""
    first = thread.versions[0]
    comment = ActionComment(
        action_id=action.id,
        body=tidy(body),
        is_challenge=first.is_challenge,
        original_id=first.id,
        answers_id=first.answers_id,
        author_id=user.id,
        author_name=user.name,
    )
    db.session.add(comment)
    db.session.flush()
    _audit("comment.edited", comment, f"Comment on action {action.ref} edited (a new version)", user)
    return comment


def answer_challenge(action: Action, thread: Thread, user: User, body: str) -> ActionComment:
    comment = ActionComment(
        action_id=action.id, body=tidy(body), answers_id=thread.id, author_id=user.id, author_name=user.name
    )
    db.session.add(comment)
    db.session.flush()
    _audit("challenge.answered", comment, f"Board challenge on action {action.ref} answered", user)
    return comment


def _audit(event: str, comment: ActionComment, summary: str, user: User) -> None:
    audit.record(
        event=event,
        entity=comment,
        summary=summary,
        user_id=user.id,
        after={"body": comment.body, "is_challenge": comment.is_challenge, "original_id": comment.original_id},
    )


def open_challenge_filter():
    """SQL: a first-version board challenge with no answer yet."""
    answer = aliased(ActionComment)
    return and_(
        ActionComment.is_challenge.is_(True),
        ActionComment.original_id.is_(None),
        ~exists().where(answer.answers_id == ActionComment.id),
    )


def open_challenges(action_ids: list[int]) -> dict[int, int]:
    """How many open board challenges each action has, in one query."""
    if not action_ids:
        return {}
    rows = db.session.execute(
        select(ActionComment.action_id, func.count())
        .where(ActionComment.action_id.in_(action_ids), open_challenge_filter())
        .group_by(ActionComment.action_id)
    )
    return dict(rows.all())


# ----- sign-off ------------------------------------------------------------------------------------------------


@dataclass
class ReviewContext:
    update: ProgressUpdate
    action: Action
    plan: Plan
    decisions: list[UpdateReview] = field(default_factory=list)

    @property
    def state(self) -> str:
        return sign_off_state((d.id, d.decision) for d in self.decisions)

    @property
    def priority_roles(self) -> list[str | None]:
        return [self.action.priority.lead_role, self.action.priority.accountable_role]

    def refusal(self, user: User) -> str | None:
        reviewer = Reviewer(user.level, frozenset(r.code for r in user.roles), user.id)
        return refusal_reason(reviewer, self.priority_roles, self.update.author_id)


def review_context(update_id: int) -> ReviewContext:
    update = db.session.scalars(
        select(ProgressUpdate)
        .options(
            selectinload(ProgressUpdate.action).selectinload(Action.priority).selectinload(Priority.plan),
            selectinload(ProgressUpdate.review_period),
            selectinload(ProgressUpdate.author),
        )
        .where(ProgressUpdate.id == update_id)
    ).first()
    if update is None:
        raise NotFound(update_id)
    decisions = list(
        db.session.scalars(select(UpdateReview).where(UpdateReview.update_id == update_id).order_by(UpdateReview.id))
    )
    action = update.action
    return ReviewContext(update=update, action=action, plan=action.priority.plan, decisions=decisions)


def record_review(context: ReviewContext, user: User, decision: str, reason: str | None) -> UpdateReview:
    """Sign off or return the update. The caller has checked `context.refusal(user)`; the caller commits."""
    if decision not in (SIGNED_OFF, RETURNED):
        raise ValueError(decision)
    review = UpdateReview(
        update_id=context.update.id,
        decision=decision,
        reason=tidy(reason) if decision == RETURNED else None,
        reviewer_id=user.id,
        reviewer_name=user.name,
    )
    db.session.add(review)
    db.session.flush()
    if decision == RETURNED:
        queue_returned_notice(context, review)
    words = "signed off" if decision == SIGNED_OFF else "returned to the lead"
    audit.record(
        event=f"progress_update.{decision}",
        entity=review,
        summary=f"Update on action {context.action.ref} {words}",
        user_id=user.id,
        after={"update_id": context.update.id, "decision": decision, "reason": review.reason},
    )
    return review


def reviews_by_update(update_ids: list[int]) -> dict[int, list[UpdateReview]]:
    found: dict[int, list[UpdateReview]] = {}
    if update_ids:
        for review in db.session.scalars(
            select(UpdateReview).where(UpdateReview.update_id.in_(update_ids)).order_by(UpdateReview.id)
        ):
            found.setdefault(review.update_id, []).append(review)
    return found


def set_sign_off(plan: Plan, required: bool, user: User) -> None:
    changes = audit.apply_changes(plan, {"signoff_required": required})
    if changes:
        audit.record(
            event="plan.sign_off_setting",
            entity=plan,
            summary=f"Sign-off of updates {'switched on' if required else 'switched off'} for {plan.title}",
            user_id=user.id,
            changes=changes,
        )


def queue_returned_notice(context: ReviewContext, review: UpdateReview) -> Notice | None:
    """Tell the update's author by email: written to the outbox with the decision (one transaction), and sent by
    the next `wsoa send-reminders` run like every notice, so a failed send is retried and none goes twice."""
    author = context.update.author
    period_id = context.update.review_period_id
    if author is None or not author.active or not author.email or period_id is None:
        return None
    action = context.action
    link = (current_app.config.get("SERVICE_URL") or "").rstrip("/") + f"/actions/{action.id}/update"
    subject = f"Your update on action {action.ref} was returned: please update it again"
    text = (
        f"{review.reviewer_name or 'An officer'} returned your update on action {action.ref} "
        f"({first_line(action.title, 200)}) in {context.plan.title}.\n\nWhy: {review.reason}\n\n"
        f"Your update stays in the action's history. Record a new update here: {link}\n"
    )
    html = (
        f"<p>{escape(review.reviewer_name or 'An officer')} returned your update on action {escape(action.ref)} "
        f"({escape(first_line(action.title, 200))}) in {escape(context.plan.title)}.</p>"
        f"<p>Why: {escape(review.reason or '')}</p>"
        f'<p>Your update stays in the action\'s history. <a href="{escape(link)}">Record a new update</a>.</p>'
    )
    notice = Notice(
        recipient_id=author.id,
        plan_id=context.plan.id,
        review_period_id=period_id,
        occasion=f"returned-{review.id}",
        kind=str(Kind.RETURNED),
        email=author.email,
        subject=subject,
        body_text=text,
        body_html=html,
        contents={"actions": [action.id], "update_id": context.update.id, "review_id": review.id},
        status="pending",
        attempts=0,
        requested_by_id=review.reviewer_id,
    )
    db.session.add(notice)
    return notice
