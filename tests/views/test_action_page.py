"""The action page shows every field an imported action has, and its history newest first."""

from openpyxl import Workbook
from sqlalchemy import select

from tests.conftest import normalise_spaces, page_of
from tests.importing.workbooks import STANDARD_HEADINGS, priority_sheet, save
from wsoa.extensions import db
from wsoa.importing.workbook import read_workbook
from wsoa.models import Action
from wsoa.services.imports import file_hash, import_parsed_plan

HEADINGS = [
    *STANDARD_HEADINGS[:7],
    "Progress Nov 20",
    "RAG Nov 20",
    "Progress Mar 21",
    "RAG Mar 21",
    "Evidence folder",  # two headings no synonym names: kept as extra fields
    "Board member notes",
]


def import_plan() -> Action:
    workbook = Workbook()
    workbook.remove(workbook.active)
    # fmt: off
    priority_sheet(
        workbook, 1, "Weak strategic leadership",
        outcomes=[["1.1", "Leaders know the area's needs"]],
        headings=HEADINGS,
        rows=[
            ["1.1", "Governance"],
            ["1.1.1", "Co-produce the local offer\n• with families\n• with schools", "Sept 21 (subject to funding)",
             "DCS", "Parent carer forum, schools", "£10,000 and officer time", "Families say the offer helps",
             "Workshops planned", "Amber", "Workshops held in March", "Green", "SharePoint > WSoA > 1.1.1",
             "Raised at the June board\nFollow up in July"],
            ["1.1.2", "Another action", "Dec 20", "DoP", None, None, None, None, None, None, None, None, None],
        ],
    )
    # fmt: on
    roles = workbook.create_sheet("Key roles")
    roles.append(["Code", "Role", "Organisation", "Name"])
    roles.append(["DCS", "Director of Children's Services", "Testshire Council", "Karen Bradshaw"])
    roles.append(["DoP", "Director of Partnerships", "Testshire ICB", "Claire Parker"])
    content = save(workbook)
    import_parsed_plan(read_workbook(content), file_name="plan.xlsx", content_hash=file_hash(content))
    db.session.commit()
    return db.session.scalar(select(Action).where(Action.ref == "1.1.1"))


def summary_rows(page) -> dict[str, str]:
    """The action's own summary list (not the update cards'): heading → value as a reader sees it."""
    summary = page.select_one("main dl.govuk-summary-list")
    return {
        normalise_spaces(row.select_one("dt")): normalise_spaces(row.select_one("dd"))
        for row in summary.select(":scope > .govuk-summary-list__row")
    }


def test_an_imported_action_shows_every_field_and_its_history_newest_first(client, login_as):
    action = import_plan()
    login_as("viewer")

    page = page_of(client.get(f"/actions/{action.id}"))

    assert normalise_spaces(page.select_one("h1")) == "Action 1.1.1"
    assert "Co-produce the local offer\n• with families\n• with schools" in page.select_one("main").get_text()
    rows = summary_rows(page)
    due = rows["Completion date"]
    assert due.startswith("Sept 21 (subject to funding)"), "the date as the plan wrote it"
    assert "30 Sep 2021" in due, "and the date derived from it"
    assert "Note: subject to funding" in due
    assert rows["Lead"].startswith("DCS (Karen Bradshaw)"), "the lead code with the person the glossary names"
    assert "Director of Children's Services" in rows["Lead"]
    assert rows["Delivery partners"] == "Parent carer forum, schools"
    assert rows["Resources"] == "£10,000 and officer time"
    assert rows["How will we know?"] == "Families say the offer helps"
    assert rows["Evidence folder"] == "SharePoint > WSoA > 1.1.1"
    assert rows["Board member notes"] == "Raised at the June board Follow up in July"
    assert rows["Current RAG"] == "Green"

    cards = page.select(".govuk-summary-card")
    titles = [normalise_spaces(card.select_one(".govuk-summary-card__title")) for card in cards]
    assert [title.split(" · ")[0] for title in titles] == ["Mar 21", "Nov 20"], "newest first"
    tags = [normalise_spaces(card.select_one(".govuk-summary-card__title .govuk-tag")) for card in cards]
    assert tags == ["Green", "Amber"], "each rating as a word, not only a colour"
    progress = [normalise_spaces(card.select_one(".govuk-summary-card__content")) for card in cards]
    assert "Progress Workshops held in March" in progress[0]
    assert "Progress Workshops planned" in progress[1]
