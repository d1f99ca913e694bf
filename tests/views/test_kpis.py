"""KPI pages: status and charts, defining KPIs, recording and correcting values, uploads, and who may do what."""

import csv
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import create_outcome, create_plan, create_priority, create_role
from wsoa.extensions import db
from wsoa.models import AuditEvent, Kpi, KpiMilestone, KpiValue
from wsoa.services.plan_archive import archive_plan

TODAY = date(2021, 6, 30)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    for module in ("wsoa.views.plans", "wsoa.views.kpis"):
        monkeypatch.setattr(f"{module}.today", lambda: TODAY)


@pytest.fixture
def plan(plan):
    """The shared Testshire plan (tests/conftest.py), with this file's roles, periods and actions."""
    salt = create_role(code="SALT SM", title="SALT service manager")
    eas = create_role(code="EAS", title="Education Access Service")
    priority = create_priority(plan=plan, number=4, title="Waits for speech and language therapy")
    outcome = create_outcome(priority=priority, ref="4.1", text="Children are seen quickly")
    kpi = Kpi(
        priority_id=priority.id,
        name="SALT: seen within 18 weeks",
        text="92% CYP seen within 18weeks or less from referral to service",
        unit="%",
        direction="higher",
        baseline_value=Decimal(14),
        baseline_date=date(2020, 1, 31),
        target_value=Decimal(92),
        target_date=date(2021, 9, 30),
        frequency="monthly",
        owner_role_id=salt.id,
    )
    other = Kpi(
        priority_id=priority.id,
        name="Exclusions",
        text="No permanent exclusions for children with an EHCP",
        unit="number",
        direction="lower",
        baseline_value=Decimal(5),
        baseline_date=date(2019, 12, 31),
        target_value=Decimal(0),
        target_date=date(2021, 9, 1),
        owner_role_id=eas.id,
    )
    imported = Kpi(priority_id=priority.id, text="Parents report they know how to access early help", position=9)
    db.session.add_all([kpi, other, imported])
    db.session.flush()
    db.session.add(KpiMilestone(kpi_id=kpi.id, on=date(2020, 9, 30), value=Decimal(60)))
    db.session.commit()
    return {"plan": plan, "priority": priority, "outcome": outcome, "kpi": kpi, "other": other, "imported": imported}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def errors_of(page) -> list[str]:
    return [normalise_spaces(a) for a in page.select(".govuk-error-summary a")]


