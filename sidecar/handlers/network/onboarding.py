"""Network Admin → Sidecar → Onboarding: the onboarding (configuration) templates."""

from __future__ import annotations

from flask import redirect, request, url_for

from ...auth import current_actor
from ...context import get_db, settings
from ...domain import onboarding, onboarding_customer
from ...errors import Conflict, Invalid
from ...schemas.onboarding import CUSTOMER_SETUP_FORM, ONBOARDING_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint

REFUSED = 400


def _network_id() -> int:
    return settings().wordpress.network_id


@blueprint.get("/onboarding")
def onboarding_templates():
    """Every template with its managers, plan, payer and webhooks; the default first."""
    return render_fragment(
        "network/onboarding.html",
        templates=onboarding.list_templates(get_db(), _network_id()),
        done=request.args.get("done", ""),
        refused=request.args.get("refused", ""),
    )


@blueprint.get("/onboarding/new")
def new_onboarding_template():
    """An empty template form."""
    return _form_page(None, {"managers": [], "webhook_ids": []})


@blueprint.post("/onboarding")
def create_onboarding_template():
    """Create a template, or show the form again with what to correct."""
    try:
        onboarding.create_template(
            get_db(), _network_id(), load_form(ONBOARDING_FORM), current_actor()
        )
    except Invalid as refused:
        return _form_page(None, _posted(), refused.errors)
    return redirect(url_for("network.onboarding_templates", done="created"), code=303)


@blueprint.get("/onboarding/<int:template_id>")
def edit_onboarding_template(template_id: int):
    """The form of an existing template."""
    template = onboarding.get_template(get_db(), _network_id(), template_id)
    return _form_page(template, _values(template))


@blueprint.post("/onboarding/<int:template_id>")
def update_onboarding_template(template_id: int):
    """Save an edited template (customers created earlier keep what they got)."""
    try:
        onboarding.update_template(
            get_db(), _network_id(), template_id, load_form(ONBOARDING_FORM), current_actor()
        )
    except Invalid as refused:
        template = onboarding.get_template(get_db(), _network_id(), template_id)
        return _form_page(template, _posted(), refused.errors)
    return redirect(url_for("network.onboarding_templates", done="updated"), code=303)


@blueprint.post("/onboarding/<int:template_id>/default")
def default_onboarding_template(template_id: int):
    """Make a template the default."""
    onboarding.set_default(get_db(), _network_id(), template_id, current_actor())
    return redirect(url_for("network.onboarding_templates", done="default"), code=303)


@blueprint.post("/onboarding/<int:template_id>/delete")
def delete_onboarding_template(template_id: int):
    """Delete a template (the default only once another one is the default)."""
    try:
        onboarding.delete_template(get_db(), _network_id(), template_id, current_actor())
    except Conflict:
        return redirect(url_for("network.onboarding_templates", refused="default"), code=303)
    return redirect(url_for("network.onboarding_templates", done="deleted"), code=303)


def _form_page(template, values: dict, errors: dict | None = None):
    return render_fragment(
        "network/onboarding_form.html",
        status=REFUSED if errors else 200,
        current=template,
        values=values,
        errors=errors or {},
        **onboarding.form_choices(get_db(), _network_id()),
    )


def _values(template: dict) -> dict:
    return {
        "name": template["name"],
        "description": template["description"],
        "plan_id": template["plan_id"],
        "payer_customer_id": template["payer_customer_id"],
        "managers": [{"user_id": m["user_id"], "role": m["role"]} for m in template["managers"]],
        "webhook_ids": template["webhook_ids"],
    }


def _posted() -> dict:
    form = request.form
    managers = [
        {"user_id": _int(user), "role": role}
        for user, role in zip(
            form.getlist("manager_user_id"), form.getlist("manager_role"), strict=False
        )
        if user.strip()
    ]
    return {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
        "plan_id": _int(form.get("plan_id", "")),
        "payer_customer_id": _int(form.get("payer_customer_id", "")),
        "managers": managers,
        "webhook_ids": [_int(w) for w in form.getlist("webhook_ids")],
    }


def _int(text: str) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


@blueprint.get("/onboarding/customers/<int:customer_id>")
def customer_setup(customer_id: int):
    """What onboarding applied to a customer, and their editable set-up."""
    return _setup_page(customer_id)


@blueprint.post("/onboarding/customers/<int:customer_id>")
def update_customer_setup(customer_id: int):
    """Save who pays each membership and the webhooks attached."""
    try:
        form = load_form(CUSTOMER_SETUP_FORM)
        onboarding_customer.update_customer_setup(
            get_db(), _network_id(), customer_id, form, current_actor()
        )
    except Invalid as refused:
        return _setup_page(customer_id, refused.errors)
    return redirect(
        url_for("network.customer_setup", customer_id=customer_id, done="saved"), code=303
    )


def _setup_page(customer_id: int, errors: dict | None = None):
    return render_fragment(
        "network/onboarding_customer.html",
        status=REFUSED if errors else 200,
        setup=onboarding_customer.customer_setup(get_db(), _network_id(), customer_id),
        errors=errors or {},
        done=request.args.get("done", ""),
    )
