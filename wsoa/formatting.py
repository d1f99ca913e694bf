"""Jinja filters: UK dates, RAG tags, numbers."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup, escape

from wsoa.domain.rag import rag_label, rag_meaning, rag_tag_class

UK = ZoneInfo("Europe/London")


def uk_date(value: date | datetime | None, default: str = "") -> str:
    """31 Mar 2021 – the format users expect."""
    if value is None:
        return default
    if isinstance(value, datetime):
        value = value.astimezone(UK) if value.tzinfo else value
        return f"{value.day} {value:%b %Y}"
    return f"{value.day} {value:%b %Y}"


def uk_datetime(value: datetime | None, default: str = "") -> str:
    if value is None:
        return default
    local = value.astimezone(UK) if value.tzinfo else value
    return f"{local.day} {local:%b %Y} at {local:%H:%M}"


def rag_tag(rag: str | None) -> Markup:
    """A GOV.UK tag with the RAG word, so colour is never the only signal."""
    return Markup('<strong class="govuk-tag {}" title="{}">{}</strong>').format(
        rag_tag_class(rag), rag_meaning(rag), rag_label(rag)
    )


def number(value: Decimal | float | int | None, default: str = "") -> str:
    if value is None:
        return default
    as_float = float(value)
    return f"{as_float:,.0f}" if as_float == int(as_float) else f"{as_float:,.2f}".rstrip("0").rstrip(".")


def first_line(text: str | None, limit: int = 200) -> str:
    if not text:
        return ""
    line = text.strip().splitlines()[0]
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        uk_date=uk_date,
        uk_datetime=uk_datetime,
        rag_tag=rag_tag,
        rag_label=rag_label,
        number=number,
        first_line=first_line,
        escape=escape,
    )
