"""Account → Billing address → Update (a dialog) → Save Changes."""

from __future__ import annotations

from flask import g, redirect, request

from ...auth import current_actor
from ...context import get_wp
from ...domain.account import account_overview, save_billing_address
from ...domain.clock import utcnow
from ...errors import Invalid
from ...schemas.billing_address import BILLING_ADDRESS_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint


@blueprint.post("/billing-address")
def update_billing():
    """Save the address; on bad input show the dialog again with the person's input."""
    try:
        address = load_form(BILLING_ADDRESS_FORM)
    except Invalid as invalid:
        return render_fragment(
            "account/overview.html",
            status=400,
            overview=account_overview(get_wp(), g.viewer, utcnow()),
            billing_form=request.form,
            billing_errors=invalid.errors,
        )
    save_billing_address(get_wp(), g.viewer, address, current_actor())
    return redirect("/account/?done=billing", code=303)
