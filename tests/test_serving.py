"""Served as the README says: `gunicorn 'wsoa:create_app()'` from the checkout, which reads gunicorn.conf.py there.

A board paper's PDF takes seconds (most of a minute for a very large plan). While one is being written, everyone else
must still be answered, and the request must not be cut off as a stuck worker. gunicorn's defaults (one sync worker,
killed after its timeout) fail both; this starts the real server on its own SQLite database and checks both."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from config import BASE_DIR
from tests.conftest import csrf_token_from

pytestmark = pytest.mark.slow  # starts gunicorn and typesets a PDF

BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple"
EMAIL = "board.member@example.org"
# Far below the seconds a PDF takes, so the paper outlasts it: a worker judged by its requests would be killed.
WORKER_TIMEOUT_SECONDS = 1
LARGE_PLAN_ID = 2  # after the demo plan
BUILD_LARGE_PLAN = """
import runpy
from wsoa import create_app
bench = runpy.run_path("benchmarks/bench_reports.py")
with create_app().app_context():
    assert bench["build_large_plan"](1000) == 2
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo plan served by gunicorn with the repository's configuration; yields the address."""
    folder = tmp_path_factory.mktemp("served")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'wsoa.sqlite'}",
        "SECRET_KEY": "serving-test-" + "k" * 32,
        "WSOA_ENV": "development",
        "WEB_CONCURRENCY": "2",
    }

    def wsoa(*args: str) -> None:
        subprocess.run([str(BIN / "wsoa"), *args], env=env, cwd=BASE_DIR, check=True, capture_output=True)

    wsoa("db", "upgrade")
    wsoa("load-demo")
    # Typst writes the demo plan's paper in well under a second; a 1,000-action plan's takes longer than the worker
    # timeout below, so the download shows whether a long request is cut off.
    subprocess.run([sys.executable, "-c", BUILD_LARGE_PLAN], env=env, cwd=BASE_DIR, check=True, capture_output=True)
    wsoa("create-user", "--email", EMAIL, "--name", "Board member", "--level", "viewer", "--password", PASSWORD)
    port = free_port()
    log = (folder / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            str(WORKER_TIMEOUT_SECONDS),
            "wsoa:create_app()",
        ],
        env=env,
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{address}/healthz", timeout=1)  # noqa: S310  (our own loopback server)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start: " + (folder / "gunicorn.log").read_text())
        yield address, folder / "gunicorn.log"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def signed_in(address: str) -> urllib.request.OpenerDirector:
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with browser.open(f"{address}/sign-in", timeout=10) as page:
        token = csrf_token_from(page.read().decode())
    form = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token}).encode()
    with browser.open(f"{address}/sign-in", data=form, timeout=10) as page:
        assert "Sign out" in page.read().decode()
    return browser


def test_others_are_answered_while_a_board_paper_is_written_and_the_paper_is_not_cut_off(served):
    address, log = served
    board_member = signed_in(address)
    paper: dict = {}

    def download() -> None:
        started = time.perf_counter()
        with board_member.open(f"{address}/plans/{LARGE_PLAN_ID}/reports?format=pdf", timeout=120) as response:
            paper.update(status=response.status, body=response.read(), type=response.headers["Content-Type"])
        paper["seconds"] = time.perf_counter() - started

    writing = threading.Thread(target=download)
    writing.start()
    waits = []
    someone_else = signed_in(address)
    while writing.is_alive():
        started = time.perf_counter()
        with someone_else.open(f"{address}/plans/1", timeout=30) as page:
            assert page.status == 200
        waits.append(time.perf_counter() - started)
        time.sleep(0.2)
    writing.join()

    assert paper.get("status") == 200, log.read_text()
    assert paper["type"] == "application/pdf"
    assert paper["body"].startswith(b"%PDF")
    assert paper["seconds"] > WORKER_TIMEOUT_SECONDS  # outlasted the worker timeout and was still delivered whole
    assert "WORKER TIMEOUT" not in log.read_text()
    assert len(waits) >= 3, "the paper was written too quickly to show anything"
    assert max(waits) < 2.0, f"the plan page waited {max(waits):.1f} s for the board paper"
