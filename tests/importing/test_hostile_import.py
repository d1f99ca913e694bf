"""Hostile and very long workbook text through the real import into the database, on SQLite and on PostgreSQL.

Whatever a workbook holds, the import stores its text whole, or refuses with one line and writes nothing; it never
fails with a database error. The reader's own property tests (parse only) are in test_hostile_input.py.
"""

from dataclasses import asdict
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError

from tests.importing.workbooks import flat_plan, save
from wsoa.extensions import db
from wsoa.importing.workbook import read_workbook
from wsoa.models import Action, AuditEvent, ImportBatch, Plan, Priority, ReviewPeriod, Role
from wsoa.models.types import KEY_TEXT_LIMIT
from wsoa.services import imports
from wsoa.services.imports import ImportRefused, file_hash, import_parsed_plan

WRITTEN_BY_AN_IMPORT = (Plan, Priority, Action, Role, ReviewPeriod, ImportBatch, AuditEvent)

# openpyxl refuses control characters in cells (Excel cannot hold them either); surrogates are not text; XML 1.0,
# and so a workbook, cannot hold the noncharacters U+FFFE and U+FFFF.
readable = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff")
hostile = st.sampled_from(
    [
        "=cmd|' /C calc'!A0",
        "'; DROP TABLE action; --",
        "<script>alert('x')</script>",
        "\u202eevil.exe",  # right-to-left override
        "e\u0301te\u0301",  # combining accents
        "\ufeffwith a byte order mark",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂 " * 40,  # four-byte characters, 440 of them
        "中文" * 700,
        "x" * 5000,
        "Dec 20 and ongoing",
        "_x0041_ is an escaped A",
    ]
)
# OOXML escapes for characters no database stores: read as a NUL and as half a surrogate pair.
unstorable = st.sampled_from(["before_x0000_after", "lone _xD800_ surrogate"])
text = st.one_of(st.text(readable, min_size=1, max_size=40), st.text(readable, min_size=300, max_size=3000), hostile)


@st.composite
def action_refs(draw, priority: int) -> str:
    # 1.x.x… with single digits is 1 + 2 × parts long: 249 parts is 499 characters, 250 is 501. (One part would
    # be an outcome ref, and a row with nothing but a title under it an outcome row rather than an action.)
    parts = draw(st.sampled_from([2, 12, 100, 249, 250, 400]))
    return ".".join([str(priority), *map(str, draw(st.lists(st.integers(1, 9), min_size=parts, max_size=parts)))])


@st.composite
def workbooks(draw) -> dict[str, Any]:
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        priority = draw(st.integers(1, 3))
        rows.append(
            [
                priority,
                draw(action_refs(priority)),
                "Do " + draw(text),  # a title in letters, so the row is always an action
                draw(st.one_of(st.none(), text)),
                draw(st.one_of(st.none(), text)),
                draw(st.one_of(st.none(), text, unstorable)),
                draw(st.sampled_from([None, "Red", "Amber", "Green", "Blue"])),
                draw(st.one_of(st.none(), text)),
            ]
        )
    period = draw(st.sampled_from(["Mar 21", "Q3 2021/22", "Spring term 2021", "September 2021"]))
    decoration = draw(st.text(readable, max_size=60).filter(lambda t: not any(c.isdigit() for c in t)))
    roles = draw(
        st.lists(
            st.tuples(
                st.one_of(st.text(readable, min_size=1, max_size=30), st.text(readable, min_size=400, max_size=900)),
                text,
                st.one_of(st.none(), text),
            ),
            max_size=3,
        )
    )
    return {
        "title": "Plan: " + draw(text),
        "update_heading": f"Update {decoration} {period}"[:120],
        "rows": rows,
        # As the reader trims cells: codes that start with a letter, and every row with a role beside its code.
        "roles": [(("R" + code).strip(), "Role " + title, person) for code, title, person in roles],
        "file_name": draw(st.one_of(st.just("plan.xlsx"), text.map(lambda t: t + ".xlsx"), st.just("a\x00b.xlsx"))),
    }


