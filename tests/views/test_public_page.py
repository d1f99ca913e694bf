"""The public "you said, we did" page: only approved text, no person's name, signed out, withdrawn is gone."""

from datetime import UTC, date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from, normalise_spaces, page_of
from tests.factories import (
    create_action,
    create_period,
    create_plan,
    create_priority,
    create_role,
    create_update,
    create_user,
)
from tests.security.test_two_app_servers import build as build_server
from wsoa.extensions import db
from wsoa.models import AuditEvent, Kpi, KpiValue, PublicText, PublicTextVersion
from wsoa.services import plan_archive, publishing

LEAD_NAME = "Jo Bloggs"  # holds the DCS role in the glossary
NARRATIVE = "Internal: recruitment stalled after the budget row"
SUMMARY = "Children are waiting less time for speech and language therapy."
DRAFT = "A draft nobody has approved yet"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def built(database):
    plan = create_plan(title="Testshire WSoA")
    create_role(code="DCS", title="Director of Children's Services", person=LEAD_NAME)
    period = create_period(plan=plan, label="Q3 2021/22", start=date(2021, 10, 1), end=date(2021, 12, 31))
    priority = create_priority(plan=plan, number=1, title="Long waits for therapy", lead_role="DCS")
    for n, rag in enumerate(["blue", "green", "red", None], start=1):
        action = create_action(priority=priority, ref=f"1.1.{n}", title=f"Action {n}", lead="DCS")
        create_update(action=action, period=period, rag=rag, narrative=NARRATIVE)
    kpi = Kpi(priority_id=priority.id, text="Children seen within 18 weeks", unit="%", position=0)
    db.session.add(kpi)
    db.session.flush()
    # Recorded before the period's paper was settled, so the board report for it (and the page) counts it.
    recorded = datetime(2021, 12, 1, tzinfo=UTC)
    db.session.add(KpiValue(kpi_id=kpi.id, on=date(2021, 11, 30), value=Decimal("72.5"), created_at=recorded))
    officer = create_user(level="editor", email="officer@example.org", name="Pat Officer", password="x" * 20)
    db.session.commit()
    return plan, priority, kpi, officer


def approved_summary(plan, priority, officer, body=SUMMARY):
    text = publishing.write_text(plan, priority, "summary", body=body, you_said=None, user=officer)
    publishing.approve_text(plan, text, publishing.text_state(text).latest.id, officer)
    db.session.commit()
    return text


def published(built, *, kpis=True):
    plan, priority, kpi, officer = built
    approved_summary(plan, priority, officer)
    if kpis:
        publishing.choose_kpis(plan, [kpi.id], officer)
    page = publishing.publish(plan, officer)
    db.session.commit()
    return page


def public_text(client, url: str) -> str:
    return normalise_spaces(page_of(client.get(url)).select_one("main"))


def test_the_page_and_feed_show_only_approved_text_and_no_persons_name(client, built):
    plan, priority, _, officer = built
    item = publishing.write_text(
        plan, priority, "said_did", body="We hired four therapists", you_said="Waits are too long", user=officer
    )
    publishing.approve_text(plan, item, publishing.text_state(item).latest.id, officer)
    page = published(built)
    # Put straight in the data, as a careless draft would be: a draft naming the lead and holding the narrative.
    draft = PublicText(plan_id=plan.id, priority_id=priority.id, kind="said_did")
    db.session.add(draft)
    db.session.flush()
    db.session.add(PublicTextVersion(text_id=draft.id, you_said=DRAFT, body=f"{LEAD_NAME}: {NARRATIVE}"))
    db.session.commit()
    publishing.publish(plan, officer)  # republished: the draft is still not approved
    db.session.commit()

    shown = public_text(client, f"/public/{page.slug}")
    assert SUMMARY in shown
    assert "You said: Waits are too long We did: We hired four therapists" in shown
    assert "Led by: Director of Children's Services" in shown
    feed = client.get(f"/public/{page.slug}/feed.atom").get_data(as_text=True)
    assert SUMMARY in feed
    assert "We hired four therapists" in feed
    for secret in (LEAD_NAME, NARRATIVE, DRAFT, "Pat Officer"):
        assert secret not in shown
        assert secret not in client.get(f"/public/{page.slug}").get_data(as_text=True)
        assert secret not in feed


