"""Account → Invoices: one invoice as a printable page, or as a PDF download."""

from __future__ import annotations

from flask import Response, g

from ...context import get_db, get_wp, settings
from ...domain import invoices
from ...domain.billing_context import billing_context
from ...domain.invoice_pdf import InvoiceDocument, invoice_document
from ..fragments import render_fragment
from . import blueprint


def _document(invoice_id: int) -> InvoiceDocument:
    """The viewer's invoice ``invoice_id``. Raises NotFound when it is not theirs."""
    invoice = invoices.get_for_viewer(get_db(), g.viewer, invoice_id)
    return invoice_document(get_wp(), invoice, billing_context(settings()).seller)


@blueprint.get("/invoices/<int:invoice_id>")
def invoice(invoice_id: int):
    """The invoice as a printable page (with Print and Download PDF buttons)."""
    return render_fragment("account/invoice.html", doc=_document(invoice_id))


@blueprint.get("/invoices/<int:invoice_id>.pdf")
def invoice_pdf(invoice_id: int):
    """The invoice as a PDF download (the shim passes it through as a file)."""
    doc = _document(invoice_id)
    return Response(
        doc.pdf(),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{doc.invoice.display_number}.pdf"',
            "Cache-Control": "no-store",
        },
    )
