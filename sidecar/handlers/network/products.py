"""Network Admin → Sidecar → Products: plans, packages and services, and plan groups."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import gettext

from ...auth import current_actor
from ...context import get_db
from ...domain import catalog
from ...domain.catalog import TYPES
from ...domain.limit_forms import extra_limit_keys
from ...domain.limit_types import LIMIT_TYPES, limit_type
from ...domain.money import CURRENCIES, format_money
from ...errors import Conflict, Invalid, NotFound
from ...schemas.products import (
    LIMIT_PREFIX,
    PLAN_GROUP_FORM,
    PRODUCT_FORM,
    limit_amount,
    limit_keys_in,
    new_product_values,
    price_label,
    product_form_values,
)
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint

REFUSED = 400


@blueprint.get("/products")
def products():
    """Every plan, package and service with its price and limits; the plan groups."""
    return _list_page(done=request.args.get("done", ""))


@blueprint.get("/products/new/<kind>")
def new_product(kind: str):
    """An empty form for a new plan, package or service."""
    if kind not in TYPES:
        raise NotFound(gettext("Products are plans, packages or services."))
    return _form_page(None, kind, new_product_values(kind))


@blueprint.post("/products")
def create_product():
    """Create a product from the form, or show the form again with what to correct."""
    try:
        catalog.create_product(get_db(), load_form(PRODUCT_FORM), current_actor())
    except Invalid as refused:
        kind = request.form.get("type", "")
        return _form_page(None, kind if kind in TYPES else "plan", _posted(), refused.errors)
    return redirect(url_for("network.products", done="created"), code=303)


@blueprint.get("/products/<int:product_id>")
def edit_product(product_id: int):
    """The form of an existing product."""
    product = catalog.get_product(get_db(), product_id)
    return _form_page(product, product.type, product_form_values(product))


@blueprint.post("/products/<int:product_id>")
def update_product(product_id: int):
    """Save the edited product, or show the form again with what to correct."""
    try:
        data = {**load_form(PRODUCT_FORM), "id": product_id}
        catalog.update_product(get_db(), data, current_actor())
    except Invalid as refused:
        product = catalog.get_product(get_db(), product_id)
        return _form_page(product, product.type, _posted(), refused.errors)
    return redirect(url_for("network.products", done="updated"), code=303)


@blueprint.post("/products/<int:product_id>/deactivate")
def deactivate_product(product_id: int):
    """Take a product off sale."""
    catalog.deactivate_product(get_db(), product_id, current_actor())
    return redirect(url_for("network.products", done="deactivated"), code=303)


@blueprint.post("/products/<int:product_id>/activate")
def activate_product(product_id: int):
    """Put a withdrawn product back on sale."""
    catalog.activate_product(get_db(), product_id, current_actor())
    return redirect(url_for("network.products", done="activated"), code=303)


@blueprint.post("/products/groups")
def create_plan_group():
    """Create a plan group from the small form on the Products page."""
    try:
        form = load_form(PLAN_GROUP_FORM)
        catalog.create_plan_group(get_db(), form["name"], current_actor())
    except Invalid as refused:
        return _list_page(group_name=request.form.get("name", ""), group_errors=refused.errors)
    return redirect(url_for("network.products", done="group-created"), code=303)


@blueprint.post("/products/groups/<int:group_id>/delete")
def delete_plan_group(group_id: int):
    """Delete an empty plan group."""
    try:
        catalog.delete_plan_group(get_db(), group_id, current_actor())
    except Conflict as refused:
        return _list_page(problem=refused.message, status=refused.status)
    return redirect(url_for("network.products", done="group-deleted"), code=303)


def _list_page(status: int | None = None, **context):
    refused = status or (REFUSED if context.get("group_errors") else 200)
    return render_fragment(
        "network/products.html",
        status=refused,
        catalog=catalog.overview(get_db()),
        limit_types=LIMIT_TYPES,
        limit_type=limit_type,
        price_label=price_label,
        limit_amount=limit_amount,
        format_money=format_money,
        **context,
    )


def _form_page(product, kind: str, values: dict, errors: dict | None = None):
    return render_fragment(
        "network/products_form.html",
        status=REFUSED if errors else 200,
        product=product,
        kind=kind,
        values=values,
        errors=errors or {},
        groups=catalog.list_plan_groups(get_db()) if kind == "plan" else [],
        limit_types=LIMIT_TYPES,
        limit_type=limit_type,
        extra_limit_keys=extra_limit_keys(get_db(), limit_keys_in(values)),
        limit_prefix=LIMIT_PREFIX,
        currencies=CURRENCIES,
        billing_periods=catalog.BILLING_PERIODS,
    )


def _posted() -> dict:
    """The form as the person filled it in (to show it again)."""
    return {key: value for key, value in request.form.items() if key != "csrf_token"}
