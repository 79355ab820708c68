"""Account pages of a site, for its owner (menu **Account** in the site's dashboard)."""

from __future__ import annotations

from flask import Blueprint, g

from ...auth import protect
from ...context import get_wp
from ...domain.access import account_viewer
from ...domain.account import account_overview
from ..fragments import render_fragment

blueprint = Blueprint("account", __name__, url_prefix="/account")
protect(blueprint, "account", account_viewer)


@blueprint.get("/")
def overview():
    """The Account page: the site and its owner."""
    return render_fragment("account/overview.html", overview=account_overview(get_wp(), g.viewer))
