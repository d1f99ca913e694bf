"""Editing the plan's structure: the rules the admin pages rely on, with every change audited."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import create_action, create_outcome, create_plan, create_priority, create_role, create_user
from wsoa.domain.timeframes import parse_timeframe
from wsoa.domain.wording import tidy_text
from wsoa.extensions import db
from wsoa.models import Action, ActionLead, AuditEvent, Kpi, Outcome, Plan, Priority, Role, RoleHolder
from wsoa.models.types import utcnow
from wsoa.services import actions as action_service
from wsoa.services import editing
from wsoa.services import outcomes as outcome_service
from wsoa.services import plans as plan_service
from wsoa.services import priorities as priority_service
from wsoa.services import roles as role_service


@pytest.fixture
def admin(database):
    return create_user(level="admin", name="Ada Admin")


def events(name: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if name:
        query = query.where(AuditEvent.event == name)
    return list(db.session.scalars(query))


def refs_in_order(priority) -> list[str]:
    return list(
        db.session.scalars(select(Action.ref).where(Action.priority_id == priority.id).order_by(Action.position))
    )


def lead_codes_of(action) -> list[str]:
    return list(
        db.session.scalars(
            select(Role.code)
            .join(ActionLead, ActionLead.role_id == Role.id)
            .where(ActionLead.action_id == action.id)
            .order_by(Role.code)
        )
    )


def values_of(action: Action, **changes) -> action_service.ActionValues:
    """The action's values as its edit form would send them back, with some changed."""
    current = {
        "ref": action.ref,
        "title": action.title,
        "outcome_id": action.outcome_id,
        "section": action.section,
        "due_text": action.due_text,
        "lead": action.lead,
        "partners": action.partners,
        "resources": action.resources,
        "success_criteria": action.success_criteria,
    }
    return action_service.ActionValues(**(current | changes))


# ----- how a completion date is read back --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oct 20 to Feb 21", "Due 'Oct 20 to Feb 21' is read as by 28 Feb 2021."),
        ("Dec 20", "Due 'Dec 20' is read as by 31 Dec 2020."),
        ("Sep 20 and ongoing", "Due 'Sep 20 and ongoing' is read as by 30 Sep 2020, then ongoing."),
        (
            "From Dec 20 and ongoing",
            "Due 'From Dec 20 and ongoing' is read as ongoing from 1 Dec 2020, with no due date.",
        ),
        ("Ongoing", "Due 'Ongoing' is read as ongoing, with no due date."),
        (
            "Jun 21 and annually thereafter",
            "Due 'Jun 21 and annually thereafter' is read as by 30 Jun 2021, recurring annually.",
        ),
        ("Termly", "Due 'Termly' is read as recurring termly."),
        ("TBC", "Due 'TBC' has no due date (note: To be confirmed)."),
        (
            "Sept 21 (delayed as a result of impact of Covid)",
            "Due 'Sept 21 (delayed as a result of impact of Covid)' is read as by 30 Sep 2021 "
            "(note: delayed as a result of impact of Covid).",
        ),
        (
            "Jan 21 to Dec 20",
            "Due 'Jan 21 to Dec 20' has no due date. Check it: 'Jan 21 to Dec 20' is an inverted range (it ends before "
            "it starts); no due date derived.",
        ),
        (
            "when pigs fly",
            "Due 'when pigs fly' has no due date. Check it: could not read a completion date from 'when pigs fly'.",
        ),
        ("", "No completion date is set."),
    ],
)
def test_the_completion_date_is_read_back_in_one_sentence(text, expected):
    assert action_service.describe_due(parse_timeframe(text)) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("  Line one\r\nLine two \r\n", "Line one\nLine two"), ("   ", None), (None, None), ("Same", "Same")],
)
def test_typed_text_is_kept_as_lines_without_browser_line_endings(typed, expected):
    assert tidy_text(typed) == expected


