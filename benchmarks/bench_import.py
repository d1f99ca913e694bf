"""Import speed: a 5,000-action workbook read bare by openpyxl, parsed (dry run), and imported into SQLite.

Prints the median of each and its ratio to the bare read measured in the same run, plus peak memory of the parse
for workbooks of growing size (read-only streaming should keep it roughly flat per row).
"""

import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from io import BytesIO

from flask_migrate import upgrade
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from config import Test
from wsoa import create_app
from wsoa.bulk import fewer_garbage_collections
from wsoa.extensions import db
from wsoa.importing.workbook import read_workbook
from wsoa.services.imports import file_hash, import_parsed_plan

ACTIONS = int(os.environ.get("BENCH_ACTIONS", "5000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
FILLS = [PatternFill("solid", fgColor=c) for c in ("FFFF0000", "FFFFC000", "FF00B050", "FF0070C0")]


def build_workbook(actions: int) -> bytes:
    """Ten priority sheets in the standard layout, two review periods, RAG as fills on one period."""
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    per_sheet = actions // 10
    for priority in range(1, 11):
        sheet = workbook.create_sheet(f"Priority {priority}")
        sheet.append([f"Priority {priority}"])
        sheet.append([f"An area of weakness number {priority}"])
        sheet.append(["Outcomes:"])
        sheet.append([f"{priority}.1", "Things will be better for children and young people"])
        sheet.append(["Impact measures:"])
        sheet.append([None, "92% of children seen within 18 weeks"])
        sheet.append([])
        sheet.append(
            [
                "Action Ref",
                "Actions",
                "Completion Date",
                "Lead",
                "Delivery Partners",
                "Resources (cost and/or time)",
                "How will we know?",
                "Progress Nov 20",
                "RAG Nov 20",
                "Progress Mar 21",
                "RAG Mar 21",
            ]
        )
        sheet.append([f"{priority}.1", "Governance"])
        for n in range(1, per_sheet + 1):
            sheet.append(
                [
                    f"{priority}.1.{n}",
                    f"Action {n}: a realistic sentence about what the partnership will do",
                    ("Dec 20", "Sep 20 and ongoing", "Oct 20 to Feb 21", "Q3 2021/22")[n % 4],
                    "DCS/DoP",
                    "SEND Strategic Board members",
                    "Officer time",
                    "Families report that it helped",
                    "Progress was made this period",
                    None,
                    "More progress",
                    ("Red", "Amber", "Green", "Blue")[n % 4],
                ]
            )
            sheet.cell(sheet.max_row, 9).fill = FILLS[n % 4]
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_read(content: bytes) -> int:
    workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    cells = sum(
        1 for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None
    )
    workbook.close()
    return cells


def relaxed(function, *args):
    with fewer_garbage_collections():
        return function(*args)


def interleaved_medians(work: dict, before: dict) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each piece of work, measured in turns (one of each per round), so a busy
    moment on the machine slows every piece alike rather than whichever happened to be running. `before[name]`,
    if given, runs untimed before each run of that work."""
    wall: dict[str, list[float]] = {name: [] for name in work}
    cpu: dict[str, list[float]] = {name: [] for name in work}
    for _ in range(RUNS):
        for name, function in work.items():
            if name in before:
                before[name]()
            started, started_cpu = time.perf_counter(), time.process_time()
            function()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in work}


def main() -> None:
    content = build_workbook(ACTIONS)
    print(f"workbook: {ACTIONS:,} actions, {len(content) / 1024:.0f} KB, {RUNS} rounds")
    config = Test()
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
    app = create_app(config)
    with app.app_context():
        upgrade()
        db.engine.dispose()
        shutil.copyfile(path, path + ".empty")

        def empty_database():
            """Each real import goes into a freshly migrated database, not one grown by the runs before it."""
            db.session.remove()
            db.engine.dispose()
            shutil.copyfile(path + ".empty", path)

        def real_import():
            # plan=None: every run creates a whole new plan, so each run inserts all 5,000 actions.
            result = import_parsed_plan(read_workbook(content), file_name="bench.xlsx", content_hash=file_hash(content))
            db.session.commit()
            return result

        def dry_run():
            import_parsed_plan(
                read_workbook(content), file_name="bench.xlsx", content_hash=file_hash(content), dry_run=True
            )
            db.session.rollback()

        times = interleaved_medians(
            {
                # The baseline gets the same relaxed garbage collection as the import, so the ratio is our work alone.
                "bare": lambda: relaxed(bare_read, content),
                "parse": lambda: read_workbook(content),
                "dry": dry_run,
                "real": real_import,
            },
            before={"real": empty_database},
        )
        db.session.remove()
        db.engine.dispose()
    os.unlink(path)
    os.unlink(path + ".empty")
    bare_wall, bare_cpu = times["bare"]
    for name, label in (
        ("bare", "bare openpyxl read-only read     "),
        ("parse", "parse only (read_workbook)       "),
        ("dry", "dry run (parse + merge, rollback)"),
        ("real", "real import into SQLite          "),
    ):
        wall, cpu = times[name]
        target = "   (target: within 2x)" if name == "real" else ""
        print(
            f"{label} median {wall:6.2f} s {wall / bare_wall:5.2f}x | CPU {cpu:6.2f} s {cpu / bare_cpu:5.2f}x{target}"
        )
    for size in (1000, 2000, 4000):
        small = build_workbook(size)
        tracemalloc.start()
        read_workbook(small)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"parse peak memory for {size:>5,} actions: {peak / 1024 / 1024:6.1f} MB ({peak / size / 1024:.1f} KB per action)"
        )


if __name__ == "__main__":
    main()