def post_form(client, url: str, data: dict, **kwargs):
    token = csrf_token_from(client.get("/key-roles").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def day(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


# ---------------------------------------------------------------------------------------------------------------
# The KPI page and the priority page.


def test_the_kpi_page_shows_status_as_a_tag_with_its_word_the_chart_and_its_numbers(client, login_as, plan):
    db.session.add(KpiValue(kpi_id=plan["kpi"].id, on=date(2021, 5, 31), value=Decimal(85), note="Triage working"))
    db.session.commit()
    login_as("viewer")
    page = page_of(client.get(f"/kpis/{plan['kpi'].id}"))
    assert page.title.text.startswith("SALT: seen within 18 weeks – Priority 4")
    status = page.select_one("#kpi-status")
    assert normalise_spaces(status.select_one(".govuk-tag")) == "On track"
    assert "Latest 85 on 31 May 2021" in normalise_spaces(status)
    chart = page.select_one("figure.app-chart svg")
    assert chart["role"] == "img"
    title_id, desc_id = chart["aria-labelledby"].split()
    assert page.find(id=title_id).text == "Trend of SALT: seen within 18 weeks"
    assert "31 May 2021: 85%" in page.find(id=desc_id).text
    assert not page.select("[style]"), "no inline styles (a strict CSP would block them)"
    assert not page.select("main script")
    data = page.select_one("details .govuk-table")
    assert [normalise_spaces(th) for th in data.select("thead th")] == ["Date", "Recorded value", "Trajectory", "Point"]
    rows = [[normalise_spaces(c) for c in tr.select("th, td")] for tr in data.select("tbody tr")]
    assert ["31 Jan 2020", "—", "14%", "Baseline"] in rows
    assert rows[-2][:2] == ["31 May 2021", "85%"]
    assert ["30 Sep 2021", "—", "92%", "Target"] == rows[-1]
    values = page.select_one("#values")
    assert "Triage working" in normalise_spaces(values)
    assert "Record a value" not in normalise_spaces(page.select_one("main")), "viewers are not offered it"
    assert "Edit KPI" not in normalise_spaces(page.select_one("main"))


def test_a_zero_target_is_shown_as_a_target(client, login_as, plan):
    db.session.add(KpiValue(kpi_id=plan["other"].id, on=date(2021, 6, 1), value=Decimal(0)))
    db.session.commit()
    login_as("viewer")
    page = page_of(client.get(f"/kpis/{plan['other'].id}"))
    status = page.select_one("#kpi-status")
    assert "0 by 1 Sep 2021" in normalise_spaces(status)
    assert normalise_spaces(status.select_one(".govuk-tag")) == "Target met"


def test_a_kpi_with_no_values_says_so(client, login_as, plan):
    login_as("viewer")
    page = page_of(client.get(f"/kpis/{plan['other'].id}"))
    assert normalise_spaces(page.select_one("#kpi-status .govuk-tag")) == "No data"
    assert "No values recorded yet." in normalise_spaces(page.select_one("main"))


def test_a_stale_kpi_is_flagged_in_words(client, login_as, plan):
    db.session.add(KpiValue(kpi_id=plan["kpi"].id, on=date(2021, 1, 31), value=Decimal(70)))
    db.session.commit()
    login_as("viewer")
    page = page_of(client.get(f"/kpis/{plan['kpi'].id}"))
    tags = [normalise_spaces(t) for t in page.select("#kpi-status .govuk-tag")]
    assert "Out of date" in tags
    assert "older than a monthly KPI allows" in normalise_spaces(page.select_one("#stale-warning"))


def test_demo_values_are_marked_as_demo_data(client, login_as, plan):
    db.session.add(KpiValue(kpi_id=plan["kpi"].id, on=date(2021, 5, 31), value=Decimal(70), source="demo"))
    db.session.commit()
    login_as("viewer")
    page = page_of(client.get(f"/kpis/{plan['kpi'].id}"))
    assert "Demo data" in normalise_spaces(page.select_one("#demo-data"))
    assert "Demo data" in normalise_spaces(page.select_one("#values"))
    priority = page_of(client.get(f"/priorities/{plan['priority'].id}"))
    assert "Demo data" in normalise_spaces(priority.select_one(f"#kpi-{plan['kpi'].id}"))


def test_the_priority_page_links_each_kpi_with_its_status_and_a_small_chart(client, login_as, plan):
    db.session.add(KpiValue(kpi_id=plan["kpi"].id, on=date(2021, 5, 31), value=Decimal(85)))
    db.session.commit()
    login_as("viewer")
    page = page_of(client.get(f"/priorities/{plan['priority'].id}"))
    cards = page.select(".app-kpi-card")
    assert [normalise_spaces(c.select_one("h3")) for c in cards] == [
        "SALT: seen within 18 weeks",
        "Exclusions",
        "Parents report they know how to access early help",
    ]
    assert cards[0].select_one("h3 a")["href"] == f"/kpis/{plan['kpi'].id}"
    assert [normalise_spaces(c.select_one(".govuk-tag")) for c in cards] == ["On track", "No data", "No data"]
    assert cards[0].select_one("svg[role=img] title").text == "Trend of SALT: seen within 18 weeks"
    assert cards[0].select_one("details table")
    assert "Not yet set up as a KPI" in normalise_spaces(cards[2])
    assert "Turn into a KPI" not in normalise_spaces(page.select_one("main")), "only for those who edit KPIs"
    assert "Add a KPI" not in normalise_spaces(page.select_one("main"))


def test_editors_are_offered_to_add_kpis_and_turn_imported_measures_into_kpis(client, login_as, plan):
    login_as("editor")
    page = page_of(client.get(f"/priorities/{plan['priority'].id}"))
    links = {normalise_spaces(a): a["href"] for a in page.select("main a")}
    assert links["Add a KPI"] == f"/priorities/{plan['priority'].id}/kpis/new"
    turn = next(href for text, href in links.items() if text.startswith("Turn into a KPI"))
    assert turn == f"/kpis/{plan['imported'].id}/edit"
    assert links["Upload KPI values from a file"] == f"/plans/{plan['plan'].id}/kpi-values/upload"


def test_a_lead_is_offered_to_record_values_only_for_kpis_their_roles_own(client, login_as, plan):
    login_as("lead", roles=["SALT SM"])
    page = page_of(client.get(f"/priorities/{plan['priority'].id}"))
    offered = [a["href"] for a in page.select("main a") if normalise_spaces(a).startswith("Record a value")]
    assert offered == [f"/kpis/{plan['kpi'].id}/values/new"]


def test_unknown_kpis_and_priorities_are_not_found(client, login_as, plan):
    login_as("admin")
    for url in ("/kpis/987654", "/kpis/987654/edit", "/priorities/987654/kpis/new", "/kpis/987654/values/new"):
        assert client.get(url).status_code == 404, url
    assert client.get("/plans/987654/kpi-values/upload").status_code == 404


@pytest.mark.parametrize("which", ["kpi", "priority"])
def test_kpi_pages_take_the_same_number_of_queries_however_many_kpis_and_values(client, login_as, count_queries, which):
    login_as("viewer")
    urls = []
    for kpis, values in ((1, 1), (6, 15)):
        plan = create_plan(title=f"Plan {kpis}")
        priority = create_priority(plan=plan, number=1)
        for n in range(kpis):
            kpi = Kpi(
                priority_id=priority.id,
                name=f"KPI {n}",
                text="words",
                unit="%",
                direction="higher",
                baseline_value=Decimal(10),
                baseline_date=date(2019, 1, 31),
                target_value=Decimal(90),
                target_date=date(2022, 1, 31),
            )
            db.session.add(kpi)
            db.session.flush()
            db.session.add(KpiMilestone(kpi_id=kpi.id, on=date(2020, 6, 30), value=Decimal(50)))
            db.session.add_all(
                KpiValue(kpi_id=kpi.id, on=date(2020, 1, 1).replace(month=m % 12 + 1, year=2020 + m // 12), value=m)
                for m in range(values)
            )
        db.session.commit()
        urls.append(f"/kpis/{kpi.id}" if which == "kpi" else f"/priorities/{priority.id}")
    counts = []
    for url in urls:
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        counts.append(counted())
    assert counts[0] == counts[1]


# ---------------------------------------------------------------------------------------------------------------
# Defining KPIs.


def kpi_answers(**changes) -> dict:
    answers = {
        "name": "Permanent exclusions of children with an EHCP",
        "text": "There will be no permanent exclusions for children with an EHCP from Sept 2021.",
        "outcome": "",
        "unit": "number",
        "direction": "lower",
        "baseline_value": "5",
        "baseline_date": day(date(2019, 12, 31)),
        "target_value": "0",
        "target_date": day(date(2021, 9, 1)),
        "milestones": "31/03/2021, 2",
        "tolerance": "",
        "benchmarks": "England average, 0.06, 31/08/2020",
        "frequency": "termly",
        "data_source": "Exclusions log",
        "owner_role": "",
    }
    answers.update(changes)
    return {key: value for key, value in answers.items() if value is not None}


def test_an_editor_defines_a_kpi_with_a_zero_target_milestones_and_benchmarks(client, login_as, plan):
    user = login_as("editor")
    url = f"/priorities/{plan['priority'].id}/kpis/new"
    page = page_of(client.get(url))
    assert page.title.text.startswith("Add a KPI – Priority 4")
    for name in ("name", "text", "baseline_value", "target_value", "milestones", "benchmarks", "tolerance"):
        field = page.select_one(f"[name={name}]")
        assert page.select_one(f"label[for={field['id']}]"), f"{name} has a label"
    eas = str(plan["other"].owner_role_id)
    response = post_form(
        client, url, kpi_answers(outcome=str(plan["outcome"].id), owner_role=eas, is_ratio="y", tolerance="0.5")
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    kpi = db.session.scalars(select(Kpi).where(Kpi.name == "Permanent exclusions of children with an EHCP")).one()
    assert response.headers["Location"] == f"/kpis/{kpi.id}"
    assert (kpi.unit, kpi.direction, kpi.target_value, kpi.target_date, kpi.tolerance) == (
        "number",
        "lower",
        Decimal(0),
        date(2021, 9, 1),
        Decimal("0.5"),
    )
    assert (kpi.outcome_id, kpi.owner_role_id, kpi.is_ratio, kpi.frequency) == (
        plan["outcome"].id,
        int(eas),
        True,
        "termly",
    )
    assert db.session.scalar(select(func.count()).select_from(KpiMilestone).where(KpiMilestone.kpi_id == kpi.id)) == 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "kpi.created")).one()
    assert event.user_id == user.id
    shown = page_of(client.get(response.headers["Location"]))
    assert "KPI 'Permanent exclusions of children with an EHCP' added to priority 4." in normalise_spaces(shown)
    definition = normalise_spaces(shown.select_one("#kpi-definition"))
    assert "Lower is better" in definition
    assert "2 by 31 Mar 2021" in definition
    assert "England average: 0.06 (31 Aug 2020)" in definition


def test_a_bad_definition_is_shown_back_with_every_error_and_nothing_is_saved(client, login_as, plan):
    login_as("editor")
    before = count(Kpi)
    response = post_form(
        client,
        f"/priorities/{plan['priority'].id}/kpis/new",
        kpi_answers(
            name="",
            unit=None,
            baseline_value="five",
            target_date=["31", "2", "2021"],
            milestones="31/03/2021, 2\nsoon, 1",
            benchmarks="England average",
        ),
    )
    page = page_of(response)
    assert page.title.text.startswith("Error: ")
    assert errors_of(page) == [
        "Enter a name for the KPI",
        "Select the unit the KPI is measured in",
        "Baseline value must be a number, like 92 or 0.5",
        "Target date must be a real date",
        "Line 2: the date 'soon' is not a date, month, term or quarter (for example 31/03/2021 or Mar 21)",
        "Line 1: enter what it is, its value and its date, for example England average, 0.06, 31/08/2020",
    ]
    assert page.select_one("[name=baseline_value]")["value"] == "five"
    assert page.select_one("[name=milestones]").text.strip() == "31/03/2021, 2\nsoon, 1"
    assert page.select_one("[name=text]").text.strip().startswith("There will be no permanent exclusions")
    assert count(Kpi) == before
    assert count(AuditEvent) == 0


def test_the_domain_rules_are_checked_on_the_form_too(client, login_as, plan):
    login_as("editor")
    page = page_of(
        post_form(
            client,
            f"/priorities/{plan['priority'].id}/kpis/new",
            kpi_answers(direction="higher", target_date=day(date(2019, 1, 1)), milestones="31/03/2022, 2"),
        )
    )
    assert errors_of(page) == [
        "The target is lower than the baseline, so higher cannot be better: check both",
        "Target date must be after the baseline date",
        "Milestone for 31 Mar 2022 must be before the target date",
    ]


@pytest.mark.parametrize(
    "crafted",
    [
        {"unit": "furlongs"},
        {"direction": "sideways"},
        {"frequency": "weekly"},
        {"owner_role": "987654"},
        {"outcome": "987654"},
        {"baseline_date": None, "target_date": None},
        {"baseline_date": ["1", "2"]},
        {"target_value": "1e400"},
    ],
)
def test_crafted_definition_posts_get_errors_never_a_server_error(client, login_as, plan, crafted):
    login_as("editor")
    response = post_form(client, f"/priorities/{plan['priority'].id}/kpis/new", kpi_answers(**crafted))
    assert response.status_code in (200, 302)
    if crafted in ({"baseline_date": None, "target_date": None},):
        # the zero target needs its date as much as any other target
        assert errors_of(page_of(response)) == ["Enter the date of the baseline", "Enter the date the target is due"]
    else:
        assert errors_of(page_of(response))


def test_an_imported_impact_measure_is_turned_into_a_kpi_by_editing_it(client, login_as, plan):
    login_as("editor")
    url = f"/kpis/{plan['imported'].id}/edit"
    page = page_of(client.get(url))
    assert page.title.text.startswith("Turn into a KPI")
    assert page.select_one("[name=text]").text.strip() == "Parents report they know how to access early help"
    assert not page.select("[name=direction][checked]"), "an import's default direction is not a choice made"
    response = post_form(
        client,
        url,
        kpi_answers(
            name="Parents who know how to access early help",
            text="Parents report they know how to access early help",
            unit="%",
            direction="higher",
            baseline_value="40",
            baseline_date=day(date(2020, 11, 30)),
            target_value="55",
            target_date=day(date(2021, 11, 30)),
            milestones="",
            benchmarks="",
            frequency="annual",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    kpi = db.session.get(Kpi, plan["imported"].id)
    assert (kpi.name, kpi.unit, kpi.target_value) == ("Parents who know how to access early help", "%", Decimal(55))
    assert db.session.scalars(select(AuditEvent.event)).all() == ["kpi.defined"]


def test_editing_a_kpi_shows_its_definition_and_saves_changes(client, login_as, plan):
    login_as("admin")
    url = f"/kpis/{plan['kpi'].id}/edit"
    page = page_of(client.get(url))
    assert page.title.text.startswith("Edit KPI")
    assert page.select_one("[name=target_value]")["value"] == "92"
    assert page.select_one("[name=milestones]").text.strip() == "30/09/2020, 60"
    assert page.select_one("[name=unit][value='%']").has_attr("checked")
    assert [i["value"] for i in page.select("[name=target_date]")] == ["30", "09", "2021"]
    fields = {
        "name": "SALT: seen within 18 weeks",
        "text": plan["kpi"].text,
        "unit": "%",
        "direction": "higher",
        "baseline_value": "14",
        "baseline_date": day(date(2020, 1, 31)),
        "target_value": "92",
        "target_date": day(date(2021, 9, 30)),
        "milestones": "30/09/2020, 60\n31/03/2021, 80",
        "frequency": "monthly",
        "owner_role": str(plan["kpi"].owner_role_id),
    }
    assert post_form(client, url, fields).status_code == 302
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.event, event.after) == ("kpi.updated", {"milestones": "30/09/2020, 60\n31/03/2021, 80"})


# ---------------------------------------------------------------------------------------------------------------
# Recording values.


def test_a_lead_owning_a_kpi_adds_a_value_and_the_status_and_chart_update(client, login_as, plan):
    user = login_as("lead", roles=["SALT SM"])
    url = f"/kpis/{plan['kpi'].id}"
    before = page_of(client.get(url))
    assert normalise_spaces(before.select_one("#kpi-status .govuk-tag")) == "No data"
    assert "No values recorded yet" in before.select_one("svg desc").text
    form = page_of(client.get(f"{url}/values/new"))
    assert form.title.text.startswith("Record a value – SALT: seen within 18 weeks")
    response = post_form(
        client, f"{url}/values/new", {"on": day(date(2021, 5, 31)), "value": "95", "note": "Best month yet"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url
    value = db.session.scalars(select(KpiValue)).one()
    assert (value.value, value.author_id, value.source, value.note) == (Decimal(95), user.id, "app", "Best month yet")
    after = page_of(client.get(url))
    assert "Value 95% for 31 May 2021 saved." in normalise_spaces(after)
    assert normalise_spaces(after.select_one("#kpi-status .govuk-tag")) == "Target met"
    assert "31 May 2021: 95%" in after.select_one("svg desc").text
    assert db.session.scalars(select(AuditEvent.event)).all() == ["kpi_value.recorded"]


def test_a_viewer_cannot_record_a_value_even_by_crafting_a_post(client, login_as, plan):
    login_as("viewer")
    url = f"/kpis/{plan['kpi'].id}/values/new"
    assert client.get(url).status_code == 403
    assert post_form(client, url, {"on": day(date(2021, 5, 31)), "value": "95"}).status_code == 403
    assert count(KpiValue) == 0


def test_a_lead_cannot_record_a_value_for_a_kpi_another_role_owns(client, login_as, plan):
    login_as("lead", roles=["SALT SM"])
    url = f"/kpis/{plan['other'].id}/values/new"
    assert client.get(url).status_code == 403
    assert post_form(client, url, {"on": day(date(2021, 5, 31)), "value": "0"}).status_code == 403
    assert count(KpiValue) == 0


def test_a_lead_without_the_owning_role_cannot_record_for_a_kpi_with_no_owner(client, login_as, plan):
    login_as("lead", roles=["SALT SM"])
    assert client.get(f"/kpis/{plan['imported'].id}/values/new").status_code == 403


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({}, ["Enter the date the value is for", "Enter the value"]),
        ({"on": day(date(2021, 7, 1)), "value": "5"}, ["Date the value is for must be today or in the past"]),
        (
            {"on": ["31", "2", "2021"], "value": "lots"},
            ["Date the value is for must be a real date", "Value must be a number, like 92 or 0.5"],
        ),
        ({"on": ["31", "5"], "value": "5"}, ["Date the value is for must include a year"]),
        (
            {"on": day(date(2021, 5, 31)), "numerator": "5", "denominator": "10"},
            ["This KPI is not a numerator over a denominator: enter only the value"],
        ),
    ],
)
def test_a_bad_value_is_shown_back_with_errors_and_nothing_is_saved(client, login_as, plan, answers, errors):
    login_as("editor")
    page = page_of(post_form(client, f"/kpis/{plan['kpi'].id}/values/new", answers))
    assert page.title.text.startswith("Error: ")
    assert errors_of(page) == errors
    assert count(KpiValue) == 0


def test_a_ratio_kpi_asks_for_numerator_and_denominator_and_works_out_the_value(client, login_as, plan):
    plan["kpi"].is_ratio = True
    db.session.commit()
    login_as("editor")
    url = f"/kpis/{plan['kpi'].id}/values/new"
    page = page_of(client.get(url))
    assert page.select_one("[name=numerator]")
    assert page.select_one("[name=denominator]")
    assert (
        post_form(client, url, {"on": day(date(2021, 5, 31)), "numerator": "46", "denominator": "50"}).status_code
        == 302
    )
    value = db.session.scalars(select(KpiValue)).one()
    assert (value.value, value.numerator, value.denominator) == (Decimal(92), Decimal(46), Decimal(50))
    shown = page_of(client.get(f"/kpis/{plan['kpi'].id}"))
    assert "92% (46 of 50)" in normalise_spaces(shown.select_one("#values"))


def test_correcting_a_value_keeps_the_old_one_and_shows_the_correction(client, login_as, plan):
    wrong = KpiValue(kpi_id=plan["kpi"].id, on=date(2021, 4, 30), value=Decimal(61))
    db.session.add(wrong)
    db.session.commit()
    login_as("lead", roles=["SALT SM"])
    kpi_url = f"/kpis/{plan['kpi'].id}"
    correct = next(a["href"] for a in page_of(client.get(kpi_url)).select("#values a") if "Correct" in a.text)
    form = page_of(client.get(correct))
    assert form.title.text.startswith("Correct a value")
    assert [i["value"] for i in form.select("[name=on]")] == ["30", "04", "2021"]
    assert form.select_one("[name=value]")["value"] == "61"
    assert form.select_one("[name=corrects]")["value"] == str(wrong.id)
    response = post_form(
        client,
        f"{kpi_url}/values/new",
        {"corrects": str(wrong.id), "on": day(date(2021, 4, 30)), "value": "66", "note": "Clinic missing"},
    )
    assert response.status_code == 302
    assert count(KpiValue) == 2
    page = page_of(client.get(kpi_url))
    assert "Value 66% for 30 Apr 2021 corrected." in normalise_spaces(page)
    values = normalise_spaces(page.select_one("#values"))
    assert "66%" in values
    assert "(was 61%)" in values
    assert "Corrected on" in values
    history = normalise_spaces(page.select_one("#history"))
    assert "Replaced on" in history
    assert "Corrected 61% for 30 Apr 2021" in history
    assert db.session.scalars(select(AuditEvent.event)).all() == ["kpi_value.corrected"]


def test_correcting_a_value_already_corrected_by_someone_else_is_refused(client, other_client, login_as, plan):
    wrong = KpiValue(kpi_id=plan["kpi"].id, on=date(2021, 4, 30), value=Decimal(61))
    db.session.add(wrong)
    db.session.commit()
    login_as("editor")
    login_as("editor", browser=other_client)
    url = f"/kpis/{plan['kpi'].id}/values/new"
    answers = {"corrects": str(wrong.id), "on": day(date(2021, 4, 30))}
    assert post_form(other_client, url, {**answers, "value": "66"}).status_code == 302
    page = page_of(post_form(client, url, {**answers, "value": "67"}))
    assert errors_of(page) == ["Someone has already corrected this value: check the latest values, then try again"]
    assert count(KpiValue) == 2


def test_a_correction_of_another_kpis_value_is_not_found(client, login_as, plan):
    foreign = KpiValue(kpi_id=plan["other"].id, on=date(2021, 4, 30), value=Decimal(1))
    db.session.add(foreign)
    db.session.commit()
    login_as("editor")
    url = f"/kpis/{plan['kpi'].id}/values/new"
    assert client.get(f"{url}?corrects={foreign.id}").status_code == 404
    assert (
        post_form(client, url, {"corrects": str(foreign.id), "on": day(date(2021, 4, 30)), "value": "2"}).status_code
        == 404
    )
    assert count(KpiValue) == 1


# ---------------------------------------------------------------------------------------------------------------
# Uploads.


def csv_file(rows) -> bytes:
    buffer = StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def upload(client, plan, content: bytes, name: str = "values.csv"):
    return post_form(
        client,
        f"/plans/{plan['plan'].id}/kpi-values/upload",
        {"values_file": (BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_an_upload_saves_good_rows_and_reports_each_bad_row_with_its_reason(client, login_as, plan):
    login_as("editor")
    page = page_of(client.get(f"/plans/{plan['plan'].id}/kpi-values/upload"))
    listed = [normalise_spaces(td) for td in page.select("#plan-kpis tbody tr td:first-child")]
    assert listed == [str(plan["kpi"].id), str(plan["other"].id), str(plan["imported"].id)]
    content = csv_file(
        [
            ["KPI", "Date", "Value", "Note"],
            [plan["kpi"].id, "31/03/2021", "80", "From the service"],
            ["Exclusions", "Spring term 2021", "0", ""],
            ["Unheard of", "31/03/2021", "1", ""],
            [plan["kpi"].id, "31/02/2021", "1", ""],
            [plan["kpi"].id, "30/04/2021", "eighty", ""],
            ["", "", "", ""],
            [plan["kpi"].id, "31/05/2021", "81", ""],
        ]
    )
    page = page_of(upload(client, plan, content))
    report = normalise_spaces(page.select_one("#upload-report"))
    assert "3 values saved from values.csv" in report
    assert "4 problems" in report
    problems = [[normalise_spaces(td) for td in tr.select("td")] for tr in page.select("#upload-problems tbody tr")]
    assert [row[:2] for row in problems] == [["4", "KPI"], ["5", "Date"], ["6", "Value"], ["7", ""]]
    assert problems[0][2].startswith("No KPI in this plan is called 'Unheard of'")
    assert problems[2][2] == "Value 'eighty' is not a number"
    assert problems[3][2] == "The row is empty"
    saved = db.session.execute(select(KpiValue.kpi_id, KpiValue.on, KpiValue.value).order_by(KpiValue.id)).all()
    assert saved == [
        (plan["kpi"].id, date(2021, 3, 31), Decimal(80)),
        (plan["other"].id, date(2021, 4, 30), Decimal(0)),
        (plan["kpi"].id, date(2021, 5, 31), Decimal(81)),
    ]
    again = page_of(upload(client, plan, content))
    assert "0 values saved" in normalise_spaces(again.select_one("#upload-report"))
    assert "3 already recorded (unchanged)" in normalise_spaces(again.select_one("#upload-report"))
    assert count(KpiValue) == 3


def test_an_excel_upload_works_too(client, login_as, plan):
    login_as("editor")
    workbook = Workbook()
    workbook.active.append(["KPI", "Date", "Value", "Note"])
    workbook.active.append([plan["kpi"].id, date(2021, 3, 31), 0.8, "As a percentage cell"])
    workbook.active["C2"].number_format = "0%"
    buffer = BytesIO()
    workbook.save(buffer)
    page = page_of(upload(client, plan, buffer.getvalue(), name="values.xlsx"))
    assert "1 value saved from values.xlsx" in normalise_spaces(page.select_one("#upload-report"))
    assert db.session.scalar(select(KpiValue.value)) == Decimal(80)


def test_an_upload_into_an_archived_plan_is_refused_with_the_reason_and_nothing_is_saved(client, login_as, plan):
    editor = login_as("editor")
    archive_plan(plan["plan"], user_id=editor.id)
    db.session.commit()
    content = csv_file([["KPI", "Date", "Value"], [plan["kpi"].id, "31/03/2021", "80"]])
    page = page_of(upload(client, plan, content))
    assert errors_of(page) == ["This plan is archived, so no values can be recorded: an admin can restore it first"]
    assert page.select_one("#upload-report") is None
    assert count(KpiValue) == 0


def test_a_lead_uploads_only_for_their_own_kpis(client, login_as, plan):
    login_as("lead", roles=["SALT SM"])
    content = csv_file(
        [["KPI", "Date", "Value"], [plan["kpi"].id, "31/03/2021", "80"], [plan["other"].id, "31/03/2021", "1"]]
    )
    page = page_of(upload(client, plan, content))
    problems = [[normalise_spaces(td) for td in tr.select("td")] for tr in page.select("#upload-problems tbody tr")]
    assert problems == [["3", "KPI", "You cannot record values for this KPI: its owner is a role you do not hold"]]
    assert db.session.scalars(select(KpiValue.kpi_id)).all() == [plan["kpi"].id]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"PK\x03\x04 definitely not a workbook", "values.xlsx", "The file could not be read: the file is damaged"),
        (b"%PDF-1.4", "values.pdf", "The selected file must be a CSV file (.csv) or an Excel workbook (.xlsx)"),
        (b"anything", "values.xls", "save it as .xlsx or .csv"),
        (b"Name,When\nx,y\n", "values.csv", "The file could not be read: the first row must name the columns"),
        (b"\x00\x01\x02\x03", "values.csv", "The file could not be read: it is not a text CSV file"),
    ],
)
def test_an_unreadable_file_gets_a_one_line_refusal_and_saves_nothing(client, login_as, plan, content, name, message):
    login_as("editor")
    page = page_of(upload(client, plan, content, name=name))
    assert page.title.text.startswith("Error: ")
    [error] = errors_of(page)
    assert message in error
    assert "Traceback" not in page.text
    assert count(KpiValue) == 0
    assert count(AuditEvent) == 0


def test_an_upload_without_a_file_asks_for_one(client, login_as, plan):
    login_as("editor")
    page = page_of(post_form(client, f"/plans/{plan['plan'].id}/kpi-values/upload", {}))
    assert errors_of(page) == ["Select a CSV or Excel file of KPI values"]


def test_a_viewer_cannot_upload_values(client, login_as, plan):
    login_as("viewer")
    assert client.get(f"/plans/{plan['plan'].id}/kpi-values/upload").status_code == 403
    content = csv_file([["KPI", "Date", "Value"], [plan["kpi"].id, "31/03/2021", "80"]])
    assert upload(client, plan, content).status_code == 403
    assert count(KpiValue) == 0


def test_viewers_cannot_define_or_edit_kpis_even_by_crafting_a_post(client, login_as, plan):
    for level in ("viewer", "lead"):
        login_as(level, roles=["SALT SM"] if level == "lead" else [])
        assert client.get(f"/priorities/{plan['priority'].id}/kpis/new").status_code == 403
        assert post_form(client, f"/priorities/{plan['priority'].id}/kpis/new", kpi_answers()).status_code == 403
        assert post_form(client, f"/kpis/{plan['kpi'].id}/edit", kpi_answers()).status_code == 403
    assert count(Kpi) == 3
    assert count(AuditEvent) == 0
