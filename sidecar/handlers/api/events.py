"""``/api/v1/events``: the event log, read-only, filtered and paged."""

from __future__ import annotations

from flask_smorest import Blueprint

from ...context import get_db
from ...domain import event_log
from ...schemas.webhooks import EventArgs, EventPage
from .keys import require_api_key

blueprint = Blueprint("api_events", __name__, url_prefix="/events", description="Event log")
require_api_key(blueprint)


@blueprint.get("/")
@blueprint.arguments(EventArgs, location="query")
@blueprint.response(200, EventPage)
def list_events(args):
    """Events, newest first: filter by object (type, id), actor (type, id), action, dates
    (``since``/``until``, inclusive, UTC) and text; ``before``/``after`` and their ``diff``."""
    page, per_page = args.pop("page"), args.pop("per_page")
    found = event_log.search(get_db(), args, page, per_page)
    return {"items": found.events, "total": found.total, "page": found.page, "pages": found.pages}
