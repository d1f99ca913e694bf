"""What `wsoa` loads as it starts: commands that handle no request leave out the views, the forms and every report
library, so they start quickly; every command that serves pages, and the app gunicorn builds, gets every route."""

import json
import os
import subprocess
import sys

from config import IMPORTS_DIR

SAMPLE = IMPORTS_DIR / "demo" / "shropshire-wsoa.xlsx"
# Prints, after the command, the modules it loaded and the routes its app has.
RUN_AND_LIST = """
import json, sys
from flask import current_app
from wsoa.cli import cli
routes = []
@cli.result_callback()
def list_routes(*args, **kwargs):
    routes.extend(sorted(rule.endpoint for rule in current_app.url_map.iter_rules()))
cli.main(sys.argv[1:], standalone_mode=False)
print(json.dumps({"modules": sorted(sys.modules), "routes": routes}))
"""
HEAVY = (
    "wsoa.views.",
    "wsoa.forms",
    "wsoa.reports",
    "govuk_frontend_wtf.main",
    "typst",
    "matplotlib",
    "docx",
    "email_validator",
)


def run(tmp_path, *args: str) -> dict:
    environment = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'start.sqlite'}", "WSOA_ENV": "development"}
    finished = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, *args], capture_output=True, text=True, env=environment, check=False
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_import_plan_starts_without_views_forms_or_report_libraries(tmp_path, app):
    loaded = run(tmp_path, "import-plan", str(SAMPLE), "--dry-run", "--json")
    assert [m for m in loaded["modules"] if m.startswith(HEAVY)] == []
    assert "openpyxl" in loaded["modules"], "the check would see a module that was loaded"
    assert loaded["routes"] == ["static"]


def test_a_command_that_serves_pages_gets_every_route_and_no_report_library(tmp_path, app):
    loaded = run(tmp_path, "routes")
    assert loaded["routes"] == sorted(rule.endpoint for rule in app.url_map.iter_rules())
    assert len(loaded["routes"]) > 50
    assert [m for m in loaded["modules"] if m.startswith(("typst", "matplotlib", "docx"))] == []
