"""Account → the overview page: every block of the Account page."""

from __future__ import annotations

from flask import g

from ...context import get_wp
from ...domain.account import account_overview
from ..fragments import render_fragment
from . import blueprint


@blueprint.get("/")
def overview():
    """The Account page."""
    return render_fragment("account/overview.html", overview=account_overview(get_wp(), g.viewer))