# ----- plans, priorities and outcomes --------------------------------------------------------------------------------


def test_creating_and_editing_a_plan_is_audited_with_before_and_after(admin):
    plan = plan_service.create_plan(
        plan_service.PlanValues(title=" Testshire  APP ", kind="accelerated_progress_plan", area="Testshire"),
        user_id=admin.id,
    )
    changed = plan_service.edit_plan(
        plan,
        plan_service.PlanValues(
            title="Testshire APP",
            kind="accelerated_progress_plan",
            area="Testshire",
            status="superseded",
            inspection_date=date(2019, 3, 11),
        ),
        user_id=admin.id,
    )
    assert changed
    assert (plan.title, plan.status, plan.inspection_date) == ("Testshire APP", "superseded", date(2019, 3, 11))
    created, edited = events()
    assert (created.event, created.user_id, created.after["kind"]) == (
        "plan.created",
        admin.id,
        "accelerated_progress_plan",
    )
    assert (edited.event, edited.before, edited.after) == (
        "plan.edited",
        {"status": "active", "inspection_date": None},
        {"status": "superseded", "inspection_date": "2019-03-11"},
    )


def test_saving_a_plan_unchanged_records_nothing(admin, plan):
    values = plan_service.PlanValues(title=plan.title, kind=plan.kind, area=plan.area, status=plan.status)
    assert plan_service.edit_plan(plan, values, user_id=admin.id) is False
    assert events() == []


def test_a_priority_number_is_unique_within_the_plan(admin, plan):
    create_priority(plan=plan, number=1)
    other_plan = create_plan(title="Elsewhere")
    create_priority(plan=other_plan, number=2)
    with pytest.raises(editing.StructureProblem) as refused:
        priority_service.add_priority(plan, priority_service.PriorityValues(number=1, title="Again"), user_id=admin.id)
    assert (refused.value.field, refused.value.message) == ("number", "There is already a priority 1 in this plan")
    added = priority_service.add_priority(
        plan, priority_service.PriorityValues(number=2, title="Fine here"), user_id=admin.id
    )
    assert priority_service.next_priority_number(plan.id) == 3
    assert events()[-1].after == {"number": 2, "title": "Fine here", "lead_role": None, "accountable_role": None}
    assert added.position > 1


def test_moving_priorities_changes_their_order_and_is_audited(admin, plan):
    one, two, three = (create_priority(plan=plan, number=n, title=f"P{n}") for n in (1, 2, 3))
    assert priority_service.move_priority(three, "up", user_id=admin.id)
    assert priority_service.move_priority(one, "up", user_id=admin.id) is False  # already first
    order = db.session.scalars(select(Priority.number).where(Priority.plan_id == plan.id).order_by(Priority.position))
    assert list(order) == [1, 3, 2]
    (moved,) = events("priority.moved")
    assert (moved.entity_id, moved.before, moved.after) == (three.id, {"place": 3}, {"place": 2})
    assert moved.summary == "Priority 3 moved up to place 2 of 3"
    assert two.position == 2


def test_a_priority_with_actions_or_impact_measures_cannot_be_deleted(admin, plan):
    with_action = create_priority(plan=plan, number=1)
    action = create_action(priority=with_action)
    action.retired_at = utcnow()  # retired actions still belong to it
    with_kpi = create_priority(plan=plan, number=2)
    db.session.add(Kpi(priority_id=with_kpi.id, text="92% seen within 18 weeks"))
    db.session.flush()
    for priority, reason in [
        (with_action, "Priority 1 cannot be deleted because it has 1 action."),
        (with_kpi, "Priority 2 cannot be deleted because it has 1 impact measure."),
    ]:
        with pytest.raises(editing.StructureProblem) as refused:
            priority_service.delete_priority(priority, user_id=admin.id)
        assert refused.value.message.startswith(reason)
    assert db.session.scalar(select(func.count(Priority.id))) == 2
    assert events() == []


