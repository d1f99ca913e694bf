"""Build the importer's corpus: workbooks laid out as published council plans lay them out, each with its expected import.

    .venv/bin/python tests/importing/corpus/build_corpus.py

Each workbook follows the layout of a published plan, not the shared Shropshire sample: an Accelerated Progress Plan
with an areas-of-weakness list and one sheet per area (Central Bedfordshire's six areas, 2019-22), York's "Area for
Improvement" tables with start and end dates and a RAG column per review, Worcestershire's work streams as two tables
on one sheet, Leicester's "Area N" sheets with an initials glossary, a plan with RAG as fill colour only, a plan with
a "current position" column beside dated progress, one whose headings nobody listed (nonsense words) and one with no
heading row at all. The wording is paraphrased from the published plans; names and figures are made up.

The expected import is written from the same rows the workbook is built from, not by running the importer, so the
corpus test (tests/importing/test_corpus.py) scores the importer against what the sheet says. Re-running the script
rewrites the .xlsx and .json files; they are committed so the tests need not build them.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill

HERE = Path(__file__).parent
FILLS = {
    "red": PatternFill("solid", fgColor="FFFF0000"),
    "amber": PatternFill("solid", fgColor="FFFFC000"),
    "green": PatternFill("solid", fgColor="FF00B050"),
    "blue": PatternFill("solid", fgColor="FF0070C0"),
}


@dataclass
class Expected:
    name: str
    source: str
    layout: str
    sheets: dict[str, str] = field(default_factory=dict)
    priorities: dict[str, str | None] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    actions: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: bool = False

    def action(self, sheet, ref, priority, outcome, title, due_text, lead, updates=()):
        self.actions.append(
            {
                "sheet": sheet,
                "ref": ref,
                "priority": priority,
                "outcome": outcome,
                "title": title,
                "due_text": due_text,
                "lead": lead,
                "updates": [{"period": p, "rag": r, "progress": t} for p, r, t in updates],
            }
        )

    def document(self) -> dict:
        return {
            "workbook": f"{self.name}.xlsx",
            "source": self.source,
            "layout": self.layout,
            "sheets": self.sheets,
            "priorities": self.priorities,
            "outcomes": self.outcomes,
            "actions": self.actions,
            "problems": self.problems,
            "notes": self.notes,
            "refused": self.refused,
        }


# -- 1. An Accelerated Progress Plan: a list of the areas of weakness, one sheet per area --------------------------


AREAS = {
    1: "Existing EHC plans are not of sufficient quality to ensure that needs are identified and met",
    2: "Leaders do not have sufficient oversight of the quality of new EHC plans",
    3: "Area leaders do not share an understanding of the outcomes they want for children and young people with SEND",
}
APP_ACTIONS = {
    1: [
        (
            "1.1",
            "Audit a sample of existing EHC plans each month against the co-produced quality standards",
            "HoSEND",
            "Monthly from Sep 22",
            "Green",
        ),
        (
            "1.2",
            "Re-write the plans the audit rates inadequate, with the family, at their next annual review",
            "SENM",
            "Mar 23",
            "Amber",
        ),
        (
            "1.3",
            "Train every EHC coordinator in writing outcomes that are specific and measurable",
            "PEP",
            "Dec 22",
            "Blue",
        ),
    ],
    2: [
        (
            "2.1",
            "Set up a multi-agency quality assurance group that reports each quarter to the SEND board",
            "DCS",
            "Oct 22",
            "Green",
        ),
        (
            "2.2",
            "Publish a quality assurance framework on the Local Offer with the parent carer forum",
            "HoSEND",
            "Nov 22",
            "Green",
        ),
    ],
    3: [
        (
            "3.1",
            "Agree a shared outcomes framework across education, health and care with families",
            "DCS",
            "Jan 23",
            "Amber",
        ),
        (
            "3.2",
            "Report progress against the outcomes framework to the SEND board every term",
            "DCO",
            "Termly from Apr 23",
            "Red",
        ),
    ],
}


def app_areas_of_weakness() -> tuple[Workbook, Expected]:
    expected = Expected(
        "app-areas-of-weakness",
        "Central Bedfordshire local area SEND Accelerated Progress Plan (approved January 2023): three remaining areas "
        "of weakness after the July 2022 revisit",
        "an areas-of-weakness list sheet, then one sheet per area headed No. | What we are doing | Responsible lead | "
        "Timescale | RAG",
    )
    workbook = Workbook()
    listing = workbook.active
    listing.title = "Areas of weakness"
    listing.append(["Accelerated Progress Plan: SEND"])
    listing.append([])
    listing.append(["No.", "Area of weakness"])
    for number, title in AREAS.items():
        listing.append([number, title])
    expected.sheets["Areas of weakness"] = "priorities list"
    for number, rows in APP_ACTIONS.items():
        sheet = workbook.create_sheet(f"Area {number}")
        sheet.append(["No.", "What we are doing", "Responsible lead", "Timescale", "RAG"])
        for ref, action, lead, due, rag in rows:
            sheet.append([ref, action, lead, due, rag])
            expected.action(sheet.title, ref, number, None, action, due, lead, [(None, rag.lower(), None)])
        expected.sheets[sheet.title] = "action table"
        expected.priorities[str(number)] = AREAS[number]
    return workbook, expected


# -- 2. York: "Area for Improvement" banners, start and end dates, one RAG column per review ------------------------


YORK_HEADINGS = ["Number", "Action", "Start date", "End date", "Lead", "Measures of success", "RAG May 20",
                 "RAG Aug 20", "RAG Nov 20"]  # fmt: skip
YORK = {
    4: (
        "EHC assessment and planning: the inconsistent quality and contribution of health partners",
        [
            (
                "4.1.1",
                "Co-produce a quality assurance framework with standards agreed across education, health and "
                "social care",
                "Jun 20",
                "Sep 20",
                "CCG",
                "98% of audited plans are compliant",
                ["Amber", "Green", "Blue"],
            ),
            (
                "4.1.2",
                "Establish a SEND case auditing tool and audit ten plans a month",
                "Jul 20",
                "Dec 20",
                "HoSEND",
                "Audit results reported monthly",
                ["Red", "Amber", "Green"],
            ),
            (
                "4.2.1",
                "Gather feedback from children, young people and families on every new plan",
                "Sep 20",
                "Mar 21",
                "PCF",
                "Satisfaction above 90%",
                [None, "Amber", "Amber"],
            ),
        ],
    ),
    5: (
        "Joint commissioning: leaders have not used what they know about need to commission services",
        [
            (
                "5.1.1",
                "Produce a joint strategic needs assessment chapter on SEND",
                "Jun 20",
                "Jan 21",
                "DPH",
                "Chapter published",
                ["Green", "Green", "Green"],
            ),
            (
                "5.1.2",
                "Agree a joint commissioning plan for speech and language therapy",
                "Sep 20",
                "Apr 21",
                "CCG",
                "Plan agreed by both boards",
                [None, None, "Amber"],
            ),
        ],
    ),
}


def york_area_for_improvement() -> tuple[Workbook, Expected]:
    expected = Expected(
        "york-area-for-improvement",
        "City of York local area SEND Written Statement of Action (2020), Area for Improvement tables",
        "one sheet per area, an 'Area for Improvement N' banner above a table with Number, start and end dates and a "
        "RAG column for each review; refs three levels deep and no outcome rows",
    )
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, (title, rows) in YORK.items():
        sheet = workbook.create_sheet(f"AfI {number}")
        sheet.append([f"Area for Improvement {number}"])
        sheet.append([title])
        sheet.append([])
        sheet.append(YORK_HEADINGS)
        for ref, action, start, end, lead, measure, rags in rows:
            sheet.append([ref, action, start, end, lead, measure, *rags])
            periods = ["May 20", "Aug 20", "Nov 20"]
            updates = [(period, rag.lower(), None) for period, rag in zip(periods, rags, strict=True) if rag]
            outcome = ".".join(ref.split(".")[:2])
            expected.action(sheet.title, ref, number, outcome, action, end, lead, updates)
            expected.outcomes[outcome] = number
        expected.sheets[sheet.title] = "action table"
        expected.priorities[str(number)] = title
    expected.notes.append("worked out from the actions' refs")
    return workbook, expected


# -- 3. Worcestershire: work streams as two tables on one sheet, each with its own headings -------------------------


def worcestershire_two_tables() -> tuple[Workbook, Expected]:
    expected = Expected(
        "worcestershire-work-streams",
        "Worcestershire local area SEND Written Statement of Action (July 2018), work streams one and two",
        "one sheet holding two tables, each under a 'Work stream' banner with its own heading row: "
        "Ref | Action | Lead | By when | Progress Jan 19, then Action No | Key actions | Lead officer | Target date | "
        "Status | Update",
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(["Worcestershire Local Area SEND Action Plan"])
    sheet.append([])
    sheet.append(["Work stream One - The Local Offer"])
    sheet.append(["Ref", "Action", "Lead", "By when", "Progress Jan 19"])
    one = [
        (
            "1.1",
            "Review the Local Offer website with parents and carers and publish what changed",
            "LOM",
            "Dec 18",
            "Review completed with 40 families; changes published in December",
        ),
        (
            "1.2",
            "Publish the SEND support each school provides in one place on the Local Offer",
            "LOM",
            "Mar 19",
            "Half of schools have sent their information",
        ),
    ]
    for ref, action, lead, due, progress in one:
        sheet.append([ref, action, lead, due, progress])
        expected.action("Action plan", ref, 1, None, action, due, lead, [("Jan 19", None, progress)])
    sheet.append([])
    sheet.append(["Work stream Two - Embedding the Graduated Response"])
    sheet.append(["Action No", "Key actions", "Lead officer", "Target date", "Status", "Update"])
    two = [
        (
            "2.1",
            "Agree a graduated response toolkit with schools and early years settings",
            "SEP",
            "Apr 19",
            "Green",
            "Toolkit drafted with the SENCO network",
        ),
        (
            "2.2",
            "Train every SENCO in the toolkit through termly network meetings",
            "SEP",
            "Summer term 2019",
            "Amber",
            "First two sessions held; the third moved to June",
        ),
        ("2.3", "Audit the use of the toolkit in a sample of twenty schools", "SEIA", "Jul 19", "Not started", None),
    ]
    for ref, action, lead, due, status, update in two:
        sheet.append([ref, action, lead, due, status, update])
        rating = {"Green": "green", "Amber": "amber"}.get(status)
        updates = [(None, rating, update)] if (rating or update) else []
        expected.action("Action plan", ref, 2, None, action, due, lead, updates)
    expected.sheets["Action plan"] = "action table"
    expected.priorities = {"1": None, "2": None}
    return workbook, expected


# -- 4. Leicester: an initials glossary, a contents list of areas, "Area N" sheets -----------------------------------


LEICESTER_AREAS = {
    1: "The lack of strategic planning to improve the outcomes for children and young people with SEND",
    2: "The poor quality of EHC plans",
}


def leicester_areas_and_initials() -> tuple[Workbook, Expected]:
    expected = Expected(
        "leicester-areas-and-initials",
        "Leicester City Council and Leicester City CCG Written Statement of Action, SEND Improvement Board (Oct 2018)",
        "an initials and designation glossary, a contents sheet listing the areas, and 'Area N' sheets headed "
        "Ref | Action | Who | When | Evidence of impact | BRAG, leads given as initials",
    )
    workbook = Workbook()
    glossary = workbook.active
    glossary.title = "Initials"
    glossary.append(["Initials", "Name", "Role"])
    people = [("AN", "A. Nazir", "Head of SEN"), ("JB", "J. Brown", "Designated Clinical Officer"),
              ("KM", "K. Murray", "Principal Educational Psychologist")]  # fmt: skip
    for row in people:
        glossary.append(list(row))
    expected.sheets["Initials"] = "key-roles glossary"
    contents = workbook.create_sheet("Contents")
    contents.append(["Written Statement of Action"])
    contents.append([])
    for number, title in LEICESTER_AREAS.items():
        contents.append([f"Area {number}", title])
    expected.sheets["Contents"] = "priorities list"
    rows = {
        1: [
            (
                "1.1",
                "Publish a SEND strategy co-produced with families and agreed by all partners",
                "AN",
                "Jan 19",
                "Strategy published and signed by the three partners",
                "G",
            ),
            (
                "1.2",
                "Set up a SEND improvement board with an independent chair",
                "AN",
                "Nov 18",
                "Board meets monthly",
                "B",
            ),
        ],
        2: [
            (
                "2.1",
                "Introduce multi-agency panels to agree the content of each new EHC plan",
                "JB",
                "Feb 19",
                "Panel minutes show health advice in every plan",
                "A",
            ),
            (
                "2.2",
                "Provide training in writing outcomes for every plan writer",
                "KM",
                "Mar 19",
                "Audit shows outcomes are SMART",
                "R",
            ),
        ],
    }
    for number, actions in rows.items():
        sheet = workbook.create_sheet(f"Area {number}")
        sheet.append([f"Area {number}: {LEICESTER_AREAS[number]}"])
        sheet.append(["Ref", "Action", "Who", "When", "Evidence of impact", "BRAG"])
        for ref, action, lead, due, evidence, rag in actions:
            sheet.append([ref, action, lead, due, evidence, rag])
            rating = {"G": "green", "B": "blue", "A": "amber", "R": "red"}[rag]
            expected.action(sheet.title, ref, number, None, action, due, lead, [(None, rating, None)])
        expected.sheets[sheet.title] = "action table"
        expected.priorities[str(number)] = LEICESTER_AREAS[number]
    return workbook, expected


# -- 5. RAG as fill colour only, under a heading nobody listed ------------------------------------------------------


def fill_only_rag() -> tuple[Workbook, Expected]:
    expected = Expected(
        "fill-only-rag",
        "Staffordshire local area SEND Accelerated Progress Plan (April 2022), priority 1",
        "one flat sheet whose RAG column ('Overall') holds no words, only red, amber, green and blue fills",
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "APP"
    sheet.append(["Staffordshire Accelerated Progress Plan"])
    sheet.append(["Ref", "Action", "Lead", "Target date", "Overall", "Progress"])
    rows = [
        (
            "1.1.1",
            "Agree roles and responsibilities for SEND across education, health and social care",
            "AD",
            "May 22",
            "green",
            "Roles agreed at the partnership board in May",
        ),
        (
            "1.1.2",
            "Publish a governance structure showing how each board holds the others to account",
            "AD",
            "Jun 22",
            "blue",
            "Published on the Local Offer",
        ),
        (
            "1.2.1",
            "Share what works well through a termly practice forum for all partners",
            "DCO",
            "Sep 22",
            "amber",
            "First forum held; attendance from health was low",
        ),
        (
            "1.2.2",
            "Report progress against the plan to families through a quarterly newsletter",
            "PCF",
            "Oct 22",
            "red",
            "Not yet started: newsletter editor not appointed",
        ),
    ]
    for ref, action, lead, due, colour, progress in rows:
        sheet.append([ref, action, lead, due, None, progress])
        sheet.cell(sheet.max_row, 5).fill = FILLS[colour]
        expected.action("APP", ref, 1, ".".join(ref.split(".")[:2]), action, due, lead, [(None, colour, progress)])
    expected.sheets["APP"] = "action table"
    expected.priorities = {"1": None}
    expected.outcomes = {"1.1": 1, "1.2": 1}
    expected.notes.append("worked out from the actions' refs")
    return workbook, expected


# -- 6. A "current position" column beside dated progress -----------------------------------------------------------


def current_position() -> tuple[Workbook, Expected]:
    expected = Expected(
        "current-position",
        "Cumbria local area SEND Written Statement of Action (August 2019), areas of concern",
        "'AoW N' sheets with progress for two dated reviews and an undated 'Current position' column; the latest "
        "dated review's progress must stay the latest",
    )
    workbook = Workbook()
    workbook.remove(workbook.active)
    headings = ["Ref", "Action", "Lead", "Completion date", "Progress Mar 20", "Progress Jun 20", "Current position",
                "RAG"]  # fmt: skip
    areas = {
        1: ("Understanding of need", [
            ("1.1", "Produce a SEND needs analysis from education, health and care data", "HoS", "Mar 20",
             "Data gathered", "Analysis drafted", "Analysis shared with the board in July", "Green"),
            ("1.2", "Share the needs analysis with schools and the parent carer forum", "HoS", "Jul 20",
             None, "Sessions booked", "Two sessions held", "Amber"),
        ]),
        2: ("Joint working, planning and commissioning", [
            ("2.1", "Agree a joint commissioning framework between the council and the CCG", "CCG", "Sep 20",
             "Framework drafted", "Framework out for comment", "Awaiting sign-off", "Amber"),
        ]),
    }  # fmt: skip
    for number, (title, rows) in areas.items():
        sheet = workbook.create_sheet(f"AoW {number}")
        sheet.append([f"Area of concern {number}: {title}"])
        sheet.append(headings)
        for ref, action, lead, due, march, june, current, rag in rows:
            sheet.append([ref, action, lead, due, march, june, current, rag])
            updates = [(None, rag.lower(), current)]
            if march:
                updates.append(("Mar 20", None, march))
            if june:
                updates.append(("Jun 20", None, june))
            expected.action(sheet.title, ref, number, None, action, due, lead, updates)
        expected.sheets[sheet.title] = "action table"
        expected.priorities[str(number)] = title
    expected.problems.append("Progress column 'Current position' names no review period")
    return workbook, expected


# -- 7. Headings nobody listed: the columns are read from their cells -----------------------------------------------

NONSENSE = ["Zorb", "Quibble", "Fandango", "Wibble", "Snark", "Blither"]


def unknown_headings(headings=None, name="unknown-headings") -> tuple[Workbook, Expected]:
    expected = Expected(
        name,
        "Northumberland local area SEND Written Statement of Action (March 2019), priorities 1 and 2",
        "'Priority N' sheets whose headings are words no synonym list holds; refs three levels deep, leads as the "
        "glossary's codes, timescales as text, RAG words, progress naming its month",
    )
    workbook = Workbook()
    glossary = workbook.active
    glossary.title = "Key roles"
    glossary.append(["Code", "Role", "Organisation"])
    for code, role, organisation in [("DCS", "Director of Children's Services", "Council"),
                                     ("DCO", "Designated Clinical Officer", "CCG"),
                                     ("HoSEND", "Head of SEND", "Council")]:  # fmt: skip
        glossary.append([code, role, organisation])
    expected.sheets["Key roles"] = "key-roles glossary"
    priorities = {
        1: [
            (
                "1.1.1",
                "Bring together a SEND partnership board with education, health, care and parent carers",
                "DCS",
                "Dec 19",
                "Green",
                "In March 2020 the board met for the third time and agreed its plan",
            ),
            (
                "1.1.2",
                "Agree a single self-evaluation of SEND across the area, updated every term",
                "DCS",
                "Spring term 2020",
                "Amber",
                "In March 2020 the first draft was shared with partners",
            ),
            (
                "1.2.1",
                "Publish the area's SEND strategy with the outcomes families told us matter",
                "HoSEND",
                "Apr 20",
                "Red",
                "Delayed to May 2020: the consultation was extended by a month",
            ),
        ],
        2: [
            (
                "2.1.1",
                "Make sure health advice for EHC needs assessments arrives within six weeks",
                "DCO",
                "Jan 20",
                "Green",
                "In March 2020 92% of advice arrived within six weeks",
            ),
            (
                "2.1.2",
                "Train health practitioners in writing advice that names outcomes",
                "DCO",
                "Mar 20",
                "Blue",
                "Completed in March 2020: 120 practitioners trained",
            ),
        ],
    }
    for number, rows in priorities.items():
        sheet = workbook.create_sheet(f"Priority {number}")
        sheet.append(headings or NONSENSE)
        for ref, action, lead, due, rag, progress in rows:
            sheet.append([ref, action, lead, due, rag, progress])
            outcome = ".".join(ref.split(".")[:2])
            expected.action(sheet.title, ref, number, outcome, action, due, lead, [(None, rag.lower(), progress)])
            expected.outcomes[outcome] = number
        expected.sheets[sheet.title] = "action table"
        expected.priorities[str(number)] = None
    expected.notes.append("worked out from the actions' refs")
    return workbook, expected


# -- 8. No heading row at all, refs with a letter ------------------------------------------------------------------


def no_heading_row() -> tuple[Workbook, Expected]:
    expected = Expected(
        "no-heading-row",
        "Central Bedfordshire local area SEND Written Statement of Action (2020), quality and oversight of EHC plans",
        "a title and then rows straight away, with no heading row; refs written Q1.1 (a letter and numbers)",
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Quality of EHC plans"
    sheet.append(["Priority action plan: quality and oversight of EHC plans"])
    sheet.append([])
    rows = [
        (
            "Q1.1",
            "Develop a quality assurance framework with the parent carer forum and publish it",
            "HoSEND",
            "Jun 21",
            "Blue",
            "Framework published on the Local Offer with four strands",
        ),
        (
            "Q1.2",
            "Hold a quarterly multi-agency group that audits plans, annual reviews and timeliness",
            "HoSEND",
            "Sep 21",
            "Green",
            "The group has met twice and audited 48 plans",
        ),
        (
            "Q1.3",
            "Recruit six EHC plan coordinators and three SEND officers",
            "SENM",
            "Dec 21",
            "Amber",
            "Four coordinators in post; the rest advertised",
        ),
        (
            "Q1.4",
            "Give every SEND officer and social worker training in what an outstanding plan looks like",
            "PEP",
            "Mar 22",
            "Red",
            "Training paused while the trainer is off sick",
        ),
    ]
    for ref, action, lead, due, rag, progress in rows:
        sheet.append([ref, action, lead, due, rag, progress])
        expected.action(sheet.title, ref, 1, None, action, due, lead, [(None, rag.lower(), progress)])
    expected.sheets[sheet.title] = "action table"
    expected.priorities = {"1": "Quality of EHC plans"}
    expected.problems.append("has no priority column, banner or numbered refs")
    return workbook, expected


# -- not scored: a workbook with no readable table, which must be refused ------------------------------------------


def no_readable_table() -> tuple[Workbook, Expected]:
    expected = Expected(
        "no-readable-table",
        "made up: a plan's cover, a narrative and a budget, with no action table anywhere",
        "refused: no sheet holds actions",
        refused=True,
    )
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover.append(["Local Area SEND Improvement Plan 2023"])
    narrative = workbook.create_sheet("Our journey")
    narrative.append(["We have listened to families and this plan sets out what we will change."])
    budget = workbook.create_sheet("Budget")
    for row in (["Line", "2022/23", "2023/24"], ["Staffing", 120000, 130000], ["Training", 20000, 25000],
                ["Total", 140000, 155000]):  # fmt: skip
        budget.append(row)
    expected.sheets = {"Cover": "cover", "Our journey": "notes", "Budget": "skipped"}
    return workbook, expected


BUILDERS = [
    app_areas_of_weakness,
    york_area_for_improvement,
    worcestershire_two_tables,
    leicester_areas_and_initials,
    fill_only_rag,
    current_position,
    unknown_headings,
    no_heading_row,
    no_readable_table,
]


def main() -> None:
    for build in BUILDERS:
        workbook, expected = build()
        workbook.save(HERE / f"{expected.name}.xlsx")
        text = json.dumps(expected.document(), ensure_ascii=False, indent=2) + "\n"
        (HERE / f"{expected.name}.expected.json").write_text(text, encoding="utf-8")
        print(f"{expected.name}: {len(expected.actions)} actions")  # noqa: T201 - a script run by hand


if __name__ == "__main__":
    main()
