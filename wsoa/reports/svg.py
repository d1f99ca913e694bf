"""What every chart shares: the Matplotlib settings that make its SVG deterministic, and the clean-up that makes
that SVG safe to inline in a page with a strict CSP, any number of times."""

import re
from typing import Any

_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_STYLE_ELEMENT = re.compile(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|xlink:href="#|href="#)([^)"]+)')


def chart_settings(hash_salt: str, font_size: int) -> dict[str, Any]:
    """Matplotlib rc settings: the same ids on every run (hash salt), text kept as text, GOV.UK-like fonts."""
    return {
        "svg.hashsalt": hash_salt,
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["Liberation Sans", "DejaVu Sans", "Arial"],
        "font.size": font_size,
    }


def _presentation_attributes(match: re.Match) -> str:
    declarations = [part.split(":", 1) for part in match.group(1).split(";") if ":" in part]
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in declarations)


def inlinable(svg: str, id_prefix: str) -> str:
    """Matplotlib SVG from its <svg> element on, without metadata or the <style> element (inline, its `*` rule would
    style the whole page); style attributes become presentation attributes (style-src 'self' blocks style
    attributes); every id starts with `id_prefix`, so several charts in one document do not collide."""
    svg = svg[svg.index("<svg") :]
    svg = _METADATA.sub("", svg)
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
    svg = _ID.sub(lambda m: f'id="{id_prefix}-{m.group(1)}"', svg)
    return _REFERENCE.sub(lambda m: f"{m.group(1)}{id_prefix}-{m.group(2)}", svg)
