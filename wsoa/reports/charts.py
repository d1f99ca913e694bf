"""A KPI's trend as a chart: recorded values, the trajectory to the target, the target, and any benchmarks.

Drawn with matplotlib on a Figure of its own through the Agg canvas (no pyplot, no GUI). The SVG is made to sit
inside a page with a strict Content-Security-Policy: no XML prolog, no <style> element, no style attributes (they
become presentation attributes), ids prefixed so several charts can share a page, and a <title> and <desc> that the
root's role="img" and aria-labelledby point at. Output is deterministic (fixed hash salt, no date in the metadata).
Line styles differ as well as colours (solid with dots, dashed, dotted, dash-dot) and the legend names every line,
so the chart never relies on colour alone; pages also show the numbers as a table.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from wsoa.domain.wording import UNIT_AXIS_LABELS, format_value, uk_day
from wsoa.reports.svg import chart_settings, inlinable

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# GOV.UK colours.
BLUE, GREY, GREEN, PURPLE, BLACK, LIGHT_GREEN, MID_GREY = (
    "#1d70b8",
    "#505a5f",
    "#00703c",
    "#4c2c92",
    "#0b0c0c",
    "#cce2d8",
    "#b1b4b6",
)
BENCHMARK_COLOURS = ("#4c2c92", "#912b88", "#d4351c")
RC = {
    **chart_settings(hash_salt="wsoa-kpi", font_size=9),
    "axes.edgecolor": GREY,
    "axes.labelcolor": BLACK,
    "xtick.color": BLACK,
    "ytick.color": BLACK,
    "text.color": BLACK,
}
SIZES = {False: (7.0, 3.4), True: (4.8, 2.6)}  # inches: the KPI page, and the small chart on the priority page
# Fixed margins (a layout engine would draw every chart twice): room for the axis labels and the legend below.
MARGINS = {
    False: {"left": 0.1, "right": 0.98, "top": 0.94, "bottom": 0.23},
    True: {"left": 0.15, "right": 0.97, "top": 0.92, "bottom": 0.31},
}
MAX_LISTED_VALUES = 12  # the description lists every value up to this many, then the first, latest and extremes


@dataclass(frozen=True)
class KpiChartData:
    """Everything a KPI chart shows; plain values so reports and pages can build it without the database."""

    title: str
    unit: str | None = None
    direction: str = "higher"
    readings: tuple[tuple[date, float], ...] = ()
    trajectory: tuple[tuple[date, float], ...] = ()  # baseline, milestones and target, in date order
    target: tuple[date, float] | None = None
    benchmarks: tuple[tuple[str, float, date | None], ...] = ()
    band: tuple[float | None, float | None] | None = None
    status_label: str | None = None
    explanation: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.readings and not self.trajectory and self.target is None


def _value(value: float | None, unit: str | None) -> str:
    return format_value(value, unit)


def describe(data: KpiChartData) -> str:
    """The chart in words, for its <desc> and for anyone who cannot see it."""
    sentences = [
        f"Line chart of {data.title}"
        + (f", in {UNIT_AXIS_LABELS.get(data.unit, data.unit).lower()}" if data.unit else "")
        + "."
    ]
    if data.direction == "lower":
        sentences.append("Lower is better.")
    elif data.direction == "band":
        sentences.append("The aim is to stay within a band.")
    readings = sorted(data.readings)
    if not readings:
        sentences.append("No values recorded yet.")
    elif len(readings) <= MAX_LISTED_VALUES:
        listed = "; ".join(f"{uk_day(on)}: {_value(value, data.unit)}" for on, value in readings)
        sentences.append(f"{len(readings)} recorded {'value' if len(readings) == 1 else 'values'}: {listed}.")
    else:
        first, last = readings[0], readings[-1]
        high = max(readings, key=lambda r: (r[1], r[0]))
        low = min(readings, key=lambda r: (r[1], r[0]))
        sentences.append(
            f"{len(readings)} recorded values from {uk_day(first[0])} ({_value(first[1], data.unit)}) to "
            f"{uk_day(last[0])} ({_value(last[1], data.unit)}); highest {_value(high[1], data.unit)} on "
            f"{uk_day(high[0])}, lowest {_value(low[1], data.unit)} on {uk_day(low[0])}."
        )
    if data.trajectory:
        points = "; ".join(f"{uk_day(on)}: {_value(value, data.unit)}" for on, value in data.trajectory)
        sentences.append(f"Trajectory: {points}.")
    if data.target:
        sentences.append(f"Target: {_value(data.target[1], data.unit)} by {uk_day(data.target[0])}.")
    if data.band:
        low_bound, high_bound = data.band
        sentences.append(f"Band: {_band_words(low_bound, high_bound, data.unit)}.")
    for label, value, on in data.benchmarks:
        sentences.append(f"{label}: {_value(value, data.unit)}{f' ({uk_day(on)})' if on else ''}.")
    if data.status_label:
        sentences.append(f"Status: {data.status_label}.{f' {data.explanation}' if data.explanation else ''}")
    return " ".join(sentences)


def _band_words(low: float | None, high: float | None, unit: str | None) -> str:
    if low is not None and high is not None:
        return f"{_value(low, unit)} to {_value(high, unit)}"
    if low is not None:
        return f"at least {_value(low, unit)}"
    return f"at most {_value(high, unit)}"


def _figure(data: KpiChartData, small: bool) -> "Figure":
    # Imported here: matplotlib takes a third of a second to import, and only chart drawing needs it.
    from matplotlib import dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    figure = Figure(figsize=SIZES[small])
    figure.subplots_adjust(**MARGINS[small])
    FigureCanvasAgg(figure)  # the Agg canvas: no GUI backend, whatever MPLBACKEND says
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color=MID_GREY, linewidth=0.5)
    axes.set_axisbelow(True)

    dates = [on for on, _ in (*data.readings, *data.trajectory)] + ([data.target[0]] if data.target else [])
    dates += [on for _, _, on in data.benchmarks if on]
    values = [v for _, v in (*data.readings, *data.trajectory)] + ([data.target[1]] if data.target else [])
    values += [v for _, v, _ in data.benchmarks]
    if data.band:
        values += [v for v in data.band if v is not None]

    if data.band and data.band[0] is not None and data.band[1] is not None:
        axes.axhspan(data.band[0], data.band[1], facecolor=LIGHT_GREEN, edgecolor="none", label="Band to stay within")
    elif data.band:
        for bound in data.band:
            if bound is not None:
                axes.axhline(bound, color=GREEN, linewidth=1.2, linestyle=(0, (1, 1.5)), label="Band limit")
    if data.trajectory:
        axes.plot(
            [on for on, _ in data.trajectory],
            [v for _, v in data.trajectory],
            color=GREY,
            linewidth=1.5,
            linestyle=(0, (5, 3)),
            label="Trajectory",
        )
    if data.target:
        on, value = data.target
        axes.axhline(
            value, color=GREEN, linewidth=1.2, linestyle=(0, (1, 2)), label=f"Target {_value(value, data.unit)}"
        )
        axes.plot([on], [value], marker="D", markersize=5 if small else 6, color=GREEN, linestyle="none")
    for index, (label, value, _on) in enumerate(data.benchmarks):
        axes.axhline(
            value,
            color=BENCHMARK_COLOURS[index % len(BENCHMARK_COLOURS)],
            linewidth=1.1,
            linestyle=(0, (6, 2, 1, 2)),
            label=f"{label} {_value(value, data.unit)}",
        )
    readings = sorted(data.readings)
    if readings:
        axes.plot(
            [on for on, _ in readings],
            [v for _, v in readings],
            color=BLUE,
            linewidth=2,
            marker="o",
            markersize=3.5 if small else 4.5,
            label="Recorded values",
            zorder=3,
        )
        last_on, last_value = readings[-1]
        axes.annotate(
            _value(last_value, data.unit),
            (last_on, last_value),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontweight="bold",
            color=BLUE,
        )
    else:
        axes.text(
            0.5,
            0.5,
            "No values recorded yet" if not data.is_empty else "No values, baseline or target yet",
            transform=axes.transAxes,
            ha="center",
            va="center",
            color=GREY,
        )

    if dates:
        start, end = min(dates), max(dates)
        if start == end:
            start, end = start - timedelta(days=45), end + timedelta(days=45)
        margin = timedelta(days=max(7, (end - start).days // 25))
        axes.set_xlim(start - margin, end + margin)
        axes.xaxis.set_major_locator(_month_locator(start, end, 5 if small else 8))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %y" if small else "%b %Y"))
    else:
        axes.set_xticks([])
    if values:
        low, high = min(values), max(values)
        floor = 0.0 if low >= 0 else low  # counts and percentages start from zero, so the slope is honest
        if high == floor:
            high = floor + 1
        headroom = (high - floor) * 0.12
        # A value or target of exactly zero ("no permanent exclusions") sits just above the axis, not on it.
        bottom = floor - headroom if floor < 0 else (-(high * 0.04) if low == 0 else 0.0)
        axes.set_ylim(bottom, high + headroom)
    whole = data.unit in ("number", "days", "weeks") and all(float(v).is_integer() for v in values)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4 if small else 6, integer=whole))
    if data.unit == "%":
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
    axis_label = UNIT_AXIS_LABELS.get(data.unit or "", "Value")
    if data.direction == "lower":
        axis_label += " (lower is better)"
    axes.set_ylabel(axis_label)
    handles, labels = axes.get_legend_handles_labels()
    if handles:
        figure.legend(
            handles,
            labels,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=2 if small else 4,
            frameon=False,
            fontsize=8 if small else 9,
        )
    return figure


def _month_locator(start: date, end: date, max_ticks: int):
    """Ticks on the first of a month, every 1, 2, 3, 4 or 6 months or whole years: never more than `max_ticks`."""
    from matplotlib import dates as mdates

    months = (end.year - start.year) * 12 + end.month - start.month + 1
    for step in (1, 2, 3, 4, 6, 12):
        if months / step <= max_ticks:
            return mdates.MonthLocator(bymonth=range(1, 13, step), bymonthday=1)
    years = -(-months // (12 * max_ticks))
    return mdates.YearLocator(base=years, month=1, day=1)


_ROOT = re.compile(r"<svg\b([^>]*)>")
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "chart"


def _accessible_svg(raw: str, *, title: str, description: str, id_prefix: str, labelled: bool = True) -> str:
    prefix = _slug(id_prefix)
    svg = inlinable(raw, prefix)
    labels = f' aria-labelledby="{prefix}-title {prefix}-desc"' if labelled else ""
    opening = (
        f'<svg{{}} role="img"{labels} focusable="false" class="app-kpi-chart" '
        f'stroke-linejoin="round" stroke-linecap="butt">'
        f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(description)}</desc>'
    )
    # No fixed width or height: the viewBox keeps the shape and the chart fills its container.
    return _ROOT.sub(lambda m: opening.replace("{}", _SIZE.sub("", m.group(1)), 1), svg, count=1).strip()


def _render(data: KpiChartData, fmt: str, small: bool, **save: Any) -> bytes:
    from matplotlib import rc_context

    buffer = BytesIO()
    with rc_context(RC):
        _figure(data, small).savefig(buffer, format=fmt, **save)
    return buffer.getvalue()


def kpi_trend_svg(
    kpi_data: KpiChartData, *, id_prefix: str = "kpi-chart", small: bool = False, labelled: bool = True
) -> str:
    """The chart as inline SVG markup: title and description inside, role="img", no styles, ids under `id_prefix`."""
    raw = _render(kpi_data, "svg", small, metadata={"Date": None}).decode("utf-8")
    return _accessible_svg(
        raw,
        title=f"Trend of {kpi_data.title}",
        description=describe(kpi_data),
        id_prefix=id_prefix,
        labelled=labelled,
    )


def kpi_trend_png(kpi_data: KpiChartData, *, small: bool = False, dpi: int = 150) -> bytes:
    """The chart as a PNG, for Word, which cannot embed SVG."""
    return _render(kpi_data, "png", small, dpi=dpi, metadata={"Software": None})


# The board report's KPI lines (wsoa.reports.assemble.KpiLine) carry the same facts under their own names.


def chart_data_from_report_line(line: Any) -> KpiChartData:
    """Chart data from a board-report KPI line (duck-typed, so this module does not depend on the report)."""
    target = (line.target_on, line.target_value) if line.target_on and line.target_value is not None else None
    return KpiChartData(
        title=line.name,
        unit=line.unit,
        direction=line.direction,
        readings=tuple(line.readings),
        trajectory=tuple(line.trajectory),
        target=target,
        status_label=getattr(line, "status_label", None),
        explanation=line.explanation,
    )


def report_kpi_trend_svg(line: Any) -> str:
    """A report KPI line's chart as SVG; the report wraps it in its own labelled figure."""
    return kpi_trend_svg(chart_data_from_report_line(line), id_prefix=f"report-kpi-{line.id}", labelled=False)


def report_kpi_trend_png(line: Any) -> bytes:
    """A report KPI line's chart as PNG, for Word."""
    return kpi_trend_png(chart_data_from_report_line(line))
