"""The public "you said, we did" page of a plan: writing and approving its texts for families, choosing the KPIs it
shows, publishing and withdrawing it (admins and editors; every change audited), and reading it (anyone).

The page is built when it is published, and again when a text is approved or the KPIs are chosen while it is
published, from the board report's roll-up of the latest review period (wsoa.services.reports), and stored as one
row: every app server then serves the same page with one query, whatever the plan's size, and nothing to go stale.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, true

from wsoa.domain.publishing import TEXT_LIMIT, Shares, people_named
from wsoa.domain.wording import format_value, uk_day
from wsoa.extensions import db
from wsoa.models import (
    Kpi,
    Plan,
    Priority,
    PublicPage,
    PublicText,
    PublicTextApproval,
    PublicTextVersion,
    Role,
    RoleHolder,
    User,
)
from wsoa.models.types import utcnow
from wsoa.reports.html import kpi_chart
from wsoa.reports.model import KpiLine, ReportOptions
from wsoa.scope import ALL_AREAS
from wsoa.services import audit
from wsoa.services import reports as report_service
from wsoa.services.editing import StructureProblem
from wsoa.services.queries import priorities_of


class PublishingProblem(StructureProblem):
    """A problem the officer can fix, tied to a form field (None: the whole form)."""


@dataclass(frozen=True)
class TextState:
    """A public text with its newest wording and the wording approved for publishing (None: never approved)."""

    text: PublicText
    latest: PublicTextVersion
    approved: PublicTextVersion | None
    approved_at: datetime | None

    @property
    def state(self) -> str:
        if self.approved is None:
            return "Draft"
        if self.approved.id == self.latest.id:
            return "Approved"
        return "Changed since approval"

    @property
    def waiting(self) -> bool:
        return self.approved is None or self.approved.id != self.latest.id


@dataclass(frozen=True)
class PriorityTexts:
    priority: Priority
    summary: TextState | None
    said_did: list[TextState]


@dataclass(frozen=True)
class OfficerPage:
    plan: Plan
    page: PublicPage | None
    priorities: list[PriorityTexts]
    kpis: list[tuple[Kpi, int]]  # each KPI with its priority's number

    @property
    def published(self) -> bool:
        return self.page is not None and self.page.published

    @property
    def approved_summaries(self) -> int:
        return sum(1 for entry in self.priorities if entry.summary and entry.summary.approved)


# ----- reading -----------------------------------------------------------------------------------------------------


def get_page(plan_id: int) -> PublicPage | None:
    return db.session.scalars(select(PublicPage).where(PublicPage.plan_id == plan_id)).first()


def published_page(slug: str) -> PublicPage | None:
    """The published page at this address, or None (never published, withdrawn, or its plan archived): one query."""
    return db.session.scalars(
        select(PublicPage)
        .join(Plan, Plan.id == PublicPage.plan_id)
        .where(
            PublicPage.slug == slug,
            PublicPage.published == true(),
            PublicPage.content.is_not(None),
            Plan.archived_at.is_(None),
        )
    ).first()


def get_text(plan_id: int, text_id: int) -> PublicText | None:
    """The plan's text, unless it was removed."""
    return db.session.scalars(
        select(PublicText).where(
            PublicText.id == text_id, PublicText.plan_id == plan_id, PublicText.removed_at.is_(None)
        )
    ).first()


def get_priority(plan_id: int, priority_id: int) -> Priority | None:
    return db.session.scalars(select(Priority).where(Priority.id == priority_id, Priority.plan_id == plan_id)).first()


