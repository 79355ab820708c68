"""Account → the overview page: every block of the Account page."""

from __future__ import annotations

from flask import g, request
from flask_babel import lazy_gettext

from ...context import get_wp
from ...domain.account import account_overview
from ...domain.clock import utcnow
from ..fragments import render_fragment
from . import blueprint

NOTICES = {
    "plan": lazy_gettext("Your plan was changed. The new limits apply from now on."),
    "package": lazy_gettext("The package was added to your membership."),
    "billing": lazy_gettext("Your billing address was saved."),
    "password": lazy_gettext("Your password was changed. Your other log-ins were ended."),
}


@blueprint.get("/")
def overview():
    """The Account page."""
    return render_fragment(
        "account/overview.html",
        overview=account_overview(get_wp(), g.viewer, utcnow()),
        notice=NOTICES.get(request.args.get("done", "")),
    )
