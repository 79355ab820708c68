"""``/api/v1/invoices`` and ``/api/v1/payments``: the network's invoices and payments."""

from __future__ import annotations

from flask_smorest import Blueprint

from ...context import get_db, settings
from ...domain import invoices
from ...schemas.invoices import (
    InvoicePageArgs,
    InvoicePageSchema,
    InvoiceSchema,
    PaymentPageArgs,
    PaymentPageSchema,
)
from .keys import require_api_key

blueprint = Blueprint(
    "api_invoices", __name__, url_prefix="/invoices", description="Invoices of the network"
)
require_api_key(blueprint)

payments_blueprint = Blueprint(
    "api_payments", __name__, url_prefix="/payments", description="Payments of invoices"
)
require_api_key(payments_blueprint)


def _network_id() -> int:
    return settings().wordpress.network_id


@blueprint.get("/")
@blueprint.arguments(InvoicePageArgs, location="query")
@blueprint.response(200, InvoicePageSchema)
def list_invoices(args):
    """List invoices in id order, a page at a time, optionally by status or customer."""
    filters = {
        "status": args["status"],
        "customer_id": args["customer_id"],
        "network_id": _network_id(),
    }
    db = get_db()
    items = invoices.list_invoices(db, after_id=args["after"], limit=args["limit"], **filters)
    next_after = items[-1].id if len(items) == args["limit"] else None
    return {
        "items": items,
        "total": invoices.count_invoices(db, **filters),
        "next_after": next_after,
    }


@blueprint.get("/<int:invoice_id>")
@blueprint.response(200, InvoiceSchema)
def get_invoice(invoice_id):
    """One invoice with its lines."""
    return invoices.get_invoice(get_db(), invoice_id, network_id=_network_id())


@payments_blueprint.get("/")
@payments_blueprint.arguments(PaymentPageArgs, location="query")
@payments_blueprint.response(200, PaymentPageSchema)
def list_payments(args):
    """List payments in id order, a page at a time, optionally of one invoice."""
    items = invoices.list_payments(
        get_db(),
        invoice_id=args["invoice_id"],
        network_id=_network_id(),
        after_id=args["after"],
        limit=args["limit"],
    )
    next_after = items[-1].id if len(items) == args["limit"] else None
    return {"items": items, "next_after": next_after}
