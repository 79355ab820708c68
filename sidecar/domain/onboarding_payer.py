"""Who pays a membership: its customer, or a payer account an onboarding template named (the
network's own customer record or a partner). Invoices of the membership go to the payer."""

from __future__ import annotations

from ..store import customers
from ..store import onboarding_snapshots as store
from ..wp_bridge.db import Database


def payer_row(db: Database, membership_id: int) -> dict | None:
    """The customer row paying ``membership_id`` when it is not the membership's customer,
    else None."""
    payer_id = store.payer_of(db, membership_id)
    return customers.get(db, payer_id) if payer_id else None


def set_payer(db: Database, membership_id: int, payer_customer_id: int) -> None:
    """Make ``payer_customer_id`` pay ``membership_id`` from now on."""
    store.set_payer(db, membership_id, payer_customer_id)
