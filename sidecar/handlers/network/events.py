"""Network Admin → Sidecar → Events: the event log with filters, paging and the changes."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import redirect, request, url_for
from flask_babel import gettext

from ...context import get_db
from ...domain import event_log
from ...errors import Invalid
from ..fragments import render_fragment
from . import blueprint

FILTERS = (
    "subject_type",
    "subject_id",
    "actor_type",
    "actor_id",
    "action",
    "since",
    "until",
    "text",
)


@blueprint.get("/events")
def event_list():
    """Events, newest first, filtered by object, actor, action, dates and text."""
    filters = {key: request.args.get(key, "").strip() for key in FILTERS}
    errors = {}
    for key in ("subject_id", "actor_id"):
        if filters[key] and not filters[key].isdigit():
            errors[key] = [gettext("Enter a number.")]
            filters[key] = ""
    try:
        page = event_log.search(get_db(), filters, _page())
    except Invalid as refused:
        errors.update(refused.errors)
        page = event_log.search(get_db(), {}, 1)
    return render_fragment(
        "network/events.html",
        status=400 if errors else 200,
        page=page,
        filters=filters,
        query=urlencode({key: value for key, value in filters.items() if value}),
        errors=errors,
        subject_types=event_log.subject_types(get_db()),
        actor_types=event_log.ACTOR_TYPES,
    )


@blueprint.post("/events")
def filter_events():
    """The filter form: go to the list with the filters in its address."""
    chosen = {key: request.form.get(key, "").strip() for key in FILTERS}
    return redirect(
        url_for("network.event_list", **{k: v for k, v in chosen.items() if v}), code=303
    )


def _page() -> int:
    try:
        return max(int(request.args.get("page", "1")), 1)
    except ValueError:
        return 1
