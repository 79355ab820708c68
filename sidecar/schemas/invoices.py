"""Invoices and payments: Network Admin list arguments and forms, and the JSON API's shapes."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..domain.invoices import STATUSES
from . import lazy_text

_STATUS = validate.OneOf(STATUSES, error=f"must be one of {', '.join(STATUSES)}")
_LIMIT = validate.Range(1, 500, error="must be between 1 and 500")


class _Args(Schema):
    class Meta:
        unknown = EXCLUDE


# --- Network Admin ------------------------------------------------------------------------


class InvoiceListArgs(_Args):
    """Network Admin → Invoices: newest first, ``before`` an invoice id (keyset paging)."""

    status = fields.String(load_default=None, validate=_STATUS)
    before = fields.Integer(load_default=None, validate=validate.Range(min=1))
    limit = fields.Integer(load_default=50, validate=_LIMIT)


class MarkPaidForm(_Args):
    reference = fields.String(
        load_default="",
        validate=validate.Length(
            max=100, error=lazy_text("The reference can be at most 100 characters.")
        ),
        metadata={"description": "The bank's or gateway's reference of the payment."},
    )


# --- JSON API -----------------------------------------------------------------------------


class InvoicePageArgs(_Args):
    status = fields.String(
        load_default=None, validate=_STATUS, metadata={"description": "Only this status."}
    )
    customer_id = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "Only this customer's invoices."},
    )
    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, error="must be an invoice id (0 for the first page)"),
        metadata={"description": "Return invoices with an id above this one (keyset paging)."},
    )
    limit = fields.Integer(
        load_default=50, validate=_LIMIT, metadata={"description": "Page size, 1 to 500."}
    )


class PaymentPageArgs(_Args):
    invoice_id = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "Only this invoice's payments."},
    )
    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, error="must be a payment id (0 for the first page)"),
        metadata={"description": "Return payments with an id above this one (keyset paging)."},
    )
    limit = fields.Integer(
        load_default=50, validate=_LIMIT, metadata={"description": "Page size, 1 to 500."}
    )


def _money(description: str) -> fields.Decimal:
    return fields.Decimal(as_string=True, places=2, metadata={"description": description})


class InvoiceLineSchema(Schema):
    description = fields.String()
    product_id = fields.Integer(allow_none=True)
    quantity = fields.Integer()
    unit_price = _money("Price of one unit; negative for a credit.")
    amount = _money("quantity × unit_price.")


class InvoiceSchema(Schema):
    id = fields.Integer()
    number = fields.Integer(metadata={"description": "Sequential per network, no gaps."})
    display_number = fields.String(metadata={"description": "As printed, e.g. INV-000042."})
    network_id = fields.Integer()
    customer_id = fields.Integer()
    membership_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    reason = fields.String(metadata={"description": "signup, renewal, change or package."})
    currency = fields.String(metadata={"description": "ISO 4217 code."})
    subtotal = _money("Sum of the lines.")
    discount = _money("Discount taken off the subtotal.")
    tax_rate = fields.Decimal(as_string=True, places=2, metadata={"description": "Percent."})
    tax = _money("Tax on subtotal − discount.")
    total = _money("subtotal − discount + tax, never negative.")
    billing_address = fields.Dict(
        metadata={"description": "The billing address as it was when issued."}
    )
    gateway = fields.String()
    issued_at = fields.DateTime()
    due_at = fields.DateTime()
    paid_at = fields.DateTime(allow_none=True)
    lines = fields.List(fields.Nested(InvoiceLineSchema))


class InvoicePageSchema(Schema):
    items = fields.List(fields.Nested(InvoiceSchema))
    total = fields.Integer(metadata={"description": "Invoices matching the filters."})
    next_after = fields.Integer(
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null at the end."},
    )


class PaymentSchema(Schema):
    id = fields.Integer()
    invoice_id = fields.Integer()
    gateway = fields.String()
    amount = _money("Amount paid (or refunded, or attempted).")
    currency = fields.String()
    status = fields.String(metadata={"description": "succeeded, refunded or failed."})
    reference = fields.String(metadata={"description": "The bank's or gateway's reference."})
    created_at = fields.DateTime()


class PaymentPageSchema(Schema):
    items = fields.List(fields.Nested(PaymentSchema))
    next_after = fields.Integer(
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null at the end."},
    )


INVOICE_LIST_ARGS = InvoiceListArgs()
MARK_PAID_FORM = MarkPaidForm()
