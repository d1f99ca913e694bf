"""A stacked RAG bar for the board report: SVG for HTML and PDF, PNG for Word. Deterministic output.

Every segment and the legend carry the word and the count, so the chart never relies on colour alone; the writers
also give it a text alternative (`describe`).
"""

from io import BytesIO
from typing import TYPE_CHECKING

from wsoa.domain.rag import NOT_RATED, rag_label
from wsoa.reports.svg import chart_settings

if TYPE_CHECKING:
    from collections.abc import Callable

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


def _svg(draw: "Callable[[], Figure]") -> str:
    """A figure as inline SVG markup (no XML prolog or DOCTYPE, so it can sit inside HTML)."""
    from matplotlib import rc_context

    buffer = BytesIO()
    with rc_context(RC):
        draw().savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue().decode("utf-8")
    return text[text.index("<svg") :]


def _png(draw: "Callable[[], Figure]", dpi: int) -> bytes:
    """A figure as a PNG, for Word, which cannot embed SVG."""
    from matplotlib import rc_context

    buffer = BytesIO()
    with rc_context(RC):
        draw().savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def rag_bar_svg(distribution: dict[str, int]) -> str:
    """The bar as inline SVG markup."""
    return _svg(lambda: _figure(distribution))


def rag_bar_png(distribution: dict[str, int], dpi: int = 150) -> bytes:
    """The bar as a PNG."""
    return _png(lambda: _figure(distribution), dpi)


# ----- the RAG counts of every review period, for the review pack -------------------------------------------------

History = tuple[tuple[str, tuple[int, ...]], ...]  # (period label, counts in ORDER), oldest first


def describe_history(history: History, caption: str) -> str:
    """The chart in words, period by period (the pack also prints the same figures as a table)."""
    periods = "; ".join(
        f"{label}: " + ", ".join(f"{n} {_label(key)}" for key, n in zip(ORDER, counts, strict=True))
        for label, counts in history
    )
    return f"{caption}: RAG ratings by review period. {periods or 'No review periods yet'}."


def _history_figure(history: History) -> "Figure":
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, 2.6))
    axes = figure.add_axes((0.07, 0.28, 0.9, 0.66))
    labels = [label if len(label) <= 14 else label[:13] + "…" for label, _ in history]
    bottoms = [0] * len(history)
    for index, key in enumerate(ORDER):
        heights = [counts[index] for _, counts in history]
        bars = axes.bar(
            range(len(history)), heights, bottom=bottoms, color=COLOURS[key], edgecolor="#ffffff", label=_label(key)
        )
        for bar, height, bottom in zip(bars, heights, bottoms, strict=True):
            if height:
                axes.text(
                    bar.get_x() + bar.get_width() / 2,
                    bottom + height / 2,
                    str(height),
                    ha="center",
                    va="center",
                    color=TEXT_ON[key],
                    weight="bold",
                )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_xticks(range(len(history)), labels)
    axes.set_ylabel("Actions")
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.get_major_locator().set_params(integer=True)
    if not history:
        axes.text(0.5, 0.5, "No review periods yet", ha="center", va="center", transform=axes.transAxes)
    figure.legend(loc="lower center", ncols=len(ORDER), frameon=False, bbox_to_anchor=(0.5, 0.0))
    return figure


def rag_history_svg(history: History) -> str:
    """Stacked RAG bars, one per review period, as SVG markup."""
    return _svg(lambda: _history_figure(history))


def rag_history_png(history: History, dpi: int = 150) -> bytes:
    return _png(lambda: _history_figure(history), dpi)
