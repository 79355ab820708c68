"""Network Admin → Sidecar → Memberships."""

from __future__ import annotations

from flask import redirect

from ...auth import current_actor
from ...context import get_db, get_wp
from ...domain import membership_admin
from ...domain.memberships import STATUSES
from ...schemas.memberships import MEMBERSHIP_LIST_ARGS, STATUS_FORM
from ..fragments import render_fragment
from ..inputs import load_form, load_query
from . import blueprint


@blueprint.get("/memberships")
def memberships():
    """All memberships, filtered by status, a page at a time."""
    args = load_query(MEMBERSHIP_LIST_ARGS)
    rows = membership_admin.membership_rows(
        get_wp(), status=args["status"], after_id=args["after"], limit=args["limit"]
    )
    return render_fragment("network/memberships.html", rows=rows, args=args, statuses=STATUSES)


@blueprint.get("/memberships/<int:membership_id>")
def membership(membership_id: int):
    """One membership: packages, invoices, history, status."""
    detail = membership_admin.membership_detail(get_wp(), membership_id)
    return render_fragment("network/membership.html", detail=detail, statuses=STATUSES)


@blueprint.post("/memberships/<int:membership_id>/status")
def set_status(membership_id: int):
    """Change the status by hand (recorded in the history)."""
    form = load_form(STATUS_FORM)
    membership_admin.set_status(
        get_db(), membership_id, form["version"], form["status"], current_actor()
    )
    return redirect(f"/network/memberships/{membership_id}?saved=1", code=303)
