"""The public progress page of a plan, for families: no sign-in, only what was approved for publishing.

Each page is read from the one row stored when it was published (wsoa.services.publishing): one query, the same on
every app server. Withdrawn, never published, or of an archived plan: 404, as for an address that never existed.
"""

from flask import Blueprint, Response, render_template

from wsoa.domain.not_found import found
from wsoa.permissions import PUBLIC, requires
from wsoa.services import publishing

bp = Blueprint("public", __name__)


@bp.route("/public/<slug>")
@requires(PUBLIC)
def page(slug: str):
    """The plan's progress, priority by priority: summaries, "you said, we did", shares of actions, KPIs."""
    published = found(publishing.published_page(slug))
    return render_template("public/page.html", content=published.content, slug=slug, printable=False)


@bp.route("/public/<slug>/print")
@requires(PUBLIC)
def printable(slug: str):
    """The same page laid out for printing."""
    published = found(publishing.published_page(slug))
    return render_template("public/page.html", content=published.content, slug=slug, printable=True)


@bp.route("/public/<slug>/feed.atom")
@requires(PUBLIC)
def feed(slug: str):
    """An Atom feed of the published texts, newest approval first."""
    published = found(publishing.published_page(slug))
    body = render_template("public/feed.xml", content=published.content, slug=slug)
    return Response(body, mimetype="application/atom+xml")
