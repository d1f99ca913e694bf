"""Load: 50 simulated leads sign in, browse and save updates against gunicorn on PostgreSQL, on loopback only.

Starts its own database (a new PostgreSQL database on 127.0.0.1), loads the demo plan, creates the leads, serves
the app with gunicorn (several workers) and drives it from this process with one thread per lead for a bounded
time. Prints throughput, p50/p95/p99 latency per page and errors, then checks in the database that every update
the server acknowledged is stored exactly once.

Each lead behaves like a person: they arrive at a random moment in the first LOAD_RAMP seconds and pause to read
for LOAD_THINK seconds on average (uniformly between half and one and a half times that) before each next request.
The default of 3 s is still far quicker than a person reads an action and writes its update, so 50 leads ask more
of the server than a whole partnership does on the Monday before its board. LOAD_THINK=1 brings a 2-core machine
(server, database and this driver sharing it) to saturation; LOAD_THINK=0 removes the pauses altogether.

    .venv/bin/python benchmarks/load.py            # 50 leads, 60 s, 3 s reading time
    LOAD_THINK=1 .venv/bin/python benchmarks/load.py   # near saturation on 2 cores
    LOAD_USERS=20 LOAD_SECONDS=10 .venv/bin/python benchmarks/load.py
    LOAD_THINK=0 .venv/bin/python benchmarks/load.py   # saturation
    .venv/bin/python benchmarks/load.py --servers 2    # two gunicorn servers on one database, requests spread

With --servers N (or LOAD_SERVERS), N gunicorn servers run side by side on the one database, each on its own port,
as N app servers behind a load balancer: every request of every lead goes to a server chosen at random, so a lead
signs in on one and saves on another. The workers (LOAD_WORKERS, 4 by default) are shared out among the servers, so
the machine does the same work as with one; --workers-per-server overrides that.
"""

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

