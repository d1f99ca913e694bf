"""The `wsoa` command: Flask's CLI group for this app plus the tracker's own commands."""

import gc
import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo
from sqlalchemy import select

from wsoa.extensions import db

# Commands that handle no request: their app is built without the views (see create_app), which every other command
# (`run`, `routes`, `shell`, `report`, `send-reminders`...) and `wsoa --help` still get.
WITHOUT_VIEWS = frozenset({"import-plan", "create-user", "load-demo", "backup", "restore", "db"})
_COMMAND = "wsoa.command"  # ScriptInfo.data key: the command being run, set before the app is built


def _create_app():
    from wsoa import create_app

    context = click.get_current_context(silent=True)
    info = context.find_object(ScriptInfo) if context is not None else None
    command = info.data.get(_COMMAND) if info is not None else None
    app = create_app(serve_requests=command not in WITHOUT_VIEWS)
    # What start-up made lives as long as the command: out of the collector's sight, which then goes back on (it was
    # off while the app was built: see wsoa/__init__.py).
    gc.freeze()
    gc.enable()
    return app


class _WsoaGroup(FlaskGroup):
    def resolve_command(self, ctx: click.Context, args: list[str]):
        # Flask builds the app the first time a command is looked up; note which command first, for _create_app.
        if args:
            ctx.ensure_object(ScriptInfo).data.setdefault(_COMMAND, args[0])
        return super().resolve_command(ctx, args)


@click.group(cls=_WsoaGroup, create_app=_create_app)
def cli() -> None:
    """Written Statement of Action tracker."""


class DatabaseCommand(click.Command):
    """A command that reads or writes the database: if the database fails part-way, everything the command did is
    rolled back and the person gets one line saying so, not a traceback."""

    def invoke(self, ctx: click.Context):
        from sqlalchemy.exc import OperationalError

        try:
            return super().invoke(ctx)
        except OperationalError as error:
            db.session.rollback()
            reason = str(error.orig).strip().splitlines()[0] if error.orig else "no reason given"
            raise click.ClickException(
                f"The database failed ({reason}), so nothing was written. Check DATABASE_URL, that the database "
                "is running and that `wsoa db upgrade` has been run, then try again."
            ) from None


def register_commands(app: Flask) -> None:
    for command in (create_user_command, import_plan_command, load_demo_command, backup_command, restore_command):
        app.cli.add_command(command)
    app.cli.add_command(create_area_command)
    app.cli.add_command(report_command)
    app.cli.add_command(send_reminders_command)


@click.command("create-user", cls=DatabaseCommand)
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--level", type=click.Choice(["admin", "editor", "lead", "viewer"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, help="A key-role code this person holds (repeatable)")
@click.option("--area", "area_name", help="The local area they are a member of (default: the only one)")
@click.option("--instance-admin", is_flag=True, help="They may also create local areas (Local areas page)")
def create_user_command(
    email: str,
    name: str,
    level: str,
    password: str,
    roles: tuple[str, ...],
    area_name: str | None,
    instance_admin: bool,
) -> None:
    """Create a user, for example the first admin (someone known in another area joins this one)."""
    from wsoa.services.accounts import UserProblem
    from wsoa.services.users import add_user

    _work_in_area(area_name)
    try:
        user = add_user(email=email, name=name, level=level, password=password, role_codes=list(roles), actor_id=None)
    except UserProblem as problem:
        raise click.ClickException(problem.message) from None
    user.is_instance_admin = user.is_instance_admin or instance_admin
    db.session.commit()
    click.echo(f"Created {user.level} {user.email}")


