"""Payments (``{prefix}sidecar_payments``): money received (or refunded, or failed) for an
invoice through a gateway."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ..wp_bridge.db import Database, Row
from . import table

_COLUMNS = "id, invoice_id, gateway, amount, currency, status, reference, created_at"


def insert(
    db: Database,
    *,
    invoice_id: int,
    gateway: str,
    amount: Decimal,
    currency: str,
    status: str,
    reference: str,
    now: datetime,
) -> int:
    """Record a payment; return its id."""
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'payments')} (invoice_id, gateway, amount, currency,"
        " status, reference, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (invoice_id, gateway, amount, currency, status, reference, now),
    )


def for_invoice(db: Database, invoice_id: int) -> list[Row]:
    """Return an invoice's payments, oldest first."""
    return db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'payments')} WHERE invoice_id = %s ORDER BY id",
        (invoice_id,),
    )


def page(
    db: Database,
    *,
    invoice_id: int | None = None,
    network_id: int | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[Row]:
    """Return up to ``limit`` payments with an id above ``after_id``, in id order, optionally
    only those of one invoice and of the invoices of one network."""
    where, params = ["id > %s"], [after_id]
    if invoice_id is not None:
        where.append("invoice_id = %s")
        params.append(invoice_id)
    if network_id is not None:
        where.append(
            f"invoice_id IN (SELECT id FROM {table(db.prefix, 'invoices')} WHERE network_id = %s)"
        )
        params.append(network_id)
    return db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'payments')}"
        f" WHERE {' AND '.join(where)} ORDER BY id LIMIT %s",
        (*params, limit),
    )


def set_status_for_invoice(db: Database, invoice_id: int, old: str, new: str) -> int:
    """Move an invoice's payments from status ``old`` to ``new``; return how many moved."""
    return db.execute(
        f"UPDATE {table(db.prefix, 'payments')} SET status = %s"
        " WHERE invoice_id = %s AND status = %s",
        (new, invoice_id, old),
    )