def test_signed_out_reads_the_page_its_print_version_and_a_valid_escaped_feed(client, built):
    plan, priority, _, officer = built
    approved_summary(plan, priority, officer, body="Waits <b>fell</b> & families noticed")
    page = publishing.publish(plan, officer)
    db.session.commit()

    response = client.get(f"/public/{page.slug}")
    soup = page_of(response)
    assert "Waits <b>fell</b> & families noticed" in normalise_spaces(soup.select_one("#summary-1"))
    assert soup.select_one("#summary-1 b") is None
    assert soup.select_one("#last-updated").text.startswith("Last updated ")
    shares = normalise_spaces(soup.select_one("#shares-1"))
    assert shares == "Actions 4 Complete 25% On track 25%"
    assert "1 of 4 actions (25%) is complete and 1 (25%) is on track." in normalise_spaces(soup)
    assert "Sign in" not in response.get_data(as_text=True)

    printable = page_of(client.get(f"/public/{page.slug}/print"))
    assert "Waits <b>fell</b>" in normalise_spaces(printable.select_one("#summary-1"))
    assert printable.select_one("#page-links") is None

    feed = client.get(f"/public/{page.slug}/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(feed.get_data())
    assert root.tag == f"{ATOM}feed"
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}content").text == "Waits <b>fell</b> & families noticed"
    assert entry.find(f"{ATOM}title").text == "Summary: Long waits for therapy"


def test_a_chosen_kpi_is_shown_with_its_chart_and_a_table_and_others_are_not(client, built):
    plan, priority, _, officer = built
    other = Kpi(priority_id=priority.id, text="Tribunals lost", position=1)
    db.session.add(other)
    db.session.commit()
    page = published(built)
    soup = page_of(client.get(f"/public/{page.slug}"))
    assert soup.select_one(".app-chart svg[role=img]") is not None
    table = soup.select_one("table")
    assert normalise_spaces(table.select_one("caption")) == "Values of Children seen within 18 weeks"
    assert normalise_spaces(table.select_one("tbody tr")) == "30 Nov 2021 72.5%"
    assert "Tribunals lost" not in soup.get_text()


def test_withdrawn_never_published_archived_and_unknown_pages_are_not_found(client, built):
    plan, _, _, officer = built
    assert client.get("/public/no-such-page").status_code == 404
    never = publishing._page_of(plan)  # a page row with KPIs chosen but never published
    db.session.commit()
    assert client.get(f"/public/{never.slug}").status_code == 404

    page = published(built)
    for suffix in ("", "/print", "/feed.atom"):
        assert client.get(f"/public/{page.slug}{suffix}").status_code == 200
    plan_archive.archive_plan(plan, user_id=officer.id)
    db.session.commit()
    for suffix in ("", "/print", "/feed.atom"):
        assert client.get(f"/public/{page.slug}{suffix}").status_code == 404
    plan_archive.restore_plan(plan, user_id=officer.id)
    assert publishing.withdraw(plan, officer)
    db.session.commit()
    for suffix in ("", "/print", "/feed.atom"):
        assert client.get(f"/public/{page.slug}{suffix}").status_code == 404


def test_a_change_after_approval_is_shown_only_once_approved_again(client, built):
    plan, priority, _, officer = built
    page = published(built)
    text = db.session.scalars(select(PublicText)).one()
    publishing.write_text(plan, priority, "summary", body="A better summary", you_said=None, user=officer, text=text)
    db.session.commit()
    assert SUMMARY in public_text(client, f"/public/{page.slug}")
    assert "A better summary" not in public_text(client, f"/public/{page.slug}")
    assert publishing.text_state(text).state == "Changed since approval"

    publishing.approve_text(plan, text, publishing.text_state(text).latest.id, officer)
    db.session.commit()
    shown = public_text(client, f"/public/{page.slug}")
    assert "A better summary" in shown
    assert SUMMARY not in shown


