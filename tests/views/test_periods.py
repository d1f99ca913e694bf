"""Review periods: admins open, edit and make one current; exactly one is current per plan."""

from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import create_period
from wsoa.extensions import db
from wsoa.models import AuditEvent, ReviewPeriod


def dates(prefix: str, day: str, month: str, year: str) -> list[tuple[str, str]]:
    """GovDateInput posts the day, month and year under one name, in that order."""
    return [(prefix, day), (prefix, month), (prefix, year)]


def post_period(
    client,
    path: str,
    label: str | None = "Q3 2021/22",
    *,
    start=("1", "10", "2021"),
    end=("31", "12", "2021"),
    board=("", "", ""),
    current=True,
):
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    data = [("csrf_token", token)]
    if label is not None:
        data.append(("label", label))
    if start is not None:
        data += dates("start_date", *start)
    if end is not None:
        data += dates("end_date", *end)
    if board is not None:
        data += dates("board_date", *board)
    if current:
        data.append(("make_current", "y"))
    return client.post(path, data=MultiDict(data))


def periods_of(plan) -> list[tuple]:
    return db.session.execute(
        select(ReviewPeriod.label, ReviewPeriod.start_date, ReviewPeriod.end_date, ReviewPeriod.is_current)
        .where(ReviewPeriod.plan_id == plan.id)
        .order_by(ReviewPeriod.position)
    ).all()


def errors_of(page) -> list[str]:
    return [normalise_spaces(a) for a in page.select(".govuk-error-summary a")]


def test_an_admin_sees_the_plans_periods_newest_first_with_the_current_one_marked(client, login_as, plan):
    create_period(plan=plan, label="Nov 20", current=False, start=date(2020, 9, 1), end=date(2020, 11, 30))
    create_period(plan=plan, label="Mar 21", current=True)
    db.session.commit()
    login_as("admin")
    page = page_of(client.get(f"/plans/{plan.id}/review-periods"))
    rows = [normalise_spaces(row) for row in page.select("#periods tbody tr")]
    assert rows[0].startswith("Mar 21 — — — Current Edit")
    assert rows[1].startswith("Nov 20 1 Sep 2020 30 Nov 2020 — Edit")
    assert "Make current" in rows[1]
    assert "Make current" not in rows[0]


def test_an_admin_opens_a_period_and_makes_it_current(client, login_as, plan):
    create_period(plan=plan, label="Nov 20", current=True)
    db.session.commit()
    admin = login_as("admin")
    response = post_period(client, f"/plans/{plan.id}/review-periods/new", board=("20", "1", "2022"))
    assert response.status_code == 302
    assert periods_of(plan) == [
        ("Nov 20", None, None, False),
        ("Q3 2021/22", date(2021, 10, 1), date(2021, 12, 31), True),
    ]
    assert db.session.scalar(select(ReviewPeriod.board_date).where(ReviewPeriod.label == "Q3 2021/22")) == date(
        2022, 1, 20
    )
    page = page_of(client.get(response.headers["Location"]))
    assert "Review period Q3 2021/22 opened and made current." in normalise_spaces(page)
    events = db.session.scalars(select(AuditEvent.event).where(AuditEvent.user_id == admin.id)).all()
    assert sorted(events) == ["review_period.made_current", "review_period.opened"]


def test_a_period_opened_without_making_it_current_leaves_the_current_one(client, login_as, plan):
    create_period(plan=plan, label="Nov 20", current=True)
    db.session.commit()
    login_as("admin")
    post_period(client, f"/plans/{plan.id}/review-periods/new", current=False)
    assert [(label, current) for label, _, _, current in periods_of(plan)] == [("Nov 20", True), ("Q3 2021/22", False)]


def test_the_first_period_is_always_current(client, login_as, plan):
    login_as("admin")
    post_period(client, f"/plans/{plan.id}/review-periods/new", current=False)
    assert [current for *_, current in periods_of(plan)] == [True]


def test_making_another_period_current_leaves_exactly_one_current(client, login_as, plan):
    create_period(plan=plan, label="Nov 20", current=True)
    mar = create_period(plan=plan, label="Mar 21", current=False)
    db.session.commit()
    login_as("admin")
    listing = client.get(f"/plans/{plan.id}/review-periods")
    token = csrf_token_from(listing.get_data(as_text=True))
    response = client.post(f"/review-periods/{mar.id}/make-current", data={"csrf_token": token})
    assert response.status_code == 302
    assert [(label, current) for label, _, _, current in periods_of(plan)] == [("Nov 20", False), ("Mar 21", True)]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"label": "", "start": ("", "", ""), "end": ("", "", "")},
            ["Enter a name for the review period", "Enter the start date", "Enter the end date"],
        ),
        ({"start": ("1", "", "2021")}, ["Start date must include a month"]),
        ({"start": ("", "", "2021")}, ["Start date must include a day and month"]),
        ({"start": ("31", "2", "2021")}, ["Start date must be a real date"]),
        ({"start": ("1", "Oct", "2021")}, ["Start date must be a real date"]),
        ({"start": ("1", "10", "21")}, ["Year must include 4 numbers"]),
        ({"end": ("30", "9", "2021")}, ["End date must be the same as or after the start date"]),
        ({"label": "x" * 501}, ["Name must be 500 characters or fewer"]),
    ],
)
def test_bad_answers_are_explained_keep_what_was_typed_and_save_nothing(client, login_as, plan, answers, expected):
    login_as("admin")
    page = page_of(post_period(client, f"/plans/{plan.id}/review-periods/new", **answers))
    assert page.title.text.startswith("Error: ")
    assert errors_of(page) == expected
    start = answers.get("start", ("1", "10", "2021"))
    assert [page.select_one(f"#start_date-{part}")["value"] for part in ("day", "month", "year")] == list(start)
    assert periods_of(plan) == []


