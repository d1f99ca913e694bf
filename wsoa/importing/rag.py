"""RAG ratings from words, from a progress cell that starts with one, or from a cell's fill colour alone."""

import colorsys
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl.styles.colors import COLOR_INDEX

from config import IMPORTS_DIR
from wsoa.domain.rag import Rag

RAG_WORDS_FILE = IMPORTS_DIR / "rag-words.toml"
NOT_RATED = "none"
LONGEST_RATING_PREFIX = 40  # "In progress but at risk - ..." is about as long as a rating label gets
_NON_WORD = re.compile(r"[^0-9a-z]+")
# A rating written as a label at the start of a progress cell ends at a dash, colon, bracket or line break; a comma
# or full stop would also end ordinary prose ("Delayed, because ..."), so they do not count there.
_LABEL_END = re.compile(r"\s*(?:[-–—:;(\[]|\n)")

Rgb = tuple[int, int, int]

# Fill colours are matched by hue, the property that survives Excel's tints and shades: a pale "Good" green
# (C6EFCE) and a dark 00B050 are both green, while purple, pink-magenta and every grey are no rating at all. Each
# rating owns a band of hue degrees around its reference colour (red 0°, amber 40°, green 120°, blue 210°);
# a hue outside every band (purples 255°-340°) is far from every reference and gives no rating.
HUE_BANDS: tuple[tuple[float, float, Rag], ...] = (
    (340, 360, Rag.RED),
    (0, 12, Rag.RED),
    (12, 68, Rag.AMBER),
    (68, 170, Rag.GREEN),
    (170, 255, Rag.BLUE),
)
MIN_SATURATION = 0.16  # below this a fill is white, grey or a faint banding tint (DCE6F1, FCE4D6): formatting
MIN_BRIGHTNESS = 0.2  # near-black fills carry no readable hue


@cache
def rag_words(path: Path = RAG_WORDS_FILE) -> dict[str, str]:
    """{normalised word: rating} where rating is red/amber/green/blue or 'none' (deliberately not rated)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    allowed = {*(rating.value for rating in Rag), NOT_RATED}
    if unknown := sorted(set(data) - allowed):
        # A rating the tracker does not have would be stored and then fail wherever ratings are shown.
        raise ValueError(f"{path.name}: {', '.join(unknown)} is not a rating; use {', '.join(sorted(allowed))}")
    words = {}
    for rating, spellings in data.items():
        for spelling in spellings:
            if key := _normalise(spelling):
                words[key] = rating
    return words


def _normalise(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


@dataclass(frozen=True)
class RagReading:
    rating: str | None
    understood: bool  # False: the cell held words that are not a known rating


@lru_cache(maxsize=4096)  # RAG columns repeat a handful of words down thousands of rows
def rag_from_word(text: str | None) -> RagReading:
    """A RAG cell's words: 'G', 'Amber', 'Complete', 'Green (on track)'. An empty cell is understood as not rated."""
    value = _normalise(text or "")
    if not value:
        return RagReading(None, True)
    rating = rag_words().get(value)
    if rating is None:
        rating = _leading_rating(text or "")
    if rating is None:
        return RagReading(None, False)
    return RagReading(None if rating == NOT_RATED else rating, True)


def is_rating_word(text: str) -> bool:
    """Whether the text is exactly one of the rating words (including the deliberate 'not rated' ones)."""
    return _normalise(text) in rag_words()


def rag_from_progress(text: str | None) -> str | None:
    """'Amber - waiting for the data' → amber: only a known rating written as a label before the narrative."""
    if not text:
        return None
    rating = _leading_rating(text) or rag_words().get(_normalise(text))  # or the whole cell is one: "Complete"
    return None if rating in (None, NOT_RATED) else rating


def _leading_rating(text: str) -> str | None:
    """The longest known rating that ends at a label separator near the start of the text."""
    head = text[: LONGEST_RATING_PREFIX + 2].lstrip()
    found = None
    for end in _LABEL_END.finditer(head):
        rating = rag_words().get(_normalise(head[: end.start()]))
        if rating is not None:
            found = rating
    return found


# -- fill colours ----------------------------------------------------------------------------------------------------

_THEME_NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
# Excel numbers theme colours with the light/dark pairs swapped from their order in the theme XML.
_THEME_ORDER = (
    "lt1",
    "dk1",
    "lt2",
    "dk2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hlink",
    "folHlink",
)


def theme_colours(theme_xml: bytes | str | None) -> list[Rgb]:
    """The workbook theme's colour scheme in Excel's theme-index order; empty when there is no usable theme."""
    if not theme_xml:
        return []
    try:
        root = ElementTree.fromstring(theme_xml)  # noqa: S314  (the workbook's own theme part, already size-checked)
    except ElementTree.ParseError:
        return []
    scheme = root.find(".//a:clrScheme", _THEME_NS)
    if scheme is None:
        return []
    colours = {}
    for child in scheme:
        srgb = child.find("a:srgbClr", _THEME_NS)
        system = child.find("a:sysClr", _THEME_NS)
        value = srgb.get("val") if srgb is not None else (system.get("lastClr") if system is not None else None)
        if value and (rgb := _hex_to_rgb(value)):
            colours[child.tag.rsplit("}", 1)[-1]] = rgb
    return [colours[name] for name in _THEME_ORDER if name in colours]


def _hex_to_rgb(value: str) -> Rgb | None:
    digits = value[-6:]
    try:
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    except ValueError:
        return None


def apply_tint(rgb: Rgb, tint: float) -> Rgb:
    """Lighten (tint > 0) or darken (tint < 0) as Excel does: on the colour's HLS luminance (ECMA-376 18.8.19)."""
    if not tint:
        return rgb
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    red, green, blue = colorsys.hls_to_rgb(hue, min(max(lightness, 0.0), 1.0), saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def fill_rgb(fill, theme: Sequence[Rgb], palette: Sequence[str] = COLOR_INDEX) -> Rgb | None:
    """A cell's fill colour, resolving rgb, indexed (the workbook palette) and theme colours with tint."""
    if fill is None or getattr(fill, "fill_type", None) in (None, "none"):
        return None
    colour: Any = getattr(fill, "fgColor", None)
    kind = getattr(colour, "type", None)
    if kind == "rgb" and isinstance(colour.rgb, str):
        base = _hex_to_rgb(colour.rgb)
    elif kind == "indexed" and isinstance(colour.indexed, int) and 0 <= colour.indexed < len(palette):
        base = _hex_to_rgb(palette[colour.indexed])
    elif kind == "theme" and isinstance(colour.theme, int) and 0 <= colour.theme < len(theme):
        base = theme[colour.theme]
    else:
        return None
    return apply_tint(base, float(getattr(colour, "tint", 0) or 0)) if base else None


def rag_from_fill(fill, theme: Sequence[Rgb], palette: Sequence[str] = COLOR_INDEX) -> str | None:
    """The rating a fill colour means, or None for no fill, white, greys, faint tints and off-palette hues."""
    rgb = fill_rgb(fill, theme, palette)
    return None if rgb is None else rag_from_rgb(rgb)


@cache
def rag_from_rgb(rgb: Rgb) -> str | None:
    """The rating whose hue band holds this colour, if it is saturated and bright enough to be a rating."""
    # Cached: a workbook uses a handful of fill colours across thousands of cells.
    hue, saturation, brightness = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    if saturation < MIN_SATURATION or brightness < MIN_BRIGHTNESS:
        return None
    degrees = hue * 360
    for start, end, rating in HUE_BANDS:
        if start <= degrees < end:
            return rating.value
    return None
