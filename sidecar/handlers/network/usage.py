"""Network Admin → Sidecar → Usage: sites near or over their limits."""

from __future__ import annotations

from ...context import get_wp
from ...domain.usage_admin import usage_overview
from ...schemas.usage import PER_PAGE, USAGE_LIST_ARGS
from ..fragments import render_fragment
from ..inputs import load_query
from . import blueprint


@blueprint.get("/usage")
def usage():
    """Sites at 80 % or more (or over 100 %) of a limit, sortable, as of the last sweep."""
    args = load_query(USAGE_LIST_ARGS)
    overview = usage_overview(
        get_wp(),
        show=args["show"],
        sort=args["sort"],
        descending=args["order"] == "desc",
        page=args["page"],
        per_page=PER_PAGE,
    )
    return render_fragment("network/usage.html", overview=overview)
