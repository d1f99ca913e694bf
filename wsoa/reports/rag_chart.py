"""A stacked RAG bar for the board report: SVG for HTML and PDF, PNG for Word. Deterministic output.

Every segment and the legend carry the word and the count, so the chart never relies on colour alone; the writers
also give it a text alternative (`describe`).
"""

from io import BytesIO
from typing import TYPE_CHECKING

from wsoa.domain.rag import NOT_RATED, rag_label
from wsoa.reports.svg import chart_settings

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# GOV.UK colours, as the tags in the app use.
COLOURS = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "blue": "#1d70b8", NOT_RATED: "#b1b4b6"}
TEXT_ON = {"red": "#ffffff", "amber": "#0b0c0c", "green": "#ffffff", "blue": "#ffffff", NOT_RATED: "#0b0c0c"}
ORDER = ("red", "amber", "green", "blue", NOT_RATED)
RC = chart_settings(hash_salt="wsoa", font_size=8)
WIDTH_INCHES = 7.0
HEIGHT_INCHES = 0.75
# A segment narrower than this share of the bar has its count only in the legend.
MIN_LABELLED_SHARE = 0.05


def _label(key: str) -> str:
    return rag_label(None if key == NOT_RATED else key)


def describe(distribution: dict[str, int], caption: str | None = None) -> str:
    """The chart in words: 'Priority 1: 2 Red, 3 Amber, 5 Green, 1 Blue, 0 Not rated (11 actions)'."""
    parts = ", ".join(f"{distribution.get(key, 0)} {_label(key)}" for key in ORDER)
    total = sum(distribution.get(key, 0) for key in ORDER)
    return f"{caption + ': ' if caption else ''}{parts} ({total} {'action' if total == 1 else 'actions'})"


def _figure(distribution: dict[str, int]) -> "Figure":
    # Imported here: matplotlib takes a third of a second to import, and only reports draw charts.
    from matplotlib.figure import Figure  # a Figure of its own, not pyplot: no global state, no GUI backend
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES))
    axes = figure.add_axes((0.005, 0.42, 0.99, 0.55))
    axes.set_axis_off()
    total = sum(distribution.get(key, 0) for key in ORDER)
    axes.set_xlim(0, total or 1)
    axes.set_ylim(0, 1)
    left = 0
    for key in ORDER:
        count = distribution.get(key, 0)
        if not count:
            continue
        axes.add_patch(Rectangle((left, 0), count, 1, facecolor=COLOURS[key], edgecolor="#ffffff", linewidth=0.8))
        if count / total >= MIN_LABELLED_SHARE:
            axes.text(left + count / 2, 0.5, str(count), ha="center", va="center", color=TEXT_ON[key], weight="bold")
        left += count
    if not total:
        axes.add_patch(Rectangle((0, 0), 1, 1, facecolor="#ffffff", edgecolor="#b1b4b6", linewidth=0.8))
        axes.text(0.5, 0.5, "No actions", ha="center", va="center", color="#0b0c0c")
    # The legend: a square of colour, then the word and count, for every rating (zeros too).
    x = 0.005
    for key in ORDER:
        figure.patches.append(
            Rectangle(
                (x, 0.1),
                0.012,
                0.2,
                transform=figure.transFigure,
                figure=figure,
                facecolor=COLOURS[key],
                edgecolor="#0b0c0c",
                linewidth=0.4,
            )
        )
        figure.text(x + 0.017, 0.2, f"{_label(key)} {distribution.get(key, 0)}", va="center", color="#0b0c0c")
        x += 0.14
    return figure


def rag_bar_svg(distribution: dict[str, int]) -> str:
    """The bar as inline SVG markup (no XML prolog or DOCTYPE, so it can sit inside HTML)."""
    from matplotlib import rc_context

    buffer = BytesIO()
    with rc_context(RC):
        _figure(distribution).savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue().decode("utf-8")
    return text[text.index("<svg") :]


def rag_bar_png(distribution: dict[str, int], dpi: int = 150) -> bytes:
    """The bar as a PNG, for Word, which cannot embed SVG."""
    from matplotlib import rc_context

    buffer = BytesIO()
    with rc_context(RC):
        _figure(distribution).savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
