"""The board report as HTML: the charts for it (also the SVG the PDF places), and the standalone HTML file.

The page in the app renders templates/reports/board_report.html through Flask; the standalone document is rendered
here with its own Jinja environment over the same templates, so the CLI needs no request. The PDF is typeset from the
same report model by wsoa.reports.pdf.
"""

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from config import TEMPLATES_DIR
from wsoa.domain.wording import format_number, uk_day, uk_moment
from wsoa.reports import rag_chart
from wsoa.reports.model import BoardReport, KpiLine
from wsoa.reports.svg import inlinable

if TYPE_CHECKING:
    from wsoa.reports.review_pack import ReviewPack

STANDALONE_TEMPLATE = "reports/board_report_standalone.html"


def css_string(value: str) -> Markup:
    """A quoted CSS string that cannot end the string or the <style> element it sits in."""
    escaped = (
        str(value)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("<", "\\3C ")
        .replace(">", "\\3E ")
        .replace("\r", "")
        .replace("\n", "\\A ")
    )
    return Markup(f'"{escaped}"')  # noqa: S704  (escaped above for CSS; HTML escaping would corrupt it)


@cache
def environment() -> Environment:
    """A Jinja environment over the app's templates with the filters the report uses."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )
    env.filters.update(uk_date=uk_day, uk_datetime=uk_moment, number=format_number, css_string=css_string)
    return env


# Charts are pure functions of their data and take 15-90 ms each to draw, so each process keeps the latest few
# hundred: the same report viewed, then downloaded as PDF, or opened by several board members, draws them once.
CHART_CACHE_SIZE = 512


@lru_cache(maxsize=CHART_CACHE_SIZE)
def rag_bar(distribution: tuple[tuple[str, int], ...], caption: str) -> Markup:
    """A priority's (or the plan's) stacked RAG bar as inline SVG with its description."""
    counts = dict(distribution)
    return _figure(rag_chart.rag_bar_svg(counts), rag_chart.describe(counts, caption), caption)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def kpi_chart(kpi: KpiLine) -> Markup | None:
    """The KPI's trend chart as inline SVG, when it has values to draw."""
    if not kpi.readings:
        return None
    from wsoa.reports.charts import report_kpi_trend_svg

    return _figure(report_kpi_trend_svg(kpi), f"Trend of {kpi.name}: {kpi.explanation}", f"kpi-{kpi.id}")


@lru_cache(maxsize=CHART_CACHE_SIZE)
def rag_bar_source(distribution: tuple[tuple[str, int], ...]) -> str:
    """A stacked RAG bar as the SVG document matplotlib draws (for the PDF, which places it as an image)."""
    return rag_chart.rag_bar_svg(dict(distribution))


@lru_cache(maxsize=CHART_CACHE_SIZE)
def kpi_chart_source(kpi: KpiLine) -> str:
    """A KPI's trend chart as an SVG document (for the PDF)."""
    from wsoa.reports.charts import report_kpi_trend_svg

    return report_kpi_trend_svg(kpi)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def rag_history(history: rag_chart.History, description: str, key: str) -> Markup:
    """A priority's RAG counts per review period as inline SVG with its description (the review pack)."""
    return _figure(rag_chart.rag_history_svg(history), description, key)


def pack_charts(pack: "ReviewPack") -> dict[str, Markup]:
    """Every chart the review pack shows as inline SVG, keyed 'history-N' and 'kpi-ID'."""
    charts: dict[str, Markup] = {}
    for section in pack.priorities:
        charts[f"history-{section.number}"] = rag_history(
            section.history, section.history_description, f"history-{section.number}"
        )
        for kpi in section.kpis:
            if chart := kpi_chart(kpi.line):
                charts[f"kpi-{kpi.line.id}"] = chart
    return charts


def chart_markup(report: BoardReport) -> dict[str, Markup]:
    """Every chart the report shows as inline SVG, keyed 'plan', 'priority-N' and 'kpi-ID'."""
    charts: dict[str, Markup] = {
        "plan": rag_bar(tuple(report.summary.plan.distribution.items()), report.summary.plan.title)
    }
    for section in report.priorities:
        charts[f"priority-{section.number}"] = rag_bar(
            tuple(section.row.distribution.items()), f"Priority {section.number}"
        )
        for kpi in section.kpis:
            if chart := kpi_chart(kpi):
                charts[f"kpi-{kpi.id}"] = chart
    return charts


_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")


def inline_svg(svg: str, prefix: str) -> str:
    """Matplotlib SVG made safe to inline, any number of times, in a page with a strict CSP.

    See `svg.inlinable`; the root also carries the line joins and caps the dropped <style> element set.
    """
    return inlinable(svg, prefix).replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)


def _figure(svg: str, description: str, key: str) -> Markup:
    clean = inline_svg(svg, f"chart-{re.sub(r'[^A-Za-z0-9-]+', '-', key).lower()}")
    return Markup('<div role="img" aria-label="{}">{}</div>').format(description, Markup(clean))  # noqa: S704


def render_standalone(report: BoardReport) -> str:
    """The whole report as one self-contained HTML document: styles and charts inline, A4 print rules."""
    template = environment().get_template(STANDALONE_TEMPLATE)
    html = template.render(report=report, charts=chart_markup(report), standalone=True)
    # The template's indentation between tags is a fifth of a 1,000-action document.
    return _BETWEEN_TAGS.sub("><", html)