def _states(plan_id: int, text_id: int | None = None) -> dict[int, TextState]:
    """Every text of the plan (or the one) with its newest and newest approved wording: two queries."""
    where = [PublicText.plan_id == plan_id, PublicText.removed_at.is_(None)]
    where += [PublicText.id == text_id] if text_id is not None else []
    latest: dict[int, tuple[PublicText, PublicTextVersion]] = {}
    versions: dict[int, PublicTextVersion] = {}
    for text, version in db.session.execute(
        select(PublicText, PublicTextVersion)
        .join(PublicTextVersion, PublicTextVersion.text_id == PublicText.id)
        .where(*where)
        .order_by(PublicTextVersion.id)
    ):
        latest[text.id] = (text, version)
        versions[version.id] = version
    approved: dict[int, tuple[PublicTextVersion, datetime]] = {}
    for version_id, at in db.session.execute(
        select(PublicTextApproval.version_id, PublicTextApproval.created_at)
        .join(PublicTextVersion, PublicTextVersion.id == PublicTextApproval.version_id)
        .join(PublicText, PublicText.id == PublicTextVersion.text_id)
        .where(*where)
        .order_by(PublicTextApproval.id)
    ):
        version = versions[version_id]
        if version.text_id not in approved or approved[version.text_id][0].id < version.id:
            approved[version.text_id] = (version, at)
    return {
        text_id: TextState(text, version, *approved.get(text_id, (None, None)))
        for text_id, (text, version) in latest.items()
    }


def text_state(text: PublicText) -> TextState | None:
    return _states(text.plan_id, text.id).get(text.id)


def officer_page(plan: Plan) -> OfficerPage:
    """What the officer sees: each priority's family summary and "you said, we did" items with their state, the
    plan's KPIs and the page's state. Five queries, whatever the plan's size."""
    priorities = priorities_of(plan.id)
    states = _states(plan.id)
    entries = []
    for priority in priorities:
        own = [s for s in states.values() if s.text.priority_id == priority.id]
        summary = next((s for s in own if s.text.kind == "summary"), None)
        entries.append(PriorityTexts(priority, summary, [s for s in own if s.text.kind == "said_did"]))
    return OfficerPage(plan=plan, page=get_page(plan.id), priorities=entries, kpis=plan_kpis(plan))


def plan_kpis(plan: Plan) -> list[tuple[Kpi, int]]:
    """The plan's KPIs in the plan's order, each with its priority's number: the choices of KPIs to publish."""
    return [
        (kpi, number)
        for kpi, number in db.session.execute(
            select(Kpi, Priority.number)
            .join(Priority, Priority.id == Kpi.priority_id)
            .where(Priority.plan_id == plan.id)
            .order_by(Priority.position, Priority.number, Kpi.position, Kpi.id)
        )
    ]


# ----- writing and approving ---------------------------------------------------------------------------------------


def _people() -> list[str]:
    """Every person's name the app knows, in every area: the key roles' holders, past and present, and the users."""
    names: list[str | None] = []
    for query in (select(Role.person), select(RoleHolder.person), select(User.name)):
        names += db.session.scalars(query.execution_options(**ALL_AREAS)).all()
    return [name for name in names if name]