import psycopg

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))  # in all, shared among the servers
SERVERS = int(os.environ.get("LOAD_SERVERS", "1"))
THINK = float(os.environ.get("LOAD_THINK", "3.0"))
RAMP = float(os.environ.get("LOAD_RAMP", "10"))
PG_ADMIN = os.environ.get("LOAD_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "load-test-password"
P95_TARGET_MS = 300
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
POINTER_CHECK = """
SELECT count(*) FROM action a
WHERE a.latest_update_id IS DISTINCT FROM (SELECT max(u.id) FROM progress_update u WHERE u.action_id = a.id)
   OR a.latest_revised_update_id IS DISTINCT FROM
      (SELECT max(u.id) FROM progress_update u WHERE u.action_id = a.id AND u.revised_due_end IS NOT NULL)
"""
FIELD = re.compile(r'name="(version|seen_update)"[^>]*value="([^"]*)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wsoa(env: dict, *args: str) -> str:
    return subprocess.run(
        [str(BIN / "wsoa"), *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def prepare(env: dict) -> list[tuple[str, list[int]]]:
    """Migrate, load the demo plan, and create the leads, each holding one of the plan's lead roles."""
    wsoa(env, "db", "upgrade")
    wsoa(env, "load-demo")
    from sqlalchemy import select

    from config import Development
    from wsoa import create_app
    from wsoa.extensions import db
    from wsoa.models import ActionLead, Role
    from wsoa.services.users import create_user

    config = Development()
    config.SQLALCHEMY_DATABASE_URI = env["DATABASE_URL"]
    leads = []
    with create_app(config).app_context():
        actions_by_role = {}
        for role in db.session.scalars(select(Role).where(Role.code.is_not(None))):
            ids = list(db.session.scalars(select(ActionLead.action_id).where(ActionLead.role_id == role.id)))
            if ids:
                actions_by_role[role.code] = ids
        codes = sorted(actions_by_role)
        for n in range(USERS):
            code = codes[n % len(codes)]
            email = f"lead{n}@load.example"
            create_user(email=email, name=f"Load lead {n}", level="lead", password=PASSWORD, role_codes=[code])
            leads.append((email, actions_by_role[code]))
        db.session.commit()
        db.engine.dispose()
    return leads


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand redirects back to the lead, so the POST and the page it leads to are timed apart."""

    def redirect_request(self, *args, **kwargs):
        return None


class Lead(threading.Thread):
    def __init__(self, bases: list[str], email: str, action_ids: list[int], deadline: float, results):
        super().__init__(daemon=True)
        self.bases, self.email, self.action_ids, self.deadline, self.results = (
            bases,
            email,
            action_ids,
            deadline,
            results,
        )
        # One cookie jar for every server: cookies belong to the host, not the port, as behind one load balancer.
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def think(self) -> None:
        if THINK > 0:
            time.sleep(random.uniform(0.5 * THINK, 1.5 * THINK))

    def request(
        self, page: str, path: str, data: dict | None = None, *, after: str = "", think: bool = True
    ) -> str | None:
        """One request, timed on its own; a redirect is followed as a separate, separately timed request."""
        if think:
            self.think()
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        server = random.randrange(len(self.bases))  # each request to any server, as a load balancer sends them
        self.results["by_server"][server] += 1
        started = time.perf_counter()
        location = None
        try:
            request = urllib.request.Request(self.bases[server] + path, data=body)  # noqa: S310  (our own loopback server)
            with self.opener.open(request, timeout=30) as response:
                text = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            text, status = error.read().decode(errors="replace"), error.code
            location = error.headers.get("Location")
        except OSError as error:
            self.results["errors"].append((page, repr(error)))
            return None
        self.results["latency"][page].append(time.perf_counter() - started)
        if status in (302, 303) and location and urllib.parse.urlsplit(location).path == "/sign-in":
            # Signed out: the server that served this did not know the session another one started.
            self.results["errors"].append((page, "sent back to sign in"))
            return None
        if status in (302, 303) and location:
            return self.request(after or page, urllib.parse.urlsplit(location).path, think=False)
        if status >= 400:
            self.results["errors"].append((page, status))
            return None
        return text

    def run(self) -> None:
        time.sleep(random.uniform(0, RAMP))
        page = self.request("sign-in form", "/sign-in")
        token = _csrf(page)
        if (
            self.request(
                "sign in",
                "/sign-in",
                {"email": self.email, "password": PASSWORD, "csrf_token": token},
                after="my actions",
            )
            is None
        ):
            return
        while time.monotonic() < self.deadline:
            self.request("my actions", "/my-actions")
            action_id = random.choice(self.action_ids)
            self.request("action page", f"/actions/{action_id}")
            form = self.request("update form", f"/actions/{action_id}/update")
            if form is None:
                continue
            fields = dict(FIELD.findall(form))
            marker = f"load-{uuid.uuid4()}"
            saved = self.request(
                "save update",
                f"/actions/{action_id}/update",
                {
                    "csrf_token": _csrf(form),
                    "version": fields.get("version", ""),
                    "seen_update": fields.get("seen_update", ""),
                    "rag": random.choice(["green", "amber"]),
                    "confidence": "none",
                    "narrative": marker,
                    "next_steps": "Keep going",
                    "risks": "None known",
                },
                after="action page",
            )
            if saved is not None and "saved for" in saved:
                self.results["acknowledged"].append(marker)
            elif saved is not None and "someone else changed this action" in saved:
                self.results["refused_stale"] += 1


def _csrf(html: str | None) -> str:
    match = CSRF.search(html or "")
    return (match.group(1) or match.group(2)) if match else ""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def start_server(env: dict, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            str(workers),
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsoa:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    return server, f"http://127.0.0.1:{port}"


def wait_for(base: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/sign-in", timeout=1)  # noqa: S310  (our own loopback server)
            return
        except OSError:
            time.sleep(0.1)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--servers", type=int, default=SERVERS, help="gunicorn servers on the one database")
    parser.add_argument("--workers-per-server", type=int, default=None, help="default: LOAD_WORKERS shared out")
    return parser.parse_args()


def main() -> None:
    options = arguments()
    servers_wanted = max(1, options.servers)
    per_server = options.workers_per_server or max(1, WORKERS // servers_wanted)
    database = f"wsoa_load_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex, "WSOA_ENV": "development"}
    servers: list[subprocess.Popen] = []
    try:
        leads = prepare(env)
        bases = []
        for _ in range(servers_wanted):
            server, base = start_server(env, per_server)
            servers.append(server)
            bases.append(base)
        for base in bases:
            wait_for(base)
        results = {
            "latency": defaultdict(list),
            "errors": [],
            "acknowledged": [],
            "refused_stale": 0,
            "by_server": defaultdict(int),
        }
        started = time.monotonic()
        deadline = started + SECONDS
        threads = [Lead(bases, email, ids, deadline, results) for email, ids in leads]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 60)
        elapsed = time.monotonic() - started
        total = sum(len(v) for v in results["latency"].values())
        print(
            f"{len(leads)} leads arriving over {RAMP:g} s, reading {THINK:g} s a page on average, "
            f"{len(bases)} gunicorn server(s) of {per_server} workers each on one PostgreSQL database, {elapsed:.1f} s"
        )
        print("requests per server: " + ", ".join(f"{bases[n]}: {results['by_server'][n]}" for n in range(len(bases))))
        print(f"requests: {total}, throughput {total / elapsed:.1f} requests/s, errors: {len(results['errors'])}")
        print(f"{'page':<16}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        for page, values in results["latency"].items():
            print(
                f"{page:<16}{len(values):>7}{percentile(values, 0.5) * 1000:>9.0f}"
                f"{percentile(values, 0.95) * 1000:>9.0f}{percentile(values, 0.99) * 1000:>9.0f}"
            )
        everything = [v for values in results["latency"].values() for v in values]
        print(
            f"all pages: p50 {statistics.median(everything) * 1000:.0f} ms, p95 {percentile(everything, 0.95) * 1000:.0f} ms"
        )
        print(
            f"saves refused because another lead saved first (shown to the user, nothing lost): {results['refused_stale']}"
        )
        with psycopg.connect(url.replace("+psycopg", "")) as connection:
            stored = dict(
                connection.execute(
                    "SELECT narrative, COUNT(*) FROM progress_update WHERE narrative LIKE 'load-%' GROUP BY narrative"
                ).fetchall()
            )
            # Pages read each action's current state through its pointer: it must be the newest update stored.
            misdirected = connection.execute(POINTER_CHECK).fetchone()[0]
        acknowledged = results["acknowledged"]
        lost = [m for m in acknowledged if m not in stored]
        duplicated = [m for m, n in stored.items() if n > 1]
        unacknowledged = [m for m in stored if m not in set(acknowledged)]
        print(
            f"updates acknowledged: {len(acknowledged)}, stored: {len(stored)}, lost: {len(lost)}, "
            f"duplicated: {len(duplicated)}, stored but not acknowledged: {len(unacknowledged)}"
        )
        for error in results["errors"][:10]:
            print("error:", error)
        p95_ms = percentile(everything, 0.95) * 1000
        targets = [
            ("0 errors", not results["errors"], f"{len(results['errors'])} errors"),
            (
                "0 lost or duplicated updates",
                not lost and not duplicated,
                f"{len(lost)} lost, {len(duplicated)} duplicated",
            ),
            ("p95 under 300 ms", p95_ms < P95_TARGET_MS, f"p95 {p95_ms:.0f} ms"),
            (
                "every action points at its newest update",
                not misdirected,
                f"{misdirected} actions point elsewhere",
            ),
        ]
        for name, met, figure in targets:
            print(f"target {name}: {'MET' if met else 'MISSED'} ({figure})")
        if not all(met for _, met, _ in targets):
            sys.exit(1)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
