"""The import pages' steps: which plan an upload goes into and the mapping to read it with, a preview of what
importing would do (nothing written; the upload is kept for the next step), and the import itself.

The views commit; these functions never do.
"""

import json
from collections import Counter
from collections.abc import Mapping as Posted
from dataclasses import dataclass

from sqlalchemy import select

from wsoa.domain.not_found import NotFound, found
from wsoa.extensions import db
from wsoa.importing.mapping import Mapping, MappingProblem
from wsoa.importing.parsed import ParsedPlan
from wsoa.importing.workbook import read_workbook
from wsoa.models import Plan
from wsoa.services.imports import ImportRefused, ImportResult, file_hash, import_parsed_plan
from wsoa.services.uploads import UploadMissing, discard_upload, load_upload, store_upload

NEW_PLAN = "new"


@dataclass(frozen=True)
class Preview:
    parsed: ParsedPlan
    digest: str
    result: ImportResult | None  # what importing would do; None when no action could be read


def import_targets() -> list[tuple[str, str]]:
    """The plans an upload can go into, by title, as (id, title): an archived plan takes none until restored."""
    live = select(Plan.id, Plan.title).where(Plan.archived_at.is_(None)).order_by(Plan.title)
    return [(str(plan_id), title) for plan_id, title in db.session.execute(live)]


def target_plan(target: str | None) -> Plan | None:
    """The plan chosen on the form (None: a new plan); NotFound for an id that is not a live plan."""
    if not target or target == NEW_PLAN:
        return None
    if not target.isdigit():
        raise NotFound(target)
    plan = found(db.session.get(Plan, int(target)))
    if plan.archived_at is not None:  # archived since the preview: it takes no imports until it is restored
        raise NotFound(target)
    return plan


def saved_mapping(plan: Plan | None) -> Mapping | None:
    """The column mapping kept with the plan at its last import, if this version can still use it."""
    if plan is None or not plan.import_mapping:
        return None
    try:
        return Mapping.from_document(plan.import_mapping)
    except MappingProblem:
        return None  # a mapping an older version saved and this one cannot use: read the headings instead


def chosen_mapping(columns_json: str, posted: Posted[str, str]) -> Mapping:
    """The preview's selects (field-0, field-1, …) over the columns it listed, as a mapping by sheet and letter."""
    try:
        columns = json.loads(columns_json or "[]")
    except ValueError:
        raise MappingProblem("the list of columns was damaged") from None
    if not isinstance(columns, list):
        raise MappingProblem("the list of columns was damaged")
    if not all(isinstance(column, list) and len(column) == 3 for column in columns):
        raise MappingProblem("the list of columns was damaged")
    # By heading where the sheet has it once, so that a sheet the reader could not place is found by those headings
    # next time; by letter where there is no heading or two columns share one.
    shared = Counter((sheet, heading) for sheet, _letter, heading in columns if heading)
    entries = []
    for index, (sheet, letter, heading) in enumerate(columns):
        field_name = posted.get(f"field-{index}")
        if field_name is None:
            continue
        key = {"heading": heading} if heading and shared[(sheet, heading)] == 1 else {"column": letter}
        entries.append({"sheet": sheet, **key, "field": field_name})
    return Mapping.from_document({"columns": entries}, "the column meanings")


def preview_import(content: bytes, *, file_name: str, target: str, mapping: Mapping | None, max_bytes: int) -> Preview:
    """What importing `content` would do, with nothing written; raises WorkbookUnreadable or ImportRefused."""
    parsed = read_workbook(content, max_bytes=max_bytes, mapping=mapping)
    digest = file_hash(content)
    result = None
    if parsed.actions:
        try:
            result = import_parsed_plan(
                parsed, file_name=file_name, content_hash=digest, plan=target_plan(target), dry_run=True
            )
        finally:
            db.session.rollback()
    store_upload(content)  # kept for the confirm step, or for the officer to say what the columns mean (caller commits)
    return Preview(parsed=parsed, digest=digest, result=result)


def confirm_import(
    digest: str, *, file_name: str, target: str, mapping_json: str, max_bytes: int, user_id: int
) -> ImportResult:
    """Import the kept upload for real; raises UploadMissing, MappingProblem (a damaged mapping) or ImportRefused."""
    content = load_upload(digest)
    try:
        mapping = Mapping.from_document(json.loads(mapping_json)) if mapping_json else None
    except ValueError:
        raise MappingProblem("the mapping was not JSON") from None
    parsed = read_workbook(content, max_bytes=max_bytes, mapping=mapping)
    result = import_parsed_plan(
        parsed,
        file_name=file_name,
        content_hash=digest,
        plan=target_plan(target),
        user_id=user_id,
        mapping=parsed.mapping().as_document(),
    )
    discard_upload(digest)  # imported: gone with the same commit
    return result


def why_not_imported(file_name: str, error: Exception) -> str:
    """The message for an upload that could not be imported at the confirm step."""
    if isinstance(error, UploadMissing):
        return "That upload has expired or was already imported. Upload the workbook again."
    if isinstance(error, MappingProblem):
        return f"{file_name} could not be imported: its column mapping was damaged. Upload it again."
    assert isinstance(error, ImportRefused)
    return f"{file_name} could not be imported: {error}."


def imported(file_name: str, result: ImportResult) -> str:
    return (
        f"Imported {file_name}: {result.created_actions} actions added, {result.changed_actions} changed, "
        f"{result.new_updates} progress updates added."
    )