@pytest.mark.parametrize(
    "data",
    [
        {"label": "Q1"},  # every date box left out of the POST
        [("label", "Q1"), ("start_date", "1")],  # only one of the three boxes
        [("label", "Q1"), *[("start_date", "1")] * 5, *dates("end_date", "1", "1", "2022")],  # too many boxes
    ],
    ids=["missing", "one-box", "five-boxes"],
)
def test_a_crafted_post_with_missing_or_extra_date_boxes_is_an_error_message_not_a_500(client, login_as, plan, data):
    login_as("admin")
    token = csrf_token_from(client.get(f"/plans/{plan.id}/review-periods/new").get_data(as_text=True))
    data = [*(data.items() if isinstance(data, dict) else data), ("csrf_token", token)]
    page = page_of(client.post(f"/plans/{plan.id}/review-periods/new", data=MultiDict(data)))
    assert errors_of(page)
    assert periods_of(plan) == []


def test_a_period_name_is_unique_within_the_plan(client, login_as, plan):
    create_period(plan=plan, label="Q3 2021/22")
    db.session.commit()
    login_as("admin")
    page = page_of(post_period(client, f"/plans/{plan.id}/review-periods/new", label="q3 2021/22"))
    assert errors_of(page) == ["There is already a review period called q3 2021/22 for this plan"]


def test_an_admin_edits_a_period_and_the_change_is_audited(client, login_as, plan):
    period = create_period(plan=plan, label="Mar 21", start=date(2020, 12, 1), end=date(2021, 3, 31))
    db.session.commit()
    login_as("admin")
    form = page_of(client.get(f"/review-periods/{period.id}/edit"))
    assert form.select_one("input[name=label]")["value"] == "Mar 21"
    assert [form.select_one(f"#start_date-{p}")["value"] for p in ("day", "month", "year")] == ["01", "12", "2020"]
    assert form.select_one("input[name=make_current]") is None
    response = post_period(
        client,
        f"/review-periods/{period.id}/edit",
        label="Mar 21",
        start=("1", "12", "2020"),
        end=("30", "4", "2021"),
        current=False,
    )
    assert response.status_code == 302
    assert periods_of(plan) == [("Mar 21", date(2020, 12, 1), date(2021, 4, 30), True)]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "review_period.edited")).one()
    assert (event.before, event.after) == ({"end_date": "2021-03-31"}, {"end_date": "2021-04-30"})


@pytest.mark.parametrize("level", ["editor", "lead", "viewer"])
def test_only_admins_manage_periods_even_with_a_crafted_post(client, login_as, plan, level):
    period = create_period(plan=plan, label="Mar 21", current=False)
    db.session.commit()
    login_as(level)
    token = csrf_token_from(client.get(f"/plans/{plan.id}").get_data(as_text=True))
    assert client.get(f"/plans/{plan.id}/review-periods").status_code == 403
    assert client.get(f"/plans/{plan.id}/review-periods/new").status_code == 403
    assert (
        client.post(f"/plans/{plan.id}/review-periods/new", data={"csrf_token": token, "label": "X"}).status_code == 403
    )
    assert client.post(f"/review-periods/{period.id}/edit", data={"csrf_token": token, "label": "X"}).status_code == 403
    assert client.post(f"/review-periods/{period.id}/make-current", data={"csrf_token": token}).status_code == 403
    assert periods_of(plan) == [("Mar 21", None, None, False)]


@pytest.mark.parametrize(
    "path", ["/plans/999999/review-periods", "/plans/999999/review-periods/new", "/review-periods/999999/edit"]
)
def test_unknown_plans_and_periods_are_404(client, login_as, path):
    login_as("admin")
    assert client.get(path).status_code == 404


def test_the_overview_links_admins_to_the_periods(client, login_as, plan):
    login_as("admin")
    page = page_of(client.get(f"/plans/{plan.id}"))
    assert page.select_one(f"a[href='/plans/{plan.id}/review-periods']").text == "Manage review periods"


def test_a_period_records_when_updates_are_due_and_refuses_a_day_after_the_board(client, login_as, plan):
    login_as("admin")
    path = f"/plans/{plan.id}/review-periods/new"
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    data = [("csrf_token", token), ("label", "Q3 2021/22"), ("make_current", "y")]
    data += dates("start_date", "1", "10", "2021") + dates("end_date", "31", "12", "2021")
    data += dates("board_date", "20", "1", "2022")
    refused = page_of(client.post(path, data=MultiDict([*data, *dates("updates_due_on", "21", "1", "2022")])))
    assert errors_of(refused) == ["Updates due by must be the same as or before the board date"]
    response = client.post(path, data=MultiDict([*data, *dates("updates_due_on", "13", "1", "2022")]))
    assert response.status_code == 302
    period = db.session.scalars(select(ReviewPeriod).where(ReviewPeriod.plan_id == plan.id)).one()
    assert period.updates_due_on == date(2022, 1, 13)
    edit = f"/review-periods/{period.id}/edit"
    page = page_of(client.get(edit))
    assert [i["value"] for i in page.select("input[name=updates_due_on]")] == ["13", "01", "2022"]
