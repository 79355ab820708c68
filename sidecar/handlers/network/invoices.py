"""Network Admin → Sidecar → Invoices: list by status, view one, Mark paid, Refund, Cancel."""

from __future__ import annotations

from flask import Response, redirect, request, url_for

from ...auth import current_actor
from ...context import get_db, get_wp, settings
from ...domain import billing, invoices
from ...domain.billing_context import billing_context
from ...domain.invoice_pdf import invoice_document
from ...errors import Conflict, Invalid
from ...schemas.invoices import INVOICE_LIST_ARGS, MARK_PAID_FORM
from ..fragments import render_fragment
from ..inputs import load_form, load_query
from . import blueprint


def _network_id() -> int:
    return settings().wordpress.network_id


@blueprint.get("/invoices")
def invoices_list():
    """The network's invoices, newest first, filtered by status, a page at a time."""
    args = load_query(INVOICE_LIST_ARGS)
    page = invoices.admin_page(
        get_db(),
        network_id=_network_id(),
        status=args["status"],
        before_id=args["before"],
        limit=args["limit"],
    )
    return render_fragment("network/invoices.html", page=page, args=args)


@blueprint.get("/invoices/<int:invoice_id>")
def invoice(invoice_id: int):
    """One invoice: lines, totals, payments, history and the actions its status allows."""
    return _view(invoice_id, done=request.args.get("done", ""))


@blueprint.get("/invoices/<int:invoice_id>.pdf")
def invoice_pdf(invoice_id: int):
    """The invoice as the customer gets it, as a PDF download."""
    invoice = invoices.get_invoice(get_db(), invoice_id, network_id=_network_id())
    doc = invoice_document(get_wp(), invoice, billing_context(settings()).seller)
    return Response(
        doc.pdf(),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{invoice.display_number}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@blueprint.post("/invoices/<int:invoice_id>/mark-paid")
def mark_invoice_paid(invoice_id: int):
    """Record the payment (optional bank reference); the membership reacts (billing)."""
    _ours(invoice_id)
    try:
        form = load_form(MARK_PAID_FORM)
        billing.settle_invoice(get_db(), invoice_id, current_actor(), reference=form["reference"])
    except (Invalid, Conflict) as refused:
        return _view(invoice_id, refused=refused)
    return _done(invoice_id, "paid")


@blueprint.post("/invoices/<int:invoice_id>/refund")
def refund_invoice(invoice_id: int):
    """Mark a paid invoice refunded (the money goes back outside the sidecar)."""
    _ours(invoice_id)
    try:
        invoices.refund(get_db(), invoice_id, actor=current_actor())
    except Conflict as refused:
        return _view(invoice_id, refused=refused)
    return _done(invoice_id, "refunded")


@blueprint.post("/invoices/<int:invoice_id>/cancel")
def cancel_invoice(invoice_id: int):
    """Cancel a pending invoice: nothing is owed any more."""
    _ours(invoice_id)
    try:
        invoices.cancel(get_db(), invoice_id, actor=current_actor())
    except Conflict as refused:
        return _view(invoice_id, refused=refused)
    return _done(invoice_id, "cancelled")


def _ours(invoice_id: int) -> None:
    """Raise NotFound unless the invoice belongs to this network."""
    invoices.get_invoice(get_db(), invoice_id, network_id=_network_id())


def _done(invoice_id: int, what: str):
    return redirect(url_for("network.invoice", invoice_id=invoice_id, done=what), code=303)


def _view(invoice_id: int, *, done: str = "", refused: Invalid | Conflict | None = None):
    """Render the invoice page; a refused action shows its message and keeps the input."""
    detail = invoices.invoice_detail(get_db(), invoice_id, network_id=_network_id())
    return render_fragment(
        "network/invoices_view.html",
        status=refused.status if refused else 200,
        detail=detail,
        done=done,
        problem=refused,
        form=request.form,
    )
