"""Network Admin → Sidecar → Add Customer: step 1 picks the onboarding template (the default
pre-selected), step 2 the customer's name, email, username, site address and site template."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import gettext

from ...auth import current_actor
from ...context import get_wp, settings
from ...domain import add_customer as domain
from ...domain import onboarding
from ...domain.billing_context import billing_context
from ...domain.clock import utcnow
from ...errors import Invalid
from ...schemas.onboarding import ADD_CUSTOMER_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint

REFUSED = 400


@blueprint.get("/add-customer")
def add_customer_start():
    """Step 1: the onboarding templates, the default pre-selected."""
    wp = get_wp()
    return render_fragment(
        "network/add_customer.html",
        templates=onboarding.list_templates(wp.db, wp.network_id),
        chosen=_int(request.args.get("template_id"))
        or onboarding.default_template_id(wp.db, wp.network_id),
    )


@blueprint.post("/add-customer/step")
def add_customer_step():
    """Step 1 submitted: go on to step 2 for the chosen template."""
    template_id = _int(request.form.get("template_id"))
    if template_id is None:
        return _details_page(None, {})
    return redirect(url_for("network.add_customer_details", template_id=template_id), code=303)


@blueprint.get("/add-customer/details")
def add_customer_details():
    """Step 2: the customer's details for the chosen template."""
    template_id = _int(request.args.get("template_id"))
    return _details_page(template_id, {"template_id": template_id})


@blueprint.post("/add-customer")
def add_customer_save():
    """Create the WordPress user and site, apply the template; or show what to correct."""
    template_id = _int(request.form.get("template_id"))
    try:
        form = load_form(ADD_CUSTOMER_FORM)
        added = domain.add_customer(
            get_wp(),
            form,
            ctx=billing_context(settings()),
            actor=current_actor(),
            now=utcnow(),
            settings=settings(),
        )
    except Invalid as refused:
        values = {k: v for k, v in request.form.items() if k not in ("password", "csrf_token")}
        return _details_page(template_id, values, refused.errors)
    return render_fragment("network/add_customer_done.html", added=added)


def _details_page(template_id: int | None, values: dict, errors: dict | None = None):
    wp = get_wp()
    if template_id is None:
        errors = {**(errors or {}), "template_id": [_choose_template()]}
        template = None
    else:
        template = next(
            (t for t in onboarding.list_templates(wp.db, wp.network_id) if t["id"] == template_id),
            None,
        )
    return render_fragment(
        "network/add_customer_details.html",
        status=REFUSED if errors else 200,
        chosen_template=template,
        site_templates=domain.site_templates(wp, template_id).templates if template else (),
        values=values,
        errors=errors or {},
        network_url=settings().wordpress.url.rstrip("/") + "/",
    )


def _choose_template() -> str:
    return gettext("Choose an onboarding template.")


def _int(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None
