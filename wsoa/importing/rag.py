"""RAG ratings from words, from a progress cell that starts with one, or from a cell's fill colour alone."""

import re
import tomllib
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

from openpyxl.styles.colors import COLOR_INDEX

from config import IMPORTS_DIR
from wsoa.domain.rag import Rag

RAG_WORDS_FILE = IMPORTS_DIR / "rag-words.toml"
NO_RATING = "none"
_WORD = re.compile(r"[^a-z/ ]+")
_LEADING = re.compile(r"^\s*(?P<word>[A-Za-z][A-Za-z /-]{0,20}?)\s*(?:[-–—:.,;]|\n)", re.UNICODE)

# Reference colours for fills: the Office palette and GOV.UK colours councils commonly use.
REFERENCE_COLOURS: dict[str, tuple[tuple[int, int, int], ...]] = {
    Rag.RED: ((255, 0, 0), (192, 0, 0), (212, 53, 28), (255, 80, 80), (244, 67, 54), (255, 199, 206)),
    Rag.AMBER: ((255, 192, 0), (255, 165, 0), (244, 119, 56), (255, 235, 156), (255, 217, 102), (247, 150, 70)),
    Rag.GREEN: ((0, 176, 80), (0, 255, 0), (0, 112, 60), (146, 208, 80), (198, 239, 206), (112, 173, 71)),
    Rag.BLUE: ((0, 112, 192), (0, 176, 240), (29, 112, 184), (91, 155, 213), (68, 114, 196), (189, 215, 238)),
}
MAX_DISTANCE = 110  # beyond this a fill is some other colour (white, grey, yellow highlight…), not a rating


@cache
def rag_words(path: Path = RAG_WORDS_FILE) -> dict[str, str]:
    """{normalised word: rating} where rating is red/amber/green/blue or 'none' (explicitly not rated)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {_normalise(word): rating for rating, words in data.items() for word in words}


def _normalise(text: str) -> str:
    return " ".join(_WORD.sub(" ", text.casefold()).split())


def rag_from_word(text: str) -> tuple[str | None, bool]:
    """(rating, understood). An empty cell is understood as no rating; an unknown word is not understood."""
    value = _normalise(text)
    if not value:
        return None, True
    rating = rag_words().get(value)
    if rating is None:
        return None, False
    return (None if rating == NO_RATING else rating), True


def rag_from_progress(text: str | None) -> str | None:
    """'Amber - waiting for the data' → amber. Only a known RAG word before a separator counts."""
    if not text:
        return None
    match = _LEADING.match(text)
    if not match:
        return None
    rating, understood = rag_from_word(match.group("word"))
    return rating if understood else None


def _hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value[-6:]
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _apply_tint(rgb: tuple[int, int, int], tint: float) -> tuple[int, int, int]:
    if not tint:
        return rgb
    if tint < 0:
        return tuple(round(c * (1 + tint)) for c in rgb)  # type: ignore[return-value]
    return tuple(round(c + (255 - c) * tint) for c in rgb)  # type: ignore[return-value]


_THEME_NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
# Excel's theme colour indexes put the light/dark pairs in the order lt1, dk1, lt2, dk2, then accents.
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


def theme_colours(theme_xml: bytes | str | None) -> list[tuple[int, int, int]]:
    if not theme_xml:
        return []
    try:
        root = ElementTree.fromstring(theme_xml)  # noqa: S314  (the workbook's own theme part, size-checked)
    except ElementTree.ParseError:
        return []
    scheme = root.find(".//a:clrScheme", _THEME_NS)
    if scheme is None:
        return []
    colours = {}
    for child in scheme:
        name = child.tag.split("}")[-1]
        srgb = child.find("a:srgbClr", _THEME_NS)
        system = child.find("a:sysClr", _THEME_NS)
        value = srgb.get("val") if srgb is not None else (system.get("lastClr") if system is not None else None)
        if value:
            colours[name] = _hex_to_rgb(value)
    return [colours[name] for name in _THEME_ORDER if name in colours]


def fill_rgb(fill, theme: list[tuple[int, int, int]]) -> tuple[int, int, int] | None:
    """The solid fill colour of a cell, resolving rgb, indexed and theme colours; None when unfilled."""
    if fill is None or getattr(fill, "fill_type", None) in (None, "none"):
        return None
    colour = getattr(fill, "fgColor", None)
    if colour is None:
        return None
    tint = getattr(colour, "tint", 0) or 0
    if colour.type == "rgb" and isinstance(colour.rgb, str) and len(colour.rgb) >= 6:
        return _apply_tint(_hex_to_rgb(colour.rgb), tint)
    if colour.type == "indexed" and isinstance(colour.indexed, int) and colour.indexed < len(COLOR_INDEX):
        return _apply_tint(_hex_to_rgb(COLOR_INDEX[colour.indexed]), tint)
    if colour.type == "theme" and isinstance(colour.theme, int) and colour.theme < len(theme):
        return _apply_tint(theme[colour.theme], tint)
    return None


def rag_from_fill(fill, theme: list[tuple[int, int, int]]) -> str | None:
    """The rating whose reference colours are nearest the fill, if any is near enough."""
    rgb = fill_rgb(fill, theme)
    return None if rgb is None else _nearest_rating(rgb)


@cache
def _nearest_rating(rgb: tuple[int, int, int]) -> str | None:
    # Cached: a workbook uses a handful of fill colours across thousands of cells.
    if max(rgb) - min(rgb) < 48:
        return None  # white, greys and black are formatting, not ratings
    best_rating, best_distance = None, float("inf")
    for rating, references in REFERENCE_COLOURS.items():
        for reference in references:
            distance = sum((a - b) ** 2 for a, b in zip(rgb, reference, strict=True)) ** 0.5
            if distance < best_distance:
                best_rating, best_distance = rating, distance
    return str(best_rating) if best_distance <= MAX_DISTANCE else None