def build(spec: dict[str, Any]) -> bytes:
    headings = ["Priority", "Ref", "Action", "Deadline", "Owner", "Partners", "RAG", spec["update_heading"]]
    workbook: Workbook = flat_plan(spec["rows"], headings=headings, title=spec["title"])
    glossary = workbook.create_sheet("Key roles")
    glossary.append(["Code", "Role", "Name"])
    for role in spec["roles"]:
        glossary.append(list(role))
    return save(workbook)


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*strings_in(key), *strings_in(item))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings_in(item)]
    return []


def cannot_be_stored(text: str) -> bool:
    return any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in text)


def should_be_refused(parsed, file_name: str) -> bool:
    keys = [a.ref for a in parsed.actions] + [r.code or "" for r in parsed.roles] + list(parsed.review_periods)
    stored = strings_in(
        {
            k: v
            for k, v in asdict(parsed).items()
            if k not in ("column_mappings", "hidden_columns", "sheets", "columns", "notes")
        }
    )
    return any(len(key) > KEY_TEXT_LIMIT for key in keys) or any(map(cannot_be_stored, [*stored, file_name]))


def spec_codes(spec) -> list[str]:
    return [code for code, _, _ in spec["roles"]]


def rows_written() -> int:
    return sum(db.session.scalar(select(func.count()).select_from(model)) for model in WRITTEN_BY_AN_IMPORT)


def delete_every_row() -> None:
    """What the `database` fixture does after a test, here after every example."""
    db.session.rollback()
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def import_workbook(content: bytes, file_name: str, plan=None):
    result = import_parsed_plan(read_workbook(content), file_name=file_name, content_hash=file_hash(content), plan=plan)
    db.session.commit()
    return result


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(workbooks())
def test_hostile_and_long_text_is_imported_whole_or_refused_in_one_line(app, spec):
    content = build(spec)
    parsed = read_workbook(content)
    file_name = spec["file_name"]
    delete_every_row()
    try:
        if should_be_refused(parsed, file_name):
            with pytest.raises(ImportRefused) as refused:
                import_workbook(content, file_name)
            assert "\n" not in str(refused.value)
            event("refused")
            db.session.rollback()
            assert rows_written() == 0
            return

        result = import_workbook(content, file_name)
        plan = db.session.get(Plan, result.plan.id)
        assert plan.title == (parsed.title or file_name)
        assert db.session.scalar(select(ImportBatch.file_name)) == file_name
        stored = db.session.execute(
            select(Action.ref, Action.title, Action.due_text, Action.lead, Action.partners).order_by(Action.position)
        ).all()
        assert [tuple(row) for row in stored] == [
            (a.ref, a.title, a.due_text, a.lead, a.partners) for a in parsed.actions
        ]
        assert set(db.session.scalars(select(Role.code))) == {r.code for r in parsed.roles}
        assert set(db.session.scalars(select(ReviewPeriod.label))) == set(parsed.review_periods)
        # The generated refs and codes (parse-stable by construction) are in the database whole.
        assert {str(row[1]) for row in spec["rows"]} <= set(db.session.scalars(select(Action.ref)))
        assert set(spec_codes(spec)) <= set(db.session.scalars(select(Role.code)))

        longest = max(len(key) for key in (*db.session.scalars(select(Action.ref)), *spec_codes(spec)))
        event("imported, longest ref or code over 300 characters" if longest > 300 else "imported")

        again = import_workbook(content, file_name, plan=plan)  # merging by those refs finds every action
        assert (again.created_actions, again.changed_actions) == (0, 0)
    finally:
        delete_every_row()


# -- the cases the property test reaches at random, each on its own -------------------------------------------------


def test_a_25_character_ref_is_stored_whole(database):
    ref = "1.1.1.1.1.1.1.1.1.1.1.1.1"
    content = save(flat_plan([[1, ref, "Review the strategy", "Dec 20", "DCS", None, None, None]]))

    result = import_workbook(content, "plan.xlsx")

    assert result.created_actions == 1
    assert db.session.scalar(select(Action.ref)) == ref


