"""Network Admin → Sidecar → Sites."""

from __future__ import annotations

from ...context import get_wp
from ...domain.sites import list_summaries
from ...schemas.sites import SITE_PAGE_ARGS
from ..fragments import render_fragment
from ..inputs import load_query
from . import blueprint


@blueprint.get("/")
def dashboard():
    """The network overview: sites and their owners, a page at a time."""
    args = load_query(SITE_PAGE_ARGS)
    sites, total = list_summaries(get_wp(), after_id=args["after"], limit=args["limit"])
    return render_fragment("network/dashboard.html", sites=sites, total=total, args=args)