def test_deleting_an_empty_priority_takes_its_outcomes_and_keeps_them_in_the_audit(admin, plan):
    priority = create_priority(plan=plan, number=4, title="A mistake")
    create_outcome(priority=priority, ref="4.1", text="Never needed")
    priority_service.delete_priority(priority, user_id=admin.id)
    assert db.session.scalar(select(func.count(Priority.id))) == 0
    assert db.session.scalar(select(func.count(Outcome.id))) == 0
    (deleted,) = events()
    assert deleted.event == "priority.deleted"
    assert deleted.before["title"] == "A mistake"
    assert deleted.before["outcomes"] == [{"ref": "4.1", "text": "Never needed"}]
    assert deleted.after is None


def test_an_outcome_with_actions_cannot_be_deleted_but_an_unused_one_can(admin, plan):
    priority = create_priority(plan=plan, number=1)
    used = create_outcome(priority=priority, ref="1.1")
    unused = create_outcome(priority=priority, ref="1.2")
    create_action(priority=priority, outcome=used)
    with pytest.raises(editing.StructureProblem, match="Outcome 1.1 cannot be deleted because it has 1 action"):
        outcome_service.delete_outcome(used, user_id=admin.id)
    outcome_service.delete_outcome(unused, user_id=admin.id)
    assert list(db.session.scalars(select(Outcome.ref))) == ["1.1"]
    assert [(e.event, e.before) for e in events()] == [("outcome.deleted", {"ref": "1.2", "text": "Things are better"})]


# ----- actions ------------------------------------------------------------------------------------------------------


def test_a_new_action_goes_after_the_last_action_of_its_outcome_with_its_date_read_and_leads_linked(admin, plan):
    create_role(code="DoP")
    create_role(code="DCS")
    priority = create_priority(plan=plan, number=1)
    first, second = create_outcome(priority=priority, ref="1.1"), create_outcome(priority=priority, ref="1.2")
    create_action(priority=priority, ref="1.1.1", outcome=first)
    create_action(priority=priority, ref="1.2.1", outcome=second)
    saved = action_service.add_action(
        priority,
        action_service.ActionValues(
            ref="1.1.2", title="Agree a plan", outcome_id=first.id, due_text="Oct 20 to Feb 21", lead="DoP/DCS"
        ),
        user_id=admin.id,
    )
    action = saved.action
    assert refs_in_order(priority) == ["1.1.1", "1.1.2", "1.2.1"]
    assert (action.due_start, action.due_end, action.due_text) == (
        date(2020, 10, 1),
        date(2021, 2, 28),
        "Oct 20 to Feb 21",
    )
    assert saved.due_reading == "Due 'Oct 20 to Feb 21' is read as by 28 Feb 2021."
    assert lead_codes_of(action) == ["DCS", "DoP"]
    (created,) = events("action.created")
    assert created.after["due_end"] == "2021-02-28"
    assert created.after["lead"] == "DoP/DCS"


def test_an_action_cannot_be_put_under_another_prioritys_outcome(admin, plan):
    priority, other = create_priority(plan=plan, number=1), create_priority(plan=plan, number=2)
    elsewhere = create_outcome(priority=other, ref="2.1")
    with pytest.raises(editing.StructureProblem) as refused:
        action_service.add_action(
            priority, action_service.ActionValues(ref="1.1.1", title="x", outcome_id=elsewhere.id), user_id=admin.id
        )
    assert refused.value.field == "outcome_id"
    assert db.session.scalar(select(func.count(Action.id))) == 0


