"""The audit trail, for admins: read-only, filtered through the query string."""

from flask import Blueprint, render_template, request, url_for

from wsoa.forms.audit_log import FILTER_FIELDS, AuditFilterForm, entity_label, event_label
from wsoa.permissions import requires
from wsoa.services.audit_log import AuditFilters, audit_filter_options, audit_log_page

bp = Blueprint("audit_log", __name__)

# Where a recorded thing can be seen, when it has a page of its own.
ENTITY_PAGES = {
    "action": ("actions.show", "action_id"),
    "plan": ("plans.overview", "plan_id"),
    "priority": ("plans.priority", "priority_id"),
    "user": ("users.edit", "user_id"),
}


def entity_url(entity_type: str, entity_id: int | None) -> str | None:
    page = ENTITY_PAGES.get(entity_type)
    return url_for(page[0], **{page[1]: entity_id}) if page and entity_id is not None else None


def page_url(number: int) -> str:
    """This view with the same filters, on another page."""
    args = {name: request.args.getlist(name) for name in FILTER_FIELDS if request.args.getlist(name)}
    return url_for("audit_log.index", **args, page=number)


def pagination(current: int, pages: int) -> dict:
    """govukPagination parameters: first, last and the pages either side of this one, with ellipses between."""
    shown = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    items, previous = [], 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": page_url(number), "current": number == current})
        previous = number
    params: dict = {"items": items, "landmarkLabel": "Pages of the audit trail"}
    if current > 1:
        params["previous"] = {"href": page_url(current - 1)}
    if current < pages:
        params["next"] = {"href": page_url(current + 1)}
    return params


@bp.route("/audit")
@requires("view_audit")
def index():
    """Who changed what and when, newest first, with the values before and after."""
    form = AuditFilterForm(formdata=request.args)
    form.offer(audit_filter_options())
    filters = AuditFilters()
    if any(request.args.get(name) for name in FILTER_FIELDS):
        form.validate()
        filters = form.filters()
    log = audit_log_page(filters, page=request.args.get("page", 1, type=int))
    return render_template(
        "audit_log/index.html",
        form=form,
        log=log,
        filtered=filters != AuditFilters(),
        pagination=pagination(log.page, log.pages) if log.pages > 1 else None,
        entity_url=entity_url,
        entity_label=entity_label,
        event_label=event_label,
    )
