"""Jinja filters: UK dates, RAG tags, confidence, numbers, links in free text."""

import re

from flask import Flask, request
from markupsafe import Markup, escape

from wsoa.domain.rag import rag_label, rag_meaning, rag_tag_class
from wsoa.domain.updates import CONFIDENCE_LEVELS
from wsoa.domain.wording import format_number, format_value, uk_day, uk_moment


def rag_tag(rag: str | None) -> Markup:
    """A GOV.UK tag with the RAG word, so colour is never the only signal."""
    return Markup('<strong class="govuk-tag {}" title="{}">{}</strong>').format(
        rag_tag_class(rag), rag_meaning(rag), rag_label(rag)
    )


def confidence_label(confidence: str | None) -> str:
    """Confidence of impact in the words the update form asks it in (High, Medium, Low), not as a RAG colour."""
    if not confidence:
        return "Not yet known"
    return CONFIDENCE_LEVELS.get(confidence, confidence)


# Web addresses only: any other scheme (javascript:, data:, file:…) stays plain text.
_URL = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"”’)]}"


def _trim_url(url: str) -> str:
    """Leave sentence punctuation after an address out of the link; keep a closing bracket the address opened."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def linkify(text: str | None) -> Markup:
    """Free text with its http and https addresses as links; everything else escaped, line breaks kept."""
    if not text:
        return Markup("")
    parts = []
    position = 0
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        if url.endswith("://"):
            continue
        parts.append(escape(text[position : match.start()]))
        parts.append(Markup('<a class="govuk-link" href="{}" rel="noreferrer">{}</a>').format(url, url))
        position = match.start() + len(url)
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def first_line(text: str | None, limit: int = 200) -> str:
    if not text:
        return ""
    line = text.strip().splitlines()[0]
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def this_page() -> str:
    """This page's address without a #fragment, for a form's action.

    A form with no action posts to the address bar's URL, and the browser carries its fragment through the redirect
    that follows: after the skip link (#main-content) that scroll pulls focus from the error summary or banner.
    """
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.path}?{query}" if query else request.path


def register_filters(app: Flask) -> None:
    app.jinja_env.globals["this_page"] = this_page
    # Most filters go by their function's name; the rest by the shorter names templates use.
    named_as_written = (rag_tag, rag_label, confidence_label, linkify, first_line, escape)
    app.jinja_env.filters.update({function.__name__: function for function in named_as_written})
    app.jinja_env.filters.update(uk_date=uk_day, uk_datetime=uk_moment, number=format_number, kpi_value=format_value)
