"""``/api/v1/sites``: the network's sites."""

from __future__ import annotations

from flask_smorest import Blueprint

from ...context import get_wp
from ...domain.sites import get_summary, list_summaries
from ...schemas.sites import SitePageArgs, SitePageSchema, SiteSchema
from .keys import require_api_key

blueprint = Blueprint(
    "api_sites", __name__, url_prefix="/sites", description="Sites of the network"
)
require_api_key(blueprint)


@blueprint.get("/")
@blueprint.arguments(SitePageArgs, location="query")
@blueprint.response(200, SitePageSchema)
def list_sites(args):
    """List sites in id order, a page at a time."""
    items, total = list_summaries(get_wp(), after_id=args["after"], limit=args["limit"])
    next_after = items[-1].id if len(items) == args["limit"] else None
    return {"items": items, "total": total, "next_after": next_after}


@blueprint.get("/<int:site_id>")
@blueprint.response(200, SiteSchema)
def get_site(site_id):
    """One site by its blog id."""
    return get_summary(get_wp(), site_id)
