"""Import speed and memory: a 5,000-action workbook read bare by openpyxl, parsed (dry run), and imported into SQLite.

Prints the median of each and its ratio to the bare read measured in the same run. Then the peak memory of the bare
read, the parse and the real import (each real import into a freshly migrated database) for workbooks of about
1,250, 2,500 and 5,000 actions, measured two ways:

- tracemalloc, in this process: the peak of Python's own allocations during the step, and how much of it is still
  held when the step ends with its result kept (the parsed plan, which the preview shows whole and so must grow
  with the plan). The difference, the working memory, is what read-only streaming should keep flat. C allocations
  (lxml/libxml2, zlib, SQLite's page cache) are not traced, hence the second measure;
- peak RSS, in a fresh subprocess per size and step, warmed up on a tiny workbook as a running worker would be: how
  far the resident set's high-water mark (VmHWM, reset after the warm-up) rose above the resident set just before
  the step (VmRSS). It counts every allocation, C ones included, but is coarser (allocator arenas, pages).

Ends with one line per target from the issue ("the real import within 2x the bare read; memory stays flat as the
workbook grows"), saying MET or MISSED with the figures. The targets are judged on wall time and on tracemalloc's
working memory; timings on a shared machine vary from run to run, memory hardly does.

    .venv/bin/python benchmarks/bench_import.py
    BENCH_RUNS=3 BENCH_MEMORY_SIZES=1000,4000 .venv/bin/python benchmarks/bench_import.py
    BENCH_PROCESS_ONLY=1 .venv/bin/python benchmarks/bench_import.py   # the whole-process target alone

The whole-process target times `wsoa import-plan FILE` (a new process: start-up, app, read, import into a freshly
migrated SQLite database, commit) against a bare openpyxl read-only pass of the same file in a process of its own,
also start-up included, in turns, and prints the ratio of the medians with MET or MISSED against 2x.
"""

import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask_migrate import upgrade
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill
from sqlalchemy import text

from config import Test
from wsoa import create_app
from wsoa.bulk import fewer_garbage_collections
from wsoa.extensions import db
from wsoa.importing.workbook import read_workbook
from wsoa.services.imports import file_hash, import_parsed_plan

