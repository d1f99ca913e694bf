"""The board report page: choose in the query string, read it here or download it; board members can, others cannot."""

from io import BytesIO
from urllib.parse import parse_qs, urlparse

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.conftest import normalise_spaces, page_of
from tests.factories import create_action, create_plan, create_update
from tests.reports.plan_builder import build_report_plan
from wsoa.extensions import db
from wsoa.models import Priority

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@pytest.fixture
def built(database):
    return build_report_plan()


def report_url(built, **query) -> str:
    pairs = [
        f"{key}={value}"
        for key, values in query.items()
        for value in (values if isinstance(values, list) else [values])
    ]
    return f"/plans/{built.plan.id}/reports" + ("?" + "&".join(pairs) if pairs else "")


def test_signed_out_visitors_are_sent_to_sign_in(client, built):
    for path in (report_url(built), report_url(built, period=built.q2.id, format="pdf"), "/reports/board-report.css"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlparse(response.headers["Location"]).path == "/sign-in"


def test_a_board_member_sees_the_current_periods_report_with_every_section(client, login_as, built):
    login_as("viewer")
    soup = page_of(client.get(report_url(built)))
    assert normalise_spaces(soup.select_one("h1")).startswith("Board report")
    assert soup.select_one("#report-options select[name=period] option[selected]")["value"] == str(built.q2.id)
    assert normalise_spaces(soup.select_one("#position-as-at")) == "30 Sep 2021"
    for section in ("summary", "priority-1", "priority-2", "exceptions", "completed", "due-next", "checks", "appendix"):
        assert soup.select_one(f"#report-{section}"), section
    assert [int(td.text) for td in soup.select("#summary-rag tfoot td")] == [2, 2, 2, 2, 1, 9, 2, 2]
    assert [tr.select_one("td").text for tr in soup.select("#red-amber tbody tr")] == [
        "1.1.2",
        "2.1.3",
        "1.1.1",
        "1.1.5",
    ]
    assert {normalise_spaces(tag) for tag in soup.select("#red-amber .report-rag")} == {"Red", "Amber"}
    stylesheets = [link["href"] for link in soup.select("link[rel=stylesheet]")]
    assert "/reports/board-report.css" in stylesheets


def test_charts_are_inline_svg_without_inline_styles(client, login_as, built):
    login_as("viewer")
    soup = page_of(client.get(report_url(built)))
    charts = soup.select(".report-chart [role=img]")
    assert len(charts) == 3
    assert all(chart.select_one("svg") for chart in charts)
    assert "Red 2" in charts[0]["aria-label"] or "2 Red" in charts[0]["aria-label"]
    assert not soup.select(".report [style]"), "the CSP (style-src 'self') would block style attributes"


def test_choices_travel_in_the_query_string_and_download_links_keep_them(client, login_as, built):
    login_as("viewer")
    soup = page_of(client.get(report_url(built, period=built.q1.id, priority=2, appendix="no")))
    assert [section["id"] for section in soup.select(".report-priority")] == ["report-priority-2"]
    assert not soup.select("#report-appendix")
    assert normalise_spaces(soup.select_one("#report-scope")) == "Priority 2 of 2"
    links = {a.text: parse_qs(urlparse(a["href"]).query) for a in soup.select("#downloads a")}
    assert set(links) == {"Download the report as PDF", "Download the report as Word", "Download the report as Excel"}
    assert links["Download the report as PDF"] == {
        "period": [str(built.q1.id)],
        "appendix": ["no"],
        "priority": ["2"],
        "format": ["pdf"],
    }


def test_links_with_the_same_words_go_to_the_same_place(client, login_as, built):
    """The plan's own Excel export and the report's Excel download sit on one page: a screen reader's list of
    links must tell them apart."""
    login_as("viewer")
    soup = page_of(client.get(report_url(built, period=built.q2.id)))
    targets: dict[str, set[str]] = {}
    for link in soup.select("main a[href]"):
        targets.setdefault(normalise_spaces(link), set()).add(link["href"])
    assert {name: hrefs for name, hrefs in targets.items() if len(hrefs) > 1} == {}
    assert "Download the plan as Excel" in targets
    assert "Download the report as Excel" in targets


@pytest.mark.parametrize("fmt", [pytest.param("pdf", marks=pytest.mark.slow), "docx", "xlsx"])
def test_a_board_member_can_download_every_format(client, login_as, built, fmt):
    login_as("viewer")
    response = client.get(report_url(built, period=built.q2.id, format=fmt))
    assert response.status_code == 200
    assert response.mimetype == MIMETYPES[fmt]
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=board-report-testshire-written-statement-of-action-q2-2021-22.{fmt}"
    data = response.get_data()
    if fmt == "pdf":
        assert data.startswith(b"%PDF")
    elif fmt == "docx":
        assert "Summary" in [p.text for p in Document(BytesIO(data)).paragraphs]
    else:
        assert "Exceptions" in load_workbook(BytesIO(data)).sheetnames


def test_bad_choices_are_explained_on_the_page(client, login_as, built):
    login_as("viewer")
    other = build_report_plan(title="Another plan")
    soup = page_of(client.get(report_url(built, period=other.q2.id)))
    assert "Select a review period" in normalise_spaces(soup.select_one(".govuk-error-summary"))
    assert not soup.select("#board-report")
    soup = page_of(client.get(report_url(built, period=built.q1.id, compare_with=built.q2.id)))
    assert "Select a review period before Q1 2021/22 to compare with" in normalise_spaces(soup)
    soup = page_of(client.get(report_url(built, period=built.q2.id, format="exe")))
    assert "Select a format" in normalise_spaces(soup)
    soup = page_of(client.get(report_url(built, period="not-a-number", priority=7)))
    summary = normalise_spaces(soup.select_one(".govuk-error-summary"))
    assert "Select a review period" in summary
    assert "Select priorities of this plan" in summary


def test_a_plan_without_review_periods_says_so(client, login_as, database):
    login_as("viewer")
    plan = create_plan(title="No periods yet")
    db.session.commit()
    soup = page_of(client.get(f"/plans/{plan.id}/reports"))
    assert "no review periods yet" in normalise_spaces(soup.select_one("#no-periods"))


def test_an_unknown_plan_is_not_found(client, login_as, database):
    login_as("viewer")
    assert client.get("/plans/999999/reports").status_code == 404


def test_the_plan_pages_link_to_the_board_report(client, login_as, built):
    login_as("viewer")
    soup = page_of(client.get(f"/plans/{built.plan.id}"))
    link = next(a for a in soup.select("nav a") if a.text == "Board report")
    assert link["href"] == f"/plans/{built.plan.id}/reports"


def test_the_report_page_does_not_query_per_action(client, login_as, count_queries, database):
    login_as("viewer")
    small = build_report_plan(title="Small plan")
    large = build_report_plan(title="Large plan")
    priority = db.session.get(Priority, large.actions["1.1.1"].priority_id)
    for n in range(40):
        action = create_action(priority=priority, ref=f"1.9.{n}", title=f"Extra action {n}", due_text="Mar 22")
        create_update(action=action, period=large.q1, rag="green")
        create_update(action=action, period=large.q2, rag=("red", "amber", "green", "blue")[n % 4])
    db.session.commit()
    counts = []
    for built in (small, large):
        with count_queries() as counted:
            response = client.get(report_url(built))
        assert response.status_code == 200
        counts.append(counted())
    assert counts[0] == counts[1]