def test_editing_an_action_re_reads_its_date_re_links_its_leads_bumps_its_version_and_is_audited(admin, plan):
    create_role(code="DoP")
    create_role(code="NO")
    priority = create_priority(plan=plan, number=1)
    action = create_action(priority=priority, due_text="Dec 20", lead="DoP")
    saved = action_service.edit_action(
        action,
        values_of(action, due_text="Sep 20 and ongoing", lead="NO", partners="PACC\r\nSchools"),
        expected_version=1,
        user_id=admin.id,
    )
    db.session.commit()
    assert action.version == 2
    assert (action.due_end, action.due_ongoing) == (date(2020, 9, 30), True)
    assert action.partners == "PACC\nSchools"
    assert lead_codes_of(action) == ["NO"]
    assert saved.changed == ["due_text", "lead", "partners"]
    assert saved.due_reading == "Due 'Sep 20 and ongoing' is read as by 30 Sep 2020, then ongoing."
    (edited,) = events("action.edited")
    assert edited.before == {
        "due_text": "Dec 20",
        "due_start": "2020-12-01",
        "due_end": "2020-12-31",
        "due_ongoing": False,
        "lead": "DoP",
        "partners": None,
    }
    assert edited.after["due_text"] == "Sep 20 and ongoing"
    assert edited.after["lead"] == "NO"


def test_saving_an_action_unchanged_neither_bumps_its_version_nor_records_anything(admin, plan):
    action = create_action(priority=create_priority(plan=plan, number=1), lead="DoP")
    saved = action_service.edit_action(action, values_of(action), expected_version=1, user_id=admin.id)
    assert saved.changed == []
    assert saved.due_reading is None
    assert db.session.scalar(select(Action.version).where(Action.id == action.id)) == 1
    assert events() == []


def test_a_stale_edit_is_refused_explaining_the_other_change_and_overwrites_nothing(admin, plan):
    editor = create_user(level="editor", name="Eddie Editor")
    action = create_action(priority=create_priority(plan=plan, number=1), title="Original wording", due_text="Dec 20")
    opened_at = action_service.latest_event_id()
    action_service.edit_action(action, values_of(action, due_text="Mar 21"), expected_version=1, user_id=editor.id)
    db.session.commit()
    with pytest.raises(action_service.StaleAction) as refused:
        action_service.edit_action(
            action,
            values_of(action, due_text="Dec 20", title="My new wording"),
            expected_version=1,
            seen_event_id=opened_at,
            user_id=admin.id,
        )
    db.session.rollback()
    stale = refused.value
    assert stale.current_version == 2
    (change,) = stale.changes
    assert (change.who, change.summary) == ("Eddie Editor", f"Action {action.ref} edited")
    assert change.changes == [action_service.FieldChange("Completion date", "Dec 20", "Mar 21")]
    stored = db.session.get(Action, action.id)
    assert (stored.title, stored.due_text, stored.version) == ("Original wording", "Mar 21", 2)
    assert [e.user_id for e in events("action.edited")] == [editor.id]


def test_two_forms_opened_at_the_same_version_only_one_saves(admin, plan):
    action = create_action(priority=create_priority(plan=plan, number=1), title="Original")
    action_service.edit_action(action, values_of(action, title="First"), expected_version=1, user_id=admin.id)
    with pytest.raises(action_service.StaleAction):
        action_service.edit_action(action, values_of(action, title="Second"), expected_version=1, user_id=admin.id)
    with pytest.raises(action_service.StaleAction):
        action_service.edit_action(action, values_of(action, title="Forged"), expected_version=None, user_id=admin.id)


def test_moving_an_action_steps_over_retired_ones(admin, plan):
    priority = create_priority(plan=plan, number=1)
    first = create_action(priority=priority, ref="1.1.1")
    retired = create_action(priority=priority, ref="1.1.2")
    third = create_action(priority=priority, ref="1.1.3")
    action_service.retire_action(retired, user_id=admin.id)
    assert action_service.move_action(third, "up", user_id=admin.id)
    assert refs_in_order(priority) == ["1.1.3", "1.1.1", "1.1.2"]
    assert action_service.move_action(first, "down", user_id=admin.id) is False  # the last live one
    moved = events("action.moved")[-1]
    assert (moved.before, moved.after, moved.summary) == (
        {"place": 2},
        {"place": 1},
        "Action 1.1.3 moved up to place 1 of 2",
    )
    assert first.position == 1


