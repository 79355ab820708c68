"""Payments that move memberships: marking an invoice paid and the membership's reaction,
in one transaction. Handlers that settle invoices call this, never ``invoices.mark_paid``."""

from __future__ import annotations

from ..wp_bridge.db import Database
from . import invoices, memberships
from .clock import utcnow
from .events import Actor


def settle_invoice(db: Database, invoice_id: int, actor: Actor, reference: str = ""):
    """Mark an invoice paid and let its membership react (start or extend the paid period).

    Raises NotFound or Conflict (not pending) from the ledger.
    """
    with db.transaction():
        invoice = invoices.mark_paid(db, invoice_id, actor=actor, reference=reference)
        if invoice.membership_id:
            memberships.after_payment(db, invoice.membership_id, invoice.reason, utcnow(), actor)
    return invoice
