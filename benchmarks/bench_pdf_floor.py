"""How fast WeasyPrint can go at all on the 1,000-action board report: the report against two stripped-down copies.

The board report's PDF target (10 s for 1,000 actions, benchmarks/bench_reports.py) is missed. This shows why, by
laying out three documents with the report's own page set-up (A4 landscape, 8pt Liberation Sans):

- baseline: every table row of the report as one plain paragraph (its cells' text joined, no other markup);
- the same rows and cells as bare tables: no styles, no colours, no borders, no repeated headers;
- the report as it is.

The bare tables are the least any tabular PDF of this content can cost: what the report adds on top of them (RAG
colours, borders, headers on every page, rows kept whole) is the gap between the last two lines.

    .venv/bin/python benchmarks/bench_pdf_floor.py
    BENCH_ACTIONS=500 .venv/bin/python benchmarks/bench_pdf_floor.py
"""

import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser

from bench_reports import ACTIONS, TARGETS, build_large_plan
from flask_migrate import upgrade

from config import Test
from wsoa import create_app
from wsoa.extensions import db
from wsoa.reports.assemble import ReportOptions
from wsoa.reports.html import render_standalone
from wsoa.services.reports import build_report, default_period_id, load_report_source

RUNS = int(os.environ.get("BENCH_RUNS", "1"))
PAGE = (
    "@page { size: A4 landscape; margin: 18mm 14mm 16mm 14mm; }"
    " html { font-family: 'Liberation Sans', Arial, sans-serif; font-size: 8pt; line-height: 1.25; }"
)


class TableRows(HTMLParser):
    """Every table row of a document, as the text of each of its cells."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def document(body: str) -> str:
    return f'<!DOCTYPE html><html lang="en-GB"><head><style>{PAGE}</style></head><body>{body}</body></html>'


def as_paragraphs(rows: list[list[str]]) -> str:
    return document("".join(f"<p>{escape(' · '.join(row))}</p>" for row in rows))


def as_bare_tables(rows: list[list[str]], rows_per_table: int = 125) -> str:
    tables = (
        "<table>" + "".join(f"<tr>{''.join(f'<td>{escape(c)}</td>' for c in row)}</tr>" for row in chunk) + "</table>"
        for chunk in (rows[n : n + rows_per_table] for n in range(0, len(rows), rows_per_table))
    )
    return document("".join(tables))


def pdf_seconds(html: str) -> tuple[float, int]:
    """Median seconds to lay out and write the PDF, and its number of pages."""
    from weasyprint import HTML

    times, pages = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        rendered = HTML(string=html).render()
        rendered.write_pdf()
        times.append(time.perf_counter() - started)
        pages = len(rendered.pages)
    return statistics.median(times), pages


def report_html() -> str:
    config = Test()
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    os.close(handle)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
    try:
        with create_app(config).app_context():
            upgrade()
            source = load_report_source(build_large_plan(ACTIONS))
            options = ReportOptions(period_id=default_period_id(source))
            report = build_report(
                source, options, generated_by="Benchmark", generated_at=datetime(2026, 1, 1, tzinfo=UTC)
            )
            html = render_standalone(report)
            db.session.remove()
            db.engine.dispose()
    finally:
        os.unlink(path)
    return html


def main() -> None:
    html = report_html()
    parser = TableRows()
    parser.feed(html)
    rows = [row for row in parser.rows if row]
    cells = sum(len(row) for row in rows)
    print(f"{ACTIONS:,}-action board report: {len(rows):,} table rows, {cells:,} cells")
    baseline, baseline_pages = pdf_seconds(as_paragraphs(rows))
    print(f"  baseline: the rows as plain paragraphs  {baseline:6.1f} s  {baseline_pages:4} pages")
    for name, variant in (("the rows as bare tables", as_bare_tables(rows)), ("the report as it is", html)):
        seconds, pages = pdf_seconds(variant)
        print(f"  {name:<37}  {seconds:6.1f} s  {pages:4} pages  {seconds / baseline:5.1f}x baseline")
        print(f"    {seconds / cells * 1000:.2f} ms a cell; target {TARGETS['pdf']:.0f} s for the whole report")


if __name__ == "__main__":
    main()
