"""The demo plan's public page (the Shropshire workbook: 66 actions, named role holders, long narratives) shows
what was approved and no one's name: not a role holder's, a user's or the officer's, nor any progress narrative."""

from sqlalchemy import func, select

from tests.conftest import page_of
from wsoa.extensions import db
from wsoa.models import Kpi, Plan, Priority, ProgressUpdate, PublicText, PublicTextVersion, Role, RoleHolder, User
from wsoa.services import publishing


def test_the_demo_plans_public_page_names_no_one_and_shows_no_narrative_or_draft(app, client, database):
    assert app.test_cli_runner().invoke(args=["load-demo"]).exit_code == 0
    plan = db.session.scalars(select(Plan)).one()
    officer = db.session.scalars(select(User).where(User.level == "editor")).first()
    people = {
        name
        for query in (select(Role.person), select(RoleHolder.person), select(User.name))
        for name in db.session.scalars(query)
        if name
    }
    assert len(people) >= 5, "the demo has named role holders and users to leave out"
    priorities = db.session.scalars(select(Priority).where(Priority.plan_id == plan.id)).all()
    for priority in priorities:
        text = publishing.write_text(
            plan, priority, "summary", body=f"Plain summary {priority.number}", you_said=None, user=officer
        )
        publishing.approve_text(plan, text, publishing.text_state(text).latest.id, officer)
    lead = next(iter(sorted(db.session.scalars(select(Role.person).where(Role.person.is_not(None))))))
    draft = PublicText(plan_id=plan.id, priority_id=priorities[0].id, kind="said_did")
    db.session.add(draft)
    db.session.flush()
    db.session.add(PublicTextVersion(text_id=draft.id, you_said="Unapproved", body=f"{lead} will sort it"))
    kpis = db.session.scalars(select(Kpi.id).join(Priority).where(Priority.plan_id == plan.id)).all()
    publishing.choose_kpis(plan, list(kpis), officer)
    page = publishing.publish(plan, officer)
    db.session.commit()

    html = page_of(client.get(f"/public/{page.slug}")).get_text(" ")
    feed = client.get(f"/public/{page.slug}/feed.atom").get_data(as_text=True)
    assert all(f"Plain summary {p.number}" in html for p in priorities)
    narratives = db.session.scalars(
        select(ProgressUpdate.narrative).where(func.length(ProgressUpdate.narrative) > 40).limit(200)
    ).all()
    assert narratives
    for secret in [*people, *narratives, "Unapproved", "will sort it"]:
        assert secret not in html, secret
        assert secret not in feed, secret
