"""`pytest -m "not slow"` is the quick local run: it leaves out every browser, serving and PDF test, and only those."""

import subprocess
import sys

from config import BASE_DIR


def collected(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", *args],
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        timeout=300,
    )
    assert result.returncode in (0, 5), result.stdout + result.stderr  # 5: nothing collected
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_the_quick_run_leaves_out_browser_serving_and_pdf_tests_and_keeps_the_rest():
    paths = ["tests/browser", "tests/test_serving.py", "tests/reports", "tests/cli/test_report_command.py"]
    quick = collected("-m", "not slow", *paths)
    everything = collected(*paths)
    assert quick, "the quick run still runs the other report tests"
    assert not [test for test in quick if "tests/browser/" in test or "test_serving" in test or "test_pdf.py" in test]
    assert not [test for test in quick if "[pdf]" in test or "::test_pdf_" in test], "no PDF test is left in"
    assert any("tests/browser/" in test for test in everything), "the full run (CI) still runs the browser tests"
    assert any("[pdf]" in test for test in everything), "and the PDF ones"
