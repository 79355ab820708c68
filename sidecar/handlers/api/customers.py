"""``/api/v1/customers`` (list with the grid's filters, read, update) and
``/api/v1/customer-groups`` (list, create, rename, delete)."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from ...context import get_db, get_wp
from ...domain import customer_edit, customer_groups
from ...domain.customer_grid import api_customer, api_page, parse_state
from ...schemas.customers import (
    CustomerForm,
    CustomerListArgs,
    CustomerPageSchema,
    CustomerSchema,
    GroupSchema,
)
from .keys import api_actor, require_api_key

blueprint = Blueprint("api_customers", __name__, url_prefix="/customers", description="Customers")
require_api_key(blueprint)
groups_blueprint = Blueprint(
    "api_customer_groups", __name__, url_prefix="/customer-groups", description="Customer groups"
)
require_api_key(groups_blueprint)


@blueprint.get("/")
@blueprint.arguments(CustomerListArgs, location="query")
@blueprint.response(200, CustomerPageSchema)
def list_customers(_args):
    """Customers a page at a time, with the grid's search (``q``), filters (``f.<column>``,
    ``f.<column>.from``/``.to`` for dates and years), ``sort``, ``dir``, ``page``, ``per_page``."""
    return api_page(get_db(), parse_state(request.args))


@blueprint.get("/<int:customer_id>")
@blueprint.response(200, CustomerSchema)
def get_customer(customer_id):
    """One customer."""
    return api_customer(get_db(), customer_id)


@blueprint.patch("/<int:customer_id>")
@blueprint.arguments(CustomerForm)
@blueprint.response(200, CustomerSchema)
def update_customer(data, customer_id):
    """Change some fields of a customer (email and name through WordPress)."""
    customer_edit.update_customer(get_wp(), customer_id, data, api_actor())
    return api_customer(get_db(), customer_id)


@groups_blueprint.get("/")
@groups_blueprint.response(200, GroupSchema(many=True))
def list_groups():
    """Every customer group with its number of customers (the default group first)."""
    return customer_groups.list_groups(get_db())


@groups_blueprint.post("/")
@groups_blueprint.arguments(GroupSchema)
@groups_blueprint.response(201, GroupSchema)
def create_group(data):
    """Create a customer group."""
    group_id = customer_groups.create_group(get_db(), data["name"], api_actor())
    return {"id": group_id, "name": data["name"].strip(), "customers": 0}


@groups_blueprint.patch("/<int:group_id>")
@groups_blueprint.arguments(GroupSchema)
@groups_blueprint.response(200, GroupSchema)
def rename_group(data, group_id):
    """Rename a customer group."""
    customer_groups.rename_group(get_db(), group_id, data["name"], api_actor())
    return next(gr for gr in customer_groups.list_groups(get_db()) if gr["id"] == group_id)


@groups_blueprint.delete("/<int:group_id>")
@groups_blueprint.response(204)
def delete_group(group_id):
    """Delete a customer group; its customers move to the default group."""
    customer_groups.delete_group(get_db(), group_id, api_actor())


BLUEPRINTS = (blueprint, groups_blueprint)
