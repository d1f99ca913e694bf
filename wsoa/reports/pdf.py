"""The board report as PDF (WeasyPrint): A4 landscape, running header, "Page x of y", table headers on every page."""

from wsoa.bulk import fewer_garbage_collections
from wsoa.reports.assemble import BoardReport
from wsoa.reports.html import render_standalone


@fewer_garbage_collections()  # a large plan makes millions of short-lived objects
def render_pdf(report: BoardReport) -> bytes:
    """The standalone HTML document laid out by WeasyPrint; charts stay vector (inline SVG)."""
    from weasyprint import HTML  # imported here: it takes half a second, and only PDF needs it

    return HTML(string=render_standalone(report), base_url=None).write_pdf()
