"""``/api/v1/products``: the catalog's plans, packages and services."""

from __future__ import annotations

from flask_smorest import Blueprint

from ...context import get_db
from ...domain.catalog import get_product, search_products
from ...schemas.products import ProductArgs, ProductListSchema, ProductSchema
from .keys import require_api_key

blueprint = Blueprint(
    "api_products",
    __name__,
    url_prefix="/products",
    description="Plans, packages and services",
)
require_api_key(blueprint)


@blueprint.get("/")
@blueprint.arguments(ProductArgs, location="query")
@blueprint.response(200, ProductListSchema)
def list_products(args):
    """List products: plans, then packages, then services, by sort order."""
    items = search_products(get_db(), type=args.get("type"), active=args.get("active"))
    return {"items": items, "total": len(items)}


@blueprint.get("/<int:product_id>")
@blueprint.response(200, ProductSchema)
def get_one_product(product_id):
    """One product by id."""
    return get_product(get_db(), product_id)