def test_retiring_and_reinstating_an_action_is_audited_and_keeps_it(admin, plan):
    action = create_action(priority=create_priority(plan=plan, number=1))
    assert action_service.retire_action(action, user_id=admin.id)
    assert action_service.retire_action(action, user_id=admin.id) is False
    assert action.retired_at is not None
    assert action_service.reinstate_action(action, user_id=admin.id)
    assert action.retired_at is None
    retired, reinstated = events()
    assert (retired.event, retired.before, set(retired.after)) == (
        "action.retired",
        {"retired_at": None},
        {"retired_at"},
    )
    assert (reinstated.event, reinstated.after) == ("action.reinstated", {"retired_at": None})
    assert db.session.scalar(select(func.count(Action.id))) == 1


# ----- key roles ----------------------------------------------------------------------------------------------------


def test_a_new_role_links_the_actions_that_already_name_it(admin, plan):
    action = create_action(priority=create_priority(plan=plan, number=1), lead="SALT SM/DoP")
    role = role_service.add_role(
        role_service.RoleValues(code="SALT SM", title="SALT service manager", person="Sam Jones"), user_id=admin.id
    )
    assert lead_codes_of(action) == ["SALT SM"]
    assert [(h.person, h.ended_at) for h in db.session.scalars(select(RoleHolder))] == [("Sam Jones", None)]
    (created,) = events("role.created")
    assert created.after["code"] == "SALT SM"
    assert role.position == 0


def test_role_codes_are_unique_ignoring_case_and_spacing(admin):
    create_role(code="SALT SM")
    with pytest.raises(editing.StructureProblem) as refused:
        role_service.add_role(role_service.RoleValues(code="salt  sm"), user_id=admin.id)
    assert (refused.value.field, refused.value.message) == ("code", "There is already a key role with the code SALT SM")


def test_a_hand_over_ends_the_previous_holder_and_starts_the_new_one(admin):
    role = role_service.add_role(role_service.RoleValues(code="DCS", person="Karen Bradshaw"), user_id=admin.id)
    role_service.edit_role(role, role_service.RoleValues(code="DCS", person="Sam Patel"), user_id=admin.id)
    role_service.edit_role(role, role_service.RoleValues(code="DCS", person=None), user_id=admin.id)
    holders = db.session.execute(
        select(RoleHolder.person, RoleHolder.started_at, RoleHolder.ended_at).order_by(RoleHolder.id)
    ).all()
    assert [person for person, _, _ in holders] == ["Karen Bradshaw", "Sam Patel"]
    assert holders[0].ended_at == holders[1].started_at
    assert holders[1].ended_at is not None  # vacant now
    assert role.person is None
    edited = events("role.edited")
    assert [(e.before, e.after) for e in edited] == [
        ({"person": "Karen Bradshaw"}, {"person": "Sam Patel"}),
        ({"person": "Sam Patel"}, {"person": None}),
    ]
    assert edited[-1].summary == "Key role DCS edited: now held by nobody (vacant)"


def test_a_hand_over_of_a_role_with_no_history_keeps_the_previous_holder(admin):
    role = create_role(code="DoP", person="Claire Parker")  # as imported before history was kept
    role_service.edit_role(role, role_service.RoleValues(code="DoP", person="Jo Bloggs"), user_id=admin.id)
    holders = db.session.execute(select(RoleHolder.person, RoleHolder.ended_at).order_by(RoleHolder.id)).all()
    assert [(person, ended is not None) for person, ended in holders] == [("Claire Parker", True), ("Jo Bloggs", False)]


def test_renaming_a_code_re_links_actions_to_what_their_lead_text_names(admin, plan):
    role = create_role(code="SLT")
    action = create_action(priority=create_priority(plan=plan, number=1), lead="SALT")
    assert lead_codes_of(action) == []
    role_service.edit_role(role, role_service.RoleValues(code="SALT"), user_id=admin.id)
    assert lead_codes_of(action) == ["SALT"]


