"""The Jinja filters that turn stored values into what people read: confidence words and evidence links."""

import pytest
from markupsafe import Markup

from wsoa.formatting import confidence_label, linkify


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("green", "High"), ("amber", "Medium"), ("red", "Low"), (None, "Not yet known"), ("", "Not yet known")],
)
def test_confidence_is_shown_in_the_words_the_form_asks_it_in(stored, shown):
    assert confidence_label(stored) == shown


def test_an_http_or_https_address_becomes_a_link_and_the_rest_stays_text():
    html = linkify("Minutes at https://example.org/board?item=5&v=2 and http://example.com/x")
    assert isinstance(html, Markup)
    assert html == (
        'Minutes at <a class="govuk-link" href="https://example.org/board?item=5&amp;v=2" rel="noreferrer">'
        "https://example.org/board?item=5&amp;v=2</a> and "
        '<a class="govuk-link" href="http://example.com/x" rel="noreferrer">http://example.com/x</a>'
    )


def test_a_capitalised_scheme_is_still_a_web_address():
    assert 'href="HTTPS://Example.org/A"' in linkify("See HTTPS://Example.org/A")


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "ftp://example.org/file",
        "vbscript:msgbox",
        "//example.org/no-scheme",
        "https://",
        "xhttps://example.org",
    ],
)
def test_other_schemes_and_non_addresses_stay_plain_text(text):
    html = linkify(text)
    assert "<a " not in html
    assert html == Markup.escape(text)


def test_markup_in_the_text_is_escaped_around_links_and_inside_them():
    html = linkify("<script>alert('x')</script> https://example.org/<b>bold</b> \"quoted\"")
    assert "<script>" not in html
    assert "<b>" not in html
    assert html.startswith("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; ")
    assert (
        '<a class="govuk-link" href="https://example.org/" rel="noreferrer">https://example.org/</a>&lt;b&gt;' in html
    )
    assert html.endswith("&#34;quoted&#34;")


def test_an_address_cannot_break_out_of_its_attribute():
    html = linkify('https://example.org/"onmouseover="alert(1)')
    assert html.startswith('<a class="govuk-link" href="https://example.org/" rel="noreferrer">')
    assert 'onmouseover="' not in html


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("See https://example.org/report.", "https://example.org/report"),
        ("(https://example.org/report)", "https://example.org/report"),
        ("https://en.wikipedia.org/wiki/SEND_(UK)", "https://en.wikipedia.org/wiki/SEND_(UK)"),
        ("https://example.org/a, https://example.org/b;", "https://example.org/a"),
    ],
)
def test_punctuation_after_an_address_is_left_out_of_the_link(text, href):
    html = linkify(text)
    assert f'href="{href}"' in html
    assert html.count("<a ") == text.count("://")


def test_line_breaks_are_kept_and_nothing_is_nothing():
    assert linkify("one\nhttps://example.org\nthree") == (
        'one\n<a class="govuk-link" href="https://example.org" rel="noreferrer">https://example.org</a>\nthree'
    )
    assert linkify(None) == Markup("")
    assert linkify("") == Markup("")