def _checked(field: str, label: str, value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        raise PublishingProblem(field, f"Enter {label}")
    if len(value) > TEXT_LIMIT:
        raise PublishingProblem(field, f"{label[0].upper()}{label[1:]} must be {TEXT_LIMIT:,} characters or fewer")
    if named := people_named(value, _people()):
        raise PublishingProblem(
            field,
            f"The public page names roles, not people: take out {', '.join(named)} and name their role instead",
        )
    return value


def write_text(
    plan: Plan, priority: Priority, kind: str, *, body: str, you_said: str | None, user, text: PublicText | None = None
) -> PublicText:
    """A new text, or a new wording of one (which then waits for approval; the approved wording stays shown)."""
    body = _checked("body", "what families should read" if kind == "summary" else "what was done", body)
    said = _checked("you_said", "what families said", you_said) if kind == "said_did" else None
    if text is None:
        if kind == "summary" and any(
            s.text.kind == "summary" and s.text.priority_id == priority.id for s in _states(plan.id).values()
        ):
            raise PublishingProblem(None, "This priority already has a summary for families: change that one")
        text = PublicText(plan_id=plan.id, priority_id=priority.id, kind=kind)
        db.session.add(text)
        db.session.flush()
    else:
        state = text_state(text)
        if state and state.latest.body == body and state.latest.you_said == said:
            return text
    version = PublicTextVersion(
        text_id=text.id, you_said=said, body=body, written_by_id=user.id, written_by_name=user.name
    )
    audit.record_created(
        version,
        ["text_id", "you_said", "body"],
        event="public_text.written",
        summary=f"{text.kind_label} for priority {priority.number} of {plan.title} written (waiting for approval)",
        user_id=user.id,
    )
    return text


def approve_text(plan: Plan, text: PublicText, version_id: int | None, user) -> bool:
    """Approve the wording the officer read for publishing; False when it was already approved."""
    state = text_state(text)
    if state is None or state.latest.id != version_id:
        raise PublishingProblem(None, "This text has changed since you read it: read it again before approving it")
    if not state.waiting:
        return False
    for field, value in (("you_said", state.latest.you_said), ("body", state.latest.body)):
        if value is not None:
            _checked(field, "the text", value)
    approval = PublicTextApproval(version_id=state.latest.id, approved_by_id=user.id, approved_by_name=user.name)
    audit.record_created(
        approval,
        ["version_id"],
        event="public_text.approved",
        summary=f"{text.kind_label} approved for the public page of {plan.title}",
        user_id=user.id,
    )
    _rebuild_if_published(plan)
    return True


def _switched(entity, what: str, event: str, summary: str, user) -> None:
    """Audit an entity switched on: removed, withdrawn."""
    audit.record(event=event, entity=entity, summary=summary, user_id=user.id, before={what: False}, after={what: True})


def remove_text(plan: Plan, text: PublicText, user) -> bool:
    """Take a text off the page and out of the list (its history is kept); False when it was already removed."""
    if text.removed_at is not None:
        return False
    text.removed_at = utcnow()
    _switched(text, "removed", "public_text.removed", f"{text.kind_label} removed from the page of {plan.title}", user)
    _rebuild_if_published(plan)
    return True


# ----- the page ----------------------------------------------------------------------------------------------------


def _page_of(plan: Plan) -> PublicPage:
    page = get_page(plan.id)
    if page is None:
        page = PublicPage(plan_id=plan.id, slug=secrets.token_urlsafe(16), kpi_ids=[])
        db.session.add(page)
        db.session.flush()
    return page


def choose_kpis(plan: Plan, kpi_ids: list[int], user) -> bool:
    """Publish these of the plan's KPIs (with their charts and tables); False when nothing changed."""
    own = set(db.session.scalars(select(Kpi.id).join(Priority).where(Priority.plan_id == plan.id)))
    if not set(kpi_ids) <= own:
        raise PublishingProblem("kpis", "Select KPIs of this plan")
    if not kpi_ids and get_page(plan.id) is None:
        return False  # nothing chosen, as before: no page row without an audit event
    page = _page_of(plan)
    changes = audit.apply_changes(page, {"kpi_ids": sorted(kpi_ids)})
    changed = audit.record_changes(
        page,
        changes,
        event="public_page.kpis_chosen",
        summary=f"KPIs for the public page of {plan.title} chosen",
        user_id=user.id,
    )
    if changed:
        _rebuild_if_published(plan)
    return changed


def publish(plan: Plan, user) -> PublicPage:
    """Build the page from what is approved now and show it at its address (again, if it was published)."""
    if plan.archived_at is not None:
        raise PublishingProblem(None, "This plan is archived: restore it before publishing its page")
    if not any(s.approved and s.text.kind == "summary" for s in _states(plan.id).values()):
        raise PublishingProblem(None, "Approve a summary for families of at least one priority before publishing")
    page = _page_of(plan)
    was = page.published
    _build(plan, page)
    page.published = True
    audit.record(
        event="public_page.published",
        entity=page,
        summary=f"Public page of {plan.title} {'updated' if was else 'published'}",
        user_id=user.id,
        before={"published": was},
        after={"published": True, "built_at": page.built_at.isoformat() if page.built_at else None},
    )
    return page


def withdraw(plan: Plan, user) -> bool:
    """Take the page down: its address then finds nothing. False when it was not published."""
    page = get_page(plan.id)
    if page is None or not page.published:
        return False
    page.published = False
    page.content = None
    page.updated_at = utcnow()
    _switched(page, "withdrawn", "public_page.withdrawn", f"Public page of {plan.title} withdrawn", user)
    return True


def _rebuild_if_published(plan: Plan) -> None:
    page = get_page(plan.id)
    if page is not None and page.published:
        _build(plan, page)


def _build(plan: Plan, page: PublicPage) -> None:
    now = utcnow()
    page.content = build_content(plan, page.kpi_ids, now)
    page.built_at = now
    page.updated_at = now


def _kpi_content(line: KpiLine) -> dict[str, Any]:
    chart = kpi_chart(line)
    return {
        "id": line.id,
        "name": line.name,
        "status": line.status_label,
        "latest": line.latest_display,
        "target": line.target_display,
        "explanation": line.explanation,
        "chart": str(chart) if chart else None,
        "rows": [[uk_day(on), format_value(value, line.unit)] for on, value in line.readings],
    }


def _text_content(state: TextState) -> dict[str, Any]:
    assert state.approved is not None
    assert state.approved_at is not None
    return {
        "id": state.text.id,
        "version": state.approved.id,
        "you_said": state.approved.you_said,
        "body": state.approved.body,
        "approved_on": uk_day(state.approved_at),
        "approved_at": state.approved_at.isoformat(),
    }


def build_content(plan: Plan, kpi_ids: list[int], built_at: datetime) -> dict[str, Any]:
    """The page as families read it, from approved texts, the board report's roll-up and the chosen KPIs only.

    Roles are named by their titles; no person's name is read into it.
    """
    source = report_service.load_report_source(plan.id)
    period_id = report_service.default_period_id(source)
    report = None
    if period_id is not None:
        report = report_service.build_report(
            source, ReportOptions(period_id=period_id, include_appendix=False), generated_by="", generated_at=None
        )
    sections = {section.number: section for section in report.priorities} if report else {}
    titles = {role.code: role.title or role.code for role in source.roles if role.code}
    approved = [s for s in _states(plan.id).values() if s.approved is not None]
    chosen = set(kpi_ids)
    priorities = []
    for info in sorted(source.priorities, key=lambda p: (p.position, p.number)):
        section = sections.get(info.number)
        shares = Shares.of(section.row.distribution) if section else Shares(0, 0, 0)
        own = sorted((s for s in approved if s.text.priority_id == info.id), key=lambda s: s.text.id)
        summary = next((s for s in own if s.text.kind == "summary"), None)
        priorities.append(
            {
                "number": info.number,
                "title": info.title,
                "lead": titles.get(info.lead_role or "", None),
                "shares": {
                    "total": shares.total,
                    "complete": shares.percent(shares.complete),
                    "on_track": shares.percent(shares.on_track),
                    "sentence": shares.sentence,
                },
                "summary": _text_content(summary) if summary else None,
                "said_did": [_text_content(s) for s in own if s.text.kind == "said_did"],
                "kpis": [_kpi_content(line) for line in (section.kpis if section else ()) if line.id in chosen],
            }
        )
    return {
        "plan_title": plan.title,
        "area": plan.area,
        "period": report.cover.period_label if report else None,
        "as_at": uk_day(report.cover.as_at) if report and report.cover.as_at else None,
        "built_on": uk_day(built_at),
        "built_at": built_at.isoformat(),
        "priorities": priorities,
    }