ACTIONS = int(os.environ.get("BENCH_ACTIONS", "5000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
MEMORY_SIZES = tuple(int(size) for size in os.environ.get("BENCH_MEMORY_SIZES", "1250,2500,5000").split(","))
FILLS = [PatternFill("solid", fgColor=c) for c in ("FFFF0000", "FFFFC000", "FF00B050", "FF0070C0")]
TIME_TARGET = 2.0  # the real import's median wall time, as a multiple of the bare read's
# "Flat": the working memory (peak less what the step still holds at its end) of the largest workbook is at most this
# multiple of the smallest's, whatever the ratio of their sizes. Loading every cell, as openpyxl's normal mode does,
# would grow it in proportion to the workbook.
FLAT_TOLERANCE = 1.25
MB = 1024 * 1024
STEPS = {"bare": "bare read", "parse": "parse", "import": "real import"}


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


# A bare openpyxl read-only pass as a process of its own: start-up, open, every cell's value, close.
BARE_PROCESS = """
import sys
from openpyxl import load_workbook
workbook = load_workbook(sys.argv[1], read_only=True, data_only=True)
cells = sum(1 for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None)
workbook.close()
print(cells)
"""


@dataclass
class WholeProcess:
    """Median wall and CPU seconds of each command, for the full workbook and a FIXED_COST_ACTIONS one (fixed cost)."""

    walls: dict[str, float]
    cpus: dict[str, float]


FIXED_COST_ACTIONS = 10


def whole_process_times(content: bytes, empty_database: str) -> WholeProcess:
    """Median wall seconds of `wsoa import-plan FILE` into a freshly migrated SQLite database, start-up included, and
    of a bare openpyxl read-only pass of the same file in a process of its own, measured in turns; then the median
    CPU seconds (user and system) of each. Both are timed on a FIXED_COST_ACTIONS workbook too: their fixed cost,
    which shows how much of the import's time is the app starting and how much is the work the workbook makes."""
    wsoa = Path(sys.executable).with_name("wsoa")
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        workbook_path = Path(folder) / "bench.xlsx"
        workbook_path.write_bytes(content)
        small_path = Path(folder) / "small.xlsx"
        small_path.write_bytes(build_workbook(FIXED_COST_ACTIONS))
        database = Path(folder) / "bench.sqlite"
        # As a deployed service runs: compiled bytecode cached (a shell that sets PYTHONDONTWRITEBYTECODE would make
        # every start compile the app's modules again), and one untimed run of each first to write that cache.
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        environment |= {"DATABASE_URL": f"sqlite:///{database}", "WSOA_ENV": "development"}
        commands = {
            "bare": [sys.executable, "-c", BARE_PROCESS, str(workbook_path)],
            "import": [str(wsoa), "import-plan", str(workbook_path)],
            "bare fixed": [sys.executable, "-c", BARE_PROCESS, str(small_path)],
            "import fixed": [str(wsoa), "import-plan", str(small_path)],
        }
        for round_number in range(RUNS + 1):
            for name, command in commands.items():
                shutil.copyfile(empty_database, database)
                children = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                finished = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
                if round_number:
                    walls.setdefault(name, []).append(time.perf_counter() - started)
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpus.setdefault(name, []).append(
                        after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
                    )
                if finished.returncode:
                    raise SystemExit(f"{' '.join(command[:2])} failed:\n{finished.stderr}")
    return WholeProcess(
        walls={name: statistics.median(values) for name, values in walls.items()},
        cpus={name: statistics.median(values) for name, values in cpus.items()},
    )


def relaxed(function, *args):
    with fewer_garbage_collections():
        return function(*args)


def real_import(content: bytes):
    """What confirming an upload does: parse, merge into a new plan, commit. Returns the parsed plan as well, since
    the view holds it until the request ends."""
    parsed = read_workbook(content)
    # plan=None: every run creates a whole new plan, so each run inserts every action.
    result = import_parsed_plan(parsed, file_name="bench.xlsx", content_hash=file_hash(content))
    db.session.commit()
    return parsed, result


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


# -- memory ----------------------------------------------------------------------------------------------------------


@dataclass
class Traced:
    peak: int  # bytes: the most Python allocations made during the step held at once
    held: int  # bytes still allocated at the end of the step, with its result kept

    @property
    def working(self) -> int:
        return self.peak - self.held


def traced(function) -> Traced:
    gc.collect()
    tracemalloc.start()
    try:
        result = function()
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return Traced(peak, held)


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Linux lets a process reset its own resident-set high-water mark (VmHWM) by writing 5 to clear_refs."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return _status_kb("VmHWM") is not None


def rss_child(step: str, workbook_path: str, empty_database: str) -> None:
    """Run one step in this fresh process and print as JSON how far the resident set's high-water mark rose above
    where it stood just before. A warm-up run on a tiny workbook first does what a running worker has already done
    (lazy imports, caches, a pooled database connection); the high-water mark is then reset, so it is not counted."""
    content = Path(workbook_path).read_bytes()
    warm_up = build_workbook(10)
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    config = Test()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
    app = create_app(config)
    steps = {"bare": lambda workbook: relaxed(bare_read, workbook), "parse": read_workbook, "import": real_import}
    try:
        with app.app_context():

            def fresh_database():
                db.session.remove()
                db.engine.dispose()
                shutil.copyfile(empty_database, path)
                db.session.execute(text("SELECT 1"))
                db.session.rollback()

            fresh_database()
            steps[step](warm_up)
            fresh_database()
            del warm_up
            gc.collect()
            measured = None
            if _reset_peak_rss():
                before = _status_kb("VmRSS")
                result = steps[step](content)
                measured = {"before_kb": before, "peak_kb": _status_kb("VmHWM")}
                del result
            db.session.remove()
            db.engine.dispose()
    finally:
        os.unlink(path)
    print(json.dumps(measured))


def peak_rss_growth(step: str, workbook_path: str, empty_database: str) -> int | None:
    """Bytes the resident set grew by, at its highest, while a fresh process ran the step (None: not on Linux)."""
    finished = subprocess.run(
        [sys.executable, __file__, "--rss-child", step, workbook_path, empty_database],
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode:
        raise SystemExit(f"the {step} step failed in its own process:\n{finished.stderr}")
    measured = json.loads(finished.stdout.strip().splitlines()[-1])
    return (measured["peak_kb"] - measured["before_kb"]) * 1024 if measured else None


def _mb(size: float | None) -> str:
    return f"{size / MB:6.1f} MB" if size is not None else "   n/a"


def _ratio(values: dict[int, float | None], smallest: int, largest: int) -> float:
    if values[smallest] is None or values[largest] is None:
        return float("nan")
    return values[largest] / values[smallest] if values[smallest] else float("inf")


# -- the run ---------------------------------------------------------------------------------------------------------


def process_only() -> None:
    """Just the whole-process target (BENCH_PROCESS_ONLY=1): quicker to run while working on start-up."""
    content = build_workbook(ACTIONS)
    config = Test()
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
    with create_app(config).app_context():
        upgrade()
        db.engine.dispose()
    try:
        print(f"workbook: {ACTIONS:,} actions, {len(content) / 1024:.0f} KB, {RUNS} rounds")
        report_whole_process(whole_process_times(content, path))
    finally:
        os.unlink(path)


def report_whole_process(measured: WholeProcess) -> None:
    wall, cpu = measured.walls, measured.cpus
    ratio = wall["import"] / wall["bare"]
    start_up = wall["import fixed"] - wall["bare fixed"]
    work = (wall["import"] - wall["import fixed"]) - (wall["bare"] - wall["bare fixed"])
    print(
        f"whole process, where the time goes (median wall): with a {FIXED_COST_ACTIONS}-action workbook (the fixed "
        f"cost) `wsoa import-plan` {wall['import fixed']:.2f} s and the bare pass {wall['bare fixed']:.2f} s, so "
        f"the app's start-up (Flask, SQLAlchemy, the models) costs {start_up:.2f} s more; the {ACTIONS:,}-action "
        f"workbook then costs the import {work:.2f} s more than the bare pass (parsing the plan, writing it). "
        f"Within {TIME_TARGET:g}x needs the two together ({start_up + work:.2f} s) at most "
        f"{(TIME_TARGET - 1) * wall['bare']:.2f} s"
    )
    print(
        f"target whole-process `wsoa import-plan` within {TIME_TARGET:g}x a bare openpyxl read-only pass, each a "
        f"process of its own, start-up included ({ACTIONS:,} actions, median wall time): "
        f"{'MET' if ratio <= TIME_TARGET else 'MISSED'}: {ratio:.2f}x ({wall['import']:.2f} s against "
        f"{wall['bare']:.2f} s; CPU {cpu['import'] / cpu['bare']:.2f}x, {cpu['import']:.2f} s against "
        f"{cpu['bare']:.2f} s)"
    )


def main() -> None:
    content = build_workbook(ACTIONS)
    print(f"workbook: {ACTIONS:,} actions, {len(content) / 1024:.0f} KB, {RUNS} rounds")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start (shared with other work)"
    )
    workbooks = {size: content if size == ACTIONS else build_workbook(size) for size in MEMORY_SIZES}
    config = Test()
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
    app = create_app(config)
    traced_memory: dict[str, dict[int, Traced]] = {step: {} for step in STEPS}
    with app.app_context():
        upgrade()
        db.engine.dispose()
        shutil.copyfile(path, path + ".empty")

        def empty_database():
            """Each real import goes into a freshly migrated database, not one grown by the runs before it."""
            db.session.remove()
            db.engine.dispose()
            shutil.copyfile(path + ".empty", path)
            db.session.execute(text("SELECT 1"))  # reconnect now, so the connection is not part of the measure
            db.session.rollback()

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
                "real": lambda: real_import(content),
            },
            before={"real": empty_database},
        )
        for size, workbook in workbooks.items():
            traced_memory["bare"][size] = traced(lambda workbook=workbook: relaxed(bare_read, workbook))
            traced_memory["parse"][size] = traced(lambda workbook=workbook: read_workbook(workbook))
            empty_database()
            traced_memory["import"][size] = traced(lambda workbook=workbook: real_import(workbook))
        db.session.remove()
        db.engine.dispose()
    os.unlink(path)
    whole_process = whole_process_times(content, path + ".empty")
    rss: dict[str, dict[int, int | None]] = {step: {} for step in STEPS}
    with tempfile.TemporaryDirectory() as folder:
        for size, workbook in workbooks.items():
            workbook_path = Path(folder) / f"plan-{size}.xlsx"
            workbook_path.write_bytes(workbook)
            for step in STEPS:
                rss[step][size] = peak_rss_growth(step, str(workbook_path), path + ".empty")
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

    print(
        "peak memory: tracemalloc (Python allocations, in this process; 'held' = still allocated at the end of the "
        "step with its result kept, 'working' = peak less held)"
    )
    for step, label in (("bare", "bare read"), ("parse", "parse"), ("import", "real import")):
        for size, measured in traced_memory[step].items():
            print(
                f"{label} peak memory for {size:>5,} actions: {_mb(measured.peak)} "
                f"({measured.peak / size / 1024:.1f} KB per action); held {_mb(measured.held)}, "
                f"working {_mb(measured.working)}"
            )
    print(
        "peak RSS growth: a fresh process per size and step, warmed up on a 10-action workbook, then VmHWM during "
        "the step less VmRSS just before it"
    )
    for step, label in STEPS.items():
        figures = ", ".join(
            f"{size:,}: {_mb(growth).strip()}" + (f" ({growth / size / 1024:.1f} KB/action)" if growth else "")
            for size, growth in rss[step].items()
        )
        print(f"{label:11} {figures}")

    smallest, largest = min(MEMORY_SIZES), max(MEMORY_SIZES)
    scale = largest / smallest
    print(f"largest to smallest ({largest:,} / {smallest:,} actions = {scale:.1f}x the actions):")
    for step, label in STEPS.items():
        measured = traced_memory[step]
        peaks = {size: m.peak for size, m in measured.items()}
        per_action = {size: m.peak / size for size, m in measured.items()}
        working = {size: m.working for size, m in measured.items()}
        print(
            f"  {label:11} tracemalloc peak {_ratio(peaks, smallest, largest):4.2f}x, "
            f"per action {_ratio(per_action, smallest, largest):4.2f}x, working {_ratio(working, smallest, largest):4.2f}x"
            f" | peak RSS growth {_ratio(rss[step], smallest, largest):4.2f}x"
        )

    real_wall, real_cpu = times["real"]
    wall_ratio, cpu_ratio = real_wall / bare_wall, real_cpu / bare_cpu
    print(
        f"target real import within {TIME_TARGET:g}x the bare read ({ACTIONS:,} actions, median wall time): "
        f"{'MET' if wall_ratio <= TIME_TARGET else 'MISSED'}: {wall_ratio:.2f}x ({real_wall:.2f} s against "
        f"{bare_wall:.2f} s; CPU {cpu_ratio:.2f}x, {real_cpu:.2f} s against {bare_cpu:.2f} s)"
    )
    report_whole_process(whole_process)
    for step in ("parse", "import"):
        measured = traced_memory[step]
        working = {size: m.working for size, m in measured.items()}
        held_per_action = (measured[largest].held - measured[smallest].held) / (largest - smallest)
        growth = _ratio(working, smallest, largest)
        print(
            f"target memory flat as the workbook grows, {STEPS[step]} (working memory at {largest:,} actions within "
            f"{FLAT_TOLERANCE:g}x of {smallest:,}): {'MET' if growth <= FLAT_TOLERANCE else 'MISSED'}: working "
            f"{_mb(working[smallest]).strip()} -> {_mb(working[largest]).strip()} ({growth:.2f}x) for {scale:.1f}x the "
            f"actions; peak {_mb(measured[smallest].peak).strip()} -> {_mb(measured[largest].peak).strip()} "
            f"({_ratio({s: m.peak for s, m in measured.items()}, smallest, largest):.2f}x), of which the result held "
            f"grows {held_per_action / 1024:.1f} KB per action; peak RSS growth {_mb(rss[step][smallest]).strip()} -> "
            f"{_mb(rss[step][largest]).strip()} ({_ratio(rss[step], smallest, largest):.2f}x)"
        )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--rss-child":
        rss_child(*sys.argv[2:])
    elif os.environ.get("BENCH_PROCESS_ONLY"):
        process_only()
    else:
        main()
