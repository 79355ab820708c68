"""Payments that move memberships: marking an invoice paid and the membership's reaction,
in one transaction. Handlers that settle invoices call this, never ``invoices.mark_paid``."""

from __future__ import annotations

from ..wp_bridge.db import Database
from . import invoices, memberships, onboarding_payer, webhooks
from .billing_context import BillingContext
from .clock import utcnow
from .customers import billing_address
from .events import Actor
from .memberships import Membership


def settle_invoice(db: Database, invoice_id: int, actor: Actor, reference: str = ""):
    """Mark an invoice paid and let its membership react (start or extend the paid period).

    Raises NotFound or Conflict (not pending) from the ledger.
    """
    with db.transaction():
        invoice = invoices.mark_paid(db, invoice_id, actor=actor, reference=reference)
        paid = {
            "invoice": invoice.display_number,
            "total": invoice.total,
            "currency": invoice.currency,
        }
        webhooks.emit(db, invoice.network_id, "payment.paid", paid, customer_id=invoice.customer_id)
        if invoice.membership_id:
            memberships.after_payment(db, invoice.membership_id, invoice.reason, utcnow(), actor)
    return invoice


def invoice_membership(
    db: Database,
    ctx: BillingContext,
    membership: Membership,
    customer: dict | None,
    actor: Actor,
    reason: str,
    lines: list[invoices.InvoiceLine],
) -> invoices.Invoice:
    """Issue an invoice for ``membership`` to its customer (or its payer, when onboarding
    gave it one), with the network's tax rate and terms and the billing address as it is now.
    Raises Invalid for bad lines."""
    payer = onboarding_payer.payer_row(db, membership.id)
    customer = payer or customer
    return invoices.issue_invoice(
        db,
        network_id=ctx.network_id,
        customer_id=payer["id"] if payer else membership.customer_id,
        membership_id=membership.id,
        currency=membership.currency,
        lines=lines,
        tax_rate=ctx.tax_rate,
        billing_address=billing_address(customer),
        reason=reason,
        actor=actor,
        due_days=ctx.due_days,
    )
