"""Import speed: a 5,000-action workbook read bare by openpyxl, parsed (dry run), and imported into SQLite.

Prints the median of each and its ratio to the bare read measured in the same run, plus peak memory of the parse
for workbooks of growing size (read-only streaming should keep it roughly flat per row).
"""

import os
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


def median(function, *args) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    content = build_workbook(ACTIONS)
    print(f"workbook: {ACTIONS:,} actions, {len(content) / 1024:.0f} KB")
    bare = median(bare_read, content)
    parse = median(read_workbook, content)
    config = Test()
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
    app = create_app(config)
    with app.app_context():
        upgrade()

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

        dry = median(dry_run)
        real = median(real_import)
    os.unlink(path)
    print(f"bare openpyxl read-only read      median {bare:6.2f} s   1.00x")
    print(f"parse only (read_workbook)        median {parse:6.2f} s   {parse / bare:4.2f}x")
    print(f"dry run (parse + merge, rollback) median {dry:6.2f} s   {dry / bare:4.2f}x")
    print(f"real import into SQLite           median {real:6.2f} s   {real / bare:4.2f}x   (target: within 2x)")
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