@click.command("import-plan", cls=DatabaseCommand)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Read and report; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the parsed plan as one JSON document on stdout.")
@click.option("--plan", "plan_id", type=int, help="Merge into this plan (default: the plan with the same title).")
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A TOML column mapping ([[columns]] with sheet, heading or column, field); default: the plan's saved one.",
)
@click.option("--area", "area_name", help="The local area the plan belongs to (default: the only one)")
def import_plan_command(
    path: Path, dry_run: bool, as_json: bool, plan_id: int | None, mapping_path: Path | None, area_name: str | None
) -> None:
    """Import an .xlsx plan, or with --dry-run say what it holds."""
    if not (dry_run and as_json):  # reading alone needs no database
        _work_in_area(area_name)
    gc.disable()  # loading the reader makes long-lived objects and no garbage, as start-up does (wsoa/__init__.py)
    from wsoa.importing.mapping import Mapping, MappingProblem
    from wsoa.importing.problems import WorkbookUnreadable
    from wsoa.importing.workbook import read_workbook
    from wsoa.services.imports import sheet_lines

    # The modules and app loaded so far live as long as this process: out of the garbage collector's sight, neither
    # the collections during a large import nor the one at exit (a fifth of a second) go through them again.
    gc.freeze()
    gc.enable()
    try:
        content = path.read_bytes()
    except OSError as error:
        raise click.ClickException(f"Cannot read {path}: {error.strerror or error}") from None
    mapping = None
    if mapping_path is not None:
        try:
            mapping = Mapping.from_toml(mapping_path.read_text(encoding="utf-8"), mapping_path.name)
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or error
            raise click.ClickException(f"Cannot read {mapping_path}: {reason}") from None
        except MappingProblem as problem:
            raise click.ClickException(problem.reason) from None
    plan = _plan(plan_id)
    try:
        parsed = read_workbook(content, mapping=mapping or _saved_mapping(plan))
        if plan is None and plan_id is None and mapping is None and not (dry_run and as_json):
            plan = _plan_titled(parsed.title)
            if saved := _saved_mapping(plan):
                parsed = read_workbook(content, mapping=saved)  # the mapping its last import confirmed
    except WorkbookUnreadable as error:
        raise click.ClickException(f"{path.name}: {error}") from None
    if as_json:
        click.echo(json.dumps(parsed.to_contract_dict(), ensure_ascii=False, indent=2))
    if not parsed.actions:
        click.echo(f"{path.name} was not imported: no sheet holds actions that could be read.", err=True)
        for line in sheet_lines(parsed):
            click.echo(f"  {line}", err=True)
        click.echo("  Give the columns' meanings with --mapping FILE (see --dry-run --json for the form).", err=True)
        raise SystemExit(1)
    if dry_run and as_json:
        return
    report = click.echo if not as_json else (lambda text: click.echo(text, err=True))
    result = _import(parsed, path.name, content, plan=plan, dry_run=dry_run)
    verb = "Would import" if dry_run else "Imported"
    report(
        f"{verb} {path.name}: {result.created_actions} actions created, {result.changed_actions} changed, "
        f"{result.new_updates} progress updates added, {len(parsed.problems)} problems"
    )
    for line in sheet_lines(parsed):
        report(f"  sheet {line}")
    for note in parsed.notes:
        report(f"  note: {note}")
    for problem in parsed.problems:
        report(
            f"  {problem.severity}: {problem.sheet} row {problem.row or '-'} column {problem.column or '-'}: "
            f"{problem.message}"
        )
    if result.missing:
        report(
            f"  In the tracker but not in the file (retire them if they are finished with): "
            f"{', '.join(a.ref for a in result.missing)}"
        )


@click.command("create-area", cls=DatabaseCommand)
@click.argument("name")
def create_area_command(name: str) -> None:
    """Create a local area: its own plans, key roles and users (then: create-user --area NAME)."""
    from wsoa.services.areas import AreaProblem, create_area

    try:
        area = create_area(name, actor_id=None)
    except AreaProblem as problem:
        raise click.ClickException(problem.message) from None
    db.session.commit()
    click.echo(f"Created local area {area.name}")


def _work_in_area(name: str | None) -> None:
    """The rest of the command works in the area named (or the only one; made on an empty database)."""
    from wsoa.scope import AreaNeeded, area_named, working_in

    try:
        area = area_named(name)
    except AreaNeeded as problem:
        raise click.ClickException(str(problem)) from None
    click.get_current_context().with_resource(working_in(area.id))


def _plan(plan_id: int | None):
    from wsoa.models import Plan

    if plan_id is None:
        return None
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"There is no plan {plan_id}")
    if plan.archived_at is not None:
        raise click.ClickException(f"Plan {plan_id} ({plan.title}) is archived: an admin can restore it first")
    return plan


def _plan_titled(title: str | None):
    from wsoa.models import Plan

    if not title:
        return None
    # An archived plan is left as it was: a workbook with its title makes a new plan.
    return db.session.scalars(select(Plan).where(Plan.title == title, Plan.archived_at.is_(None))).first()


def _saved_mapping(plan):
    from wsoa.importing.mapping import Mapping, MappingProblem

    if plan is None or not plan.import_mapping:
        return None
    try:
        return Mapping.from_document(plan.import_mapping)
    except MappingProblem:
        return None  # a mapping saved by an older version the reader no longer takes: read the headings instead


