"""The demo's second review period: illustrative, labelled, varied, flag-raising and added only once."""

from datetime import date

from sqlalchemy import func, select

from tests.factories import create_action, create_period, create_plan, create_priority, create_role, create_user
from wsoa.demo import load_demo
from wsoa.demo.updates import add_demo_review_period
from wsoa.domain.honesty import Flag
from wsoa.extensions import db
from wsoa.models import ProgressUpdate, ReviewPeriod
from wsoa.services.accounts import authenticate
from wsoa.services.honesty import period_progress


def count_updates() -> int:
    return db.session.scalar(select(func.count()).select_from(ProgressUpdate))


def test_the_demo_period_is_current_with_varied_demo_updates_and_is_added_once(database):
    plan = create_plan()
    create_role(code="DoP")
    create_period(plan=plan, label="Nov 20")
    priority = create_priority(plan=plan)
    actions = [create_action(priority=priority, lead="DoP", due_text="Dec 20") for _ in range(15)]
    lead = create_user(level="lead", name="Claire Parker (demo)", roles=["DoP"])
    db.session.commit()

    assert add_demo_review_period(plan) is not None
    db.session.commit()
    current = db.session.scalars(select(ReviewPeriod).where(ReviewPeriod.is_current.is_(True))).one()
    assert current.label == "Mar 21"
    updates = db.session.scalars(select(ProgressUpdate)).all()
    assert 0 < len(updates) < len(actions)
    assert {u.source for u in updates} == {"demo"}
    assert {u.rag for u in updates} >= {"red", "amber", "green", "blue"}
    assert {u.author_id for u in updates} == {lead.id}
    flags = period_progress(plan.id, date(2021, 4, 1)).flag_counts
    assert all(flags[flag] > 0 for flag in Flag)

    assert add_demo_review_period(plan) is None
    db.session.commit()
    assert count_updates() == len(updates)


def test_load_demo_twice_adds_nothing_the_second_time(database):
    first = load_demo()
    db.session.commit()
    assert any("Opened the demo review period Mar 21" in line for line in first)
    updates, periods = count_updates(), db.session.scalar(select(func.count()).select_from(ReviewPeriod))
    second = load_demo()
    db.session.commit()
    assert not any("Opened the demo review period" in line for line in second)
    assert (count_updates(), db.session.scalar(select(func.count()).select_from(ReviewPeriod))) == (updates, periods)


def test_the_load_demo_command_prints_sign_ins_that_work_for_every_kind_of_user(app, database):
    result = app.test_cli_runner().invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("Demo sign-ins (password for all: "))
    password = lines[heading].removeprefix("Demo sign-ins (password for all: ").removesuffix("):")
    sign_ins = [line.split() for line in lines[heading + 1 :]]
    assert [words[0] for words in sign_ins] == ["admin", "editor", "lead", "lead", "viewer"]
    db.session.expire_all()
    for level, email, *holds in sign_ins:
        user = authenticate(email, password)
        assert user is not None, f"{email} cannot sign in with the printed password"
        assert user.level == level
        printed_roles = " ".join(holds).removeprefix("(holds ").removesuffix(")").split(", ") if holds else []
        assert [role.code for role in user.roles] == printed_roles
    leads = [words for words in sign_ins if words[0] == "lead"]
    assert {" ".join(words[2:]) for words in leads} == {"(holds DoP)", "(holds NO)"}