def test_a_text_naming_a_person_is_refused_with_the_name(built):
    plan, priority, _, officer = built
    with pytest.raises(publishing.PublishingProblem, match="take out Jo Bloggs and name their role instead"):
        publishing.write_text(plan, priority, "summary", body="jo  bloggs leads this work", you_said=None, user=officer)
    with pytest.raises(publishing.PublishingProblem, match="take out Pat Officer"):
        publishing.write_text(plan, priority, "said_did", body="Done", you_said="Ask Pat Officer", user=officer)


def test_publishing_needs_an_approved_summary_and_is_refused_for_an_archived_plan(built):
    plan, priority, _, officer = built
    with pytest.raises(publishing.PublishingProblem, match="Approve a summary for families"):
        publishing.publish(plan, officer)
    approved_summary(plan, priority, officer)
    plan.archived_at = datetime(2022, 1, 1, tzinfo=UTC)
    with pytest.raises(publishing.PublishingProblem, match="archived"):
        publishing.publish(plan, officer)


def test_the_officer_writes_approves_publishes_and_withdraws_through_the_pages_audited(client, built, login_as):
    plan, priority, _, _ = built
    editor = login_as("editor", name="Eddie Editor", email="eddie@example.org")
    overview = page_of(client.get(f"/plans/{plan.id}"))
    assert overview.find("a", string="Public page")["href"] == f"/plans/{plan.id}/public-page"

    form_url = f"/plans/{plan.id}/public-page/priorities/{priority.id}/summary/new"
    token = csrf_token_from(client.get(form_url).get_data(as_text=True))
    empty = client.post(form_url, data={"csrf_token": token, "body": "  "})
    assert "Enter what families should read" in normalise_spaces(page_of(empty))
    assert client.post(form_url, data={"csrf_token": token, "body": SUMMARY}).status_code == 302

    listing = page_of(client.get(f"/plans/{plan.id}/public-page"))
    text = db.session.scalars(select(PublicText)).one()
    assert normalise_spaces(listing.select_one(f"#text-{text.id} .govuk-tag")) == "Draft"
    version = listing.select_one(f"#text-{text.id} input[name=version]")["value"]
    approve = f"/plans/{plan.id}/public-page/texts/{text.id}/approve"
    assert client.post(approve, data={"csrf_token": token, "version": "0"}).status_code == 302
    assert "changed since you read it" in normalise_spaces(page_of(client.get(f"/plans/{plan.id}/public-page")))
    client.post(approve, data={"csrf_token": token, "version": version})
    listing = page_of(client.get(f"/plans/{plan.id}/public-page"))
    assert normalise_spaces(listing.select_one(f"#text-{text.id} .govuk-tag")) == "Approved"

    assert client.post(f"/plans/{plan.id}/public-page/publish", data={"csrf_token": token}).status_code == 302
    address = page_of(client.get(f"/plans/{plan.id}/public-page")).select_one("#public-address")["href"]
    assert client.get(f"/plans/{plan.id}/public-page/withdraw").status_code == 200
    assert client.post(f"/plans/{plan.id}/public-page/withdraw", data={"csrf_token": token}).status_code == 302
    assert client.get(address).status_code == 404

    events = db.session.scalars(
        select(AuditEvent.event).where(AuditEvent.user_id == editor.id).order_by(AuditEvent.id)
    ).all()
    assert events == ["public_text.written", "public_text.approved", "public_page.published", "public_page.withdrawn"]