def _import(parsed, file_name: str, content: bytes, *, plan, dry_run: bool, user_id=None):
    from wsoa.services.imports import ImportRefused, file_hash, import_parsed_plan

    if plan is None:
        plan = _plan_titled(parsed.title)
    try:
        result = import_parsed_plan(
            parsed,
            file_name=file_name,
            content_hash=file_hash(content),
            plan=plan,
            dry_run=dry_run,
            user_id=user_id,
            mapping=parsed.mapping().as_document(),
        )
    except ImportRefused as refused:
        db.session.rollback()
        raise click.ClickException(f"{file_name} was not imported: {refused}") from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return result


@click.command("load-demo", cls=DatabaseCommand)
def load_demo_command() -> None:
    """Load the demo plan (the Shropshire WSoA workbook under imports/demo) and demo users, once."""
    from wsoa.demo import load_demo

    for line in load_demo():
        click.echo(line)
    db.session.commit()


@click.command("backup", cls=DatabaseCommand)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write every plan, its full history, users and audit trail to one JSON file."""
    from wsoa.services.backup import backup

    path.write_text(backup(), encoding="utf-8")
    click.echo(f"Backed up to {path}")


@click.command("restore", cls=DatabaseCommand)
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def restore_command(path: Path) -> None:
    """Load a backup made by `wsoa backup` into an empty, migrated database."""
    from wsoa.services.backup import RestoreRefused, restore

    try:
        counts = restore(path.read_text(encoding="utf-8"))
    except RestoreRefused as refused:
        db.session.rollback()
        raise click.ClickException(f"Not restored: {refused}") from None
    db.session.commit()
    click.echo(f"Restored {sum(counts.values())} rows from {path}")


@click.command("report", cls=DatabaseCommand)
@click.option("--period", "period_label", required=True, help="The review period, as labelled (for example Mar 21).")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "xlsx", "docx"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The file to write.")
@click.option("--plan", "plan_id", type=int, help="The plan (default: the only plan with that period).")
@click.option("--compare-with", "compare_label", help="The period to compare with (default: the one before).")
@click.option("--priority", "priorities", type=int, multiple=True, help="Only this priority (repeatable).")
@click.option("--no-appendix", is_flag=True, help="Leave out the key roles and the full action list.")
def report_command(
    period_label: str,
    fmt: str,
    output: Path,
    plan_id: int | None,
    compare_label: str | None,
    priorities: tuple[int, ...],
    no_appendix: bool,
) -> None:
    """Write the board progress report for a review period as HTML, PDF, Excel or Word."""
    from datetime import UTC, datetime

    from wsoa.models import Plan
    from wsoa.reports.assemble import ReportOptions
    from wsoa.scope import working_in
    from wsoa.services import reports

    try:
        plan_id = reports.plan_for_period(period_label, plan_id)
        click.get_current_context().with_resource(working_in(db.session.get(Plan, plan_id).area_id))  # its glossary
        source = reports.load_report_source(plan_id)
        options = ReportOptions(
            period_id=reports.period_by_label(source, period_label),
            compare_with_id=reports.period_by_label(source, compare_label) if compare_label else None,
            priorities=tuple(sorted(set(priorities))) or None,
            include_appendix=not no_appendix,
        )
        report = reports.build_report(
            source, options, generated_by="wsoa report (command line)", generated_at=datetime.now(UTC)
        )
    except reports.ReportProblem as problem:
        raise click.ClickException(str(problem)) from None
    try:
        output.write_bytes(reports.write_report(report, fmt))
    except OSError as error:
        raise click.ClickException(f"Cannot write {output}: {error.strerror or error}") from None
    click.echo(f"Wrote the {report.cover.period_label} board report ({fmt}) for {report.cover.plan_title} to {output}")


@click.command("send-reminders", cls=DatabaseCommand)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Send what is due on this day, YYYY-MM-DD (default: today in the UK).",
)
@click.option("--dry-run", is_flag=True, help="Say what would be sent; send and record nothing.")
def send_reminders_command(today, dry_run: bool) -> None:
    """Send every reminder, digest and escalation due today that has not been sent before (safe to run twice)."""
    from flask import current_app

    from wsoa.clock import today as uk_today
    from wsoa.services import update_round
    from wsoa.services.delivery import NOT_CONFIGURED, delivery_from_config

    delivery = delivery_from_config(current_app.config)
    if delivery is None and not dry_run:
        raise click.ClickException(f"{NOT_CONFIGURED}, or use --dry-run to see what would be sent.")
    day = today.date() if today else uk_today()
    failures = update_round.send_reminders(day, delivery=delivery, dry_run=dry_run, echo=click.echo)
    if failures:
        raise click.ClickException(
            f"{failures} notice{'' if failures == 1 else 's'} could not be sent; "
            "each is kept and tried again on the next run"
        )