def test_a_role_needs_a_code_or_a_title(admin):
    with pytest.raises(editing.StructureProblem, match="Enter a code for the role, or a title"):
        role_service.add_role(role_service.RoleValues(person="Someone"), user_id=admin.id)
    group = role_service.add_role(role_service.RoleValues(title="SEND Advocacy Groups"), user_id=admin.id)
    assert group.code is None


def test_moving_a_role_renumbers_a_glossary_merged_from_two_imports_keeping_what_was_shown(admin):
    # Two imported glossaries both numbered from 0, one row naming a group without a code.
    for position, code, title in [(0, "DCS", None), (1, "DoP", None), (0, "NO", None), (1, None, "SEND Advocacy")]:
        role = create_role(code=code, title=title)
        role.position = position
    db.session.flush()
    shown = [r.code or r.title for r in plan_service.glossary()]
    third = plan_service.glossary()[2]

    assert role_service.move_role(third, "up", user_id=admin.id)
    expected = [shown[0], shown[2], shown[1], shown[3]]
    assert [r.code or r.title for r in plan_service.glossary()] == expected
    assert [r.position for r in plan_service.glossary()] == [0, 1, 2, 3]
    (moved,) = events("role.moved")
    assert (moved.entity_type, moved.entity_id, moved.before, moved.after) == (
        "role",
        third.id,
        {"place": 3},
        {"place": 2},
    )
    assert moved.summary == f"Key role {shown[2]} moved up to place 2 of 4"

    group = db.session.scalars(select(Role).where(Role.code.is_(None))).one()
    last = plan_service.glossary()[-1]
    assert role_service.move_role(last, "down", user_id=admin.id) is False
    assert role_service.move_role(plan_service.glossary()[0], "up", user_id=admin.id) is False
    assert len(events("role.moved")) == 1
    while role_service.move_role(group, "up", user_id=admin.id):
        pass
    assert plan_service.glossary()[0] is group
    assert events("role.moved")[-1].summary == "Key role SEND Advocacy moved up to place 1 of 4"


# ----- the admin pages' reads -----------------------------------------------------------------------------------------


def _build(plan, priorities: int, actions_each: int) -> None:
    for number in range(1, priorities + 1):
        priority = create_priority(plan=plan, number=number)
        outcome = create_outcome(priority=priority, ref=f"{number}.1")
        for _ in range(actions_each):
            create_action(priority=priority, outcome=outcome)
        db.session.add(Kpi(priority_id=priority.id, outcome_id=outcome.id, text="A measure"))
    db.session.commit()


def test_the_structure_pages_read_a_fixed_number_of_queries_whatever_the_size(plan, count_queries):
    small, large = plan, create_plan(title="Big plan")
    _build(small, 1, 1)
    _build(large, 8, 25)
    counts = []
    for each in (small, large):
        db.session.expire_all()
        with count_queries() as counted:
            page = plan_service.plan_structure(each.id)
            priority_service.priority_structure(page.priorities[-1].priority.id)
        counts.append(counted())
    assert counts[0] == counts[1]
    entry = plan_service.plan_structure(large.id).priorities[0]
    assert (entry.outcomes, entry.actions, entry.retired, entry.kpis, entry.deletable) == (1, 25, 0, 1, False)
    detail = priority_service.priority_structure(entry.priority.id)
    assert [(o.actions, o.kpis) for o in detail.outcomes] == [(25, 1)]


def test_unknown_ids_read_as_none(database):
    assert plan_service.plan_structure(987654) is None
    assert priority_service.priority_structure(987654) is None
    assert action_service.get_action(987654) is None
    assert role_service.get_role(987654) is None
    assert db.session.scalar(select(func.count(Plan.id))) == 0