def test_leads_and_viewers_cannot_reach_the_officer_page(client, built, login_as):
    plan, *_ = built
    login_as("lead")
    assert client.get(f"/plans/{plan.id}/public-page").status_code == 403
    assert "Public page" not in client.get(f"/plans/{plan.id}").get_data(as_text=True)


def build_plan_of(actions: int):
    plan = create_plan(title=f"Plan of {actions}")
    period = create_period(plan=plan, label="P1")
    officer = create_user(level="editor")
    for p in (1, 2):
        priority = create_priority(plan=plan, number=p, title=f"Priority {p}")
        for n in range(actions):
            action = create_action(priority=priority, ref=f"{p}.1.{n}")
            create_update(action=action, period=period, rag=("red", "green", "blue")[n % 3])
        approved_summary(plan, priority, officer, body=f"Summary {p}")
    page = publishing.publish(plan, officer)
    db.session.commit()
    return page


def test_the_public_pages_query_count_does_not_grow_with_the_number_of_actions(client, database, count_queries):
    small, large = build_plan_of(2), build_plan_of(60)
    for suffix in ("", "/print", "/feed.atom"):
        counts = []
        for page in (small, large):
            with count_queries() as counted:
                assert client.get(f"/public/{page.slug}{suffix}").status_code == 200
            counts.append(counted())
        assert counts[0] == counts[1] <= 2, suffix


def test_two_app_servers_show_the_same_page_and_both_stop_when_it_is_withdrawn(app, built, tmp_path):
    first, second = (build_server(app, tmp_path / name) for name in ("first", "second"))
    plan, priority, _, officer = built
    page = published(built)
    readers = [first.test_client(), second.test_client()]
    assert all(SUMMARY in reader.get(f"/public/{page.slug}").get_data(as_text=True) for reader in readers)

    text = db.session.scalars(select(PublicText)).one()
    publishing.write_text(plan, priority, "summary", body="Waits halved", you_said=None, user=officer, text=text)
    publishing.approve_text(plan, text, publishing.text_state(text).latest.id, officer)
    db.session.commit()
    assert all("Waits halved" in reader.get(f"/public/{page.slug}").get_data(as_text=True) for reader in readers)

    publishing.withdraw(plan, officer)
    db.session.commit()
    assert [reader.get(f"/public/{page.slug}").status_code for reader in readers] == [404, 404]
    for server in (first, second):
        with server.app_context():
            db.engine.dispose()


def test_a_removed_item_leaves_the_published_page_at_once_and_its_history_stays(client, built, login_as):
    plan, priority, _, officer = built
    item = publishing.write_text(
        plan, priority, "said_did", body="We opened a helpline", you_said="No one answers", user=officer
    )
    publishing.approve_text(plan, item, publishing.text_state(item).latest.id, officer)
    page = published(built)
    assert "We opened a helpline" in public_text(client, f"/public/{page.slug}")

    login_as("editor", email="eddie@example.org")
    remove = f"/plans/{plan.id}/public-page/texts/{item.id}/remove"
    confirm = page_of(client.get(remove))
    assert "We opened a helpline" in normalise_spaces(confirm)
    client.post(remove, data={"csrf_token": csrf_token_from(str(confirm))})

    assert "We opened a helpline" not in public_text(client, f"/public/{page.slug}")
    assert f"text-{item.id}" not in client.get(f"/plans/{plan.id}/public-page").get_data(as_text=True)
    assert client.get(remove).status_code == 404
    assert db.session.scalars(select(PublicTextVersion.body).where(PublicTextVersion.text_id == item.id)).all() == [
        "We opened a helpline"
    ]


def test_writing_a_text_for_families_counts_as_recorded_in_the_app_so_the_plan_is_not_deleted(built):
    plan, priority, _, officer = built
    before = plan_archive.footprint(plan).app_events
    publishing.write_text(plan, priority, "summary", body="Plain words", you_said=None, user=officer)
    db.session.commit()
    assert plan_archive.footprint(plan).app_events == before + 1