def test_keys_up_to_the_limit_are_stored_whole_in_four_byte_characters(database):
    """Indexed text at the limit fits PostgreSQL's index even when every character takes four bytes in UTF-8."""
    ref = "1" + ".1" * ((KEY_TEXT_LIMIT - 4) // 2) + ".12"
    code = "𝔘" * KEY_TEXT_LIMIT
    workbook = flat_plan(
        [[1, ref, "Review the strategy", "Dec 20", code, None, "Green", "Started"]],
        headings=["Priority", "Ref", "Action", "Deadline", "Owner", "Partners", "RAG", "Update 🙂🙂 Mar 21"],
    )
    glossary = workbook.create_sheet("Key roles")
    glossary.append(["Code", "Role", "Name"])
    glossary.append([code, "𝔗" * 3000, "Ada " + "𝔏" * 3000])
    content = save(workbook)

    import_workbook(content, "🙂" * 2000 + ".xlsx")

    assert len(ref) == KEY_TEXT_LIMIT
    assert db.session.scalar(select(Action.ref)) == ref
    role = db.session.scalar(select(Role))
    assert (role.code, role.title, role.person) == (code, "𝔗" * 3000, "Ada " + "𝔏" * 3000)
    assert db.session.scalar(select(ImportBatch.file_name)) == "🙂" * 2000 + ".xlsx"
    assert db.session.scalar(select(func.count()).select_from(Action).where(Action.lead == code)) == 1


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ([1, "1" + ".1" * KEY_TEXT_LIMIT, "Do it", None, None, None, None, None], "the action ref is 1,001 characters"),
        ([1, "1.1.1", "Do it", None, "before_x0000_after", None, None, None], "cannot be stored (U+0000)"),
        ([1, "1.1.1", "Do it", None, None, None, None, "lone _xDC00_ half"], "cannot be stored (U+DC00)"),
        ([2**31, "1.1.1", "Do it", None, None, None, None, None], "priority 2147483648 is too large"),
    ],
    ids=["long-ref", "nul", "surrogate", "huge-priority"],
)
def test_what_the_database_cannot_store_is_refused_in_one_line_and_nothing_is_written(database, row, reason):
    content = save(flat_plan([row]))

    with pytest.raises(ImportRefused) as refused:
        import_workbook(content, "plan.xlsx")

    message = str(refused.value)
    assert reason in message
    assert message.startswith("Action plan row 4: ")
    assert message.endswith("correct the workbook and import it again. Nothing was imported")
    db.session.rollback()
    assert rows_written() == 0


def test_a_nul_in_the_file_name_is_refused(database):
    content = save(flat_plan([[1, "1.1.1", "Do it", None, None, None, None, None]]))

    with pytest.raises(ImportRefused, match="The file name holds a character that cannot be stored"):
        import_workbook(content, "plan\x00.xlsx")


def test_a_database_refusal_during_the_import_is_one_line_and_rolls_the_import_back(database, monkeypatch):
    content = save(flat_plan([[1, "1.1.1", "Do it", "Dec 20", None, None, None, None]]))

    def breaks_a_check_in_a_statement(*args, **kwargs):
        db.session.execute(insert(Plan.__table__).values(title="x", kind="made_up_kind", status="active"))

    def breaks_a_check_in_a_flush(*args, **kwargs):
        db.session.add(Plan(title="x", kind="made_up_kind", status="active"))
        db.session.flush()

    for breaks_a_check in (breaks_a_check_in_a_statement, breaks_a_check_in_a_flush):
        monkeypatch.setattr(imports, "_merge_kpis", breaks_a_check)
        with pytest.raises(ImportRefused) as refused:
            import_workbook(content, "plan.xlsx")

        message = str(refused.value)
        assert message.startswith("the database refused it (")
        assert message.endswith("), so nothing was imported")
        assert "\n" not in message
        db.session.rollback()
        assert rows_written() == 0


def test_a_database_that_cannot_be_reached_is_not_reported_as_a_refusal(database, monkeypatch):
    content = save(flat_plan([[1, "1.1.1", "Do it", "Dec 20", None, None, None, None]]))

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(imports, "_merge_kpis", unreachable)
    with pytest.raises(OperationalError):
        import_workbook(content, "plan.xlsx")
    db.session.rollback()
    assert rows_written() == 0
