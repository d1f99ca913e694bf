"""RAG ratings from words and from fill colours, as councils write and paint them."""

import pytest
from openpyxl.writer.theme import theme_xml

from tests.importing.workbooks import solid
from wsoa.importing.rag import (
    apply_tint,
    rag_from_fill,
    rag_from_progress,
    rag_from_rgb,
    rag_from_word,
    rag_words,
    theme_colours,
)


@pytest.mark.parametrize(
    ("word", "rating"),
    [
        ("R", "red"),
        ("red", "red"),
        (" RED ", "red"),
        ("Off track", "red"),
        ("A", "amber"),
        ("Amber", "amber"),
        ("At risk", "amber"),
        ("G", "green"),
        ("On-track", "green"),
        ("On track", "green"),
        ("B", "blue"),
        ("Blue", "blue"),
        ("Complete", "blue"),
        ("Completed", "blue"),
        ("Green (on track)", "green"),
        ("Amber - slipping", "amber"),
        ("Not started", None),
        ("N/A", None),
        ("", None),
    ],
)
def test_rag_words_are_understood(word, rating):
    assert rag_from_word(word).rating == rating
    assert rag_from_word(word).understood


@pytest.mark.parametrize("word", ["Purple", "Sort of", "Greenish", "42"])
def test_unknown_rag_words_are_not_understood(word):
    assert rag_from_word(word).understood is False
    assert rag_from_word(word).rating is None


@pytest.mark.parametrize(
    ("progress", "rating"),
    [
        ("Amber - waiting for the data", "amber"),
        ("Green: on track, meeting held", "green"),
        ("RED\nNo progress this quarter", "red"),
        ("Complete", "blue"),
        ("Complete - policy published", "blue"),
        ("A meeting was held - next steps agreed", None),
        ("Delayed, because of Covid", None),
        ("Greenwood school joined", None),
        ("Not started - waiting for funding", None),
        (None, None),
    ],
)
def test_a_rating_that_starts_a_progress_cell(progress, rating):
    assert rag_from_progress(progress) == rating


@pytest.mark.parametrize(
    ("hex_colour", "rating"),
    [
        ("FF0000", "red"),
        ("C00000", "red"),
        ("C0504D", "red"),
        ("FFC7CE", "red"),  # Excel's "Bad" style
        ("F4CCCC", "red"),
        ("FFC000", "amber"),
        ("ED7D31", "amber"),
        ("F79646", "amber"),
        ("FFEB9C", "amber"),  # Excel's "Neutral" style
        ("FFFF00", "amber"),  # yellow stands in for amber in many trackers
        ("00B050", "green"),
        ("92D050", "green"),
        ("70AD47", "green"),
        ("C6EFCE", "green"),  # Excel's "Good" style
        ("D8E4BC", "green"),
        ("0070C0", "blue"),
        ("00B0F0", "blue"),
        ("4472C4", "blue"),
        ("BDD7EE", "blue"),
        ("002060", "blue"),
        ("FFFFFF", None),
        ("000000", None),
        ("A5A5A5", None),
        ("F2F2F2", None),
        ("DCE6F1", None),  # faint banding tints are formatting
        ("FCE4D6", None),
        ("7030A0", None),  # purple is no rating
        ("FF66FF", None),
        ("CCC0DA", None),
    ],
)
def test_fill_colours_map_to_the_nearest_rating_or_none(hex_colour, rating):
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))

    assert rag_from_rgb(rgb) == rating


def test_theme_colours_come_from_the_workbook_theme_in_excel_index_order():
    colours = theme_colours(theme_xml)

    assert colours[:6] == [(255, 255, 255), (0, 0, 0), (238, 236, 225), (31, 73, 125), (79, 129, 189), (192, 80, 77)]
    assert theme_colours(None) == []
    assert theme_colours(b"<not xml") == []


@pytest.mark.parametrize(
    ("rgb", "tint", "expected"),
    [
        ((0x44, 0x72, 0xC4), 0.3999, (0x8E, 0xA9, 0xDB)),  # Blue, Accent 1, Lighter 40%
        ((0x44, 0x72, 0xC4), -0.25, (0x2F, 0x55, 0x97)),  # Blue, Accent 1, Darker 25%
        ((0x4F, 0x81, 0xBD), 0.3999, (0x95, 0xB3, 0xD7)),
        ((0x4F, 0x81, 0xBD), 0, (0x4F, 0x81, 0xBD)),
    ],
)
def test_tints_lighten_and_darken_as_excel_does(rgb, tint, expected):
    assert all(abs(a - b) <= 1 for a, b in zip(apply_tint(rgb, tint), expected, strict=True))


def test_fills_by_rgb_palette_index_and_theme():
    theme = theme_colours(theme_xml)

    assert rag_from_fill(solid("FFFF0000"), theme) == "red"
    assert rag_from_fill(solid(indexed=10), theme) == "red"  # palette 10 is FF0000
    assert rag_from_fill(solid(indexed=17), theme) == "green"  # palette 17 is 008000
    assert rag_from_fill(solid(indexed=17), theme, palette=["00FFFFFF"] * 64) is None  # a workbook's own palette
    assert rag_from_fill(solid(theme=9), theme) == "amber"
    assert rag_from_fill(solid(theme=4, tint=0.6), theme) == "blue"
    assert rag_from_fill(solid(theme=4), []) is None  # no theme: unresolved, not a guess
    assert rag_from_fill(None, theme) is None


def test_an_area_adds_rating_words_in_the_data_file_but_cannot_invent_a_rating(tmp_path):
    words = tmp_path / "rag-words.toml"
    words.write_text('green = ["Sorted"]\nnone = ["Parked"]\n', encoding="utf-8")
    assert rag_words(words) == {"sorted": "green", "parked": "none"}

    invented = tmp_path / "invented.toml"
    invented.write_text('purple = ["Paused"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="purple is not a rating"):
        rag_words(invented)
