"""Invoices (``{prefix}sidecar_invoices``): one row per invoice; lines and payments live in
their own tables."""

from __future__ import annotations

from datetime import datetime

from ..wp_bridge.db import Database, Row
from . import table

_COLUMNS = (
    "id, network_id, number, customer_id, membership_id, status, reason, currency, subtotal,"
    " discount, tax_rate, tax, total, billing_address, gateway, issued_at, due_at, paid_at,"
    " updated_at"
)


def insert(db: Database, row: dict) -> int:
    """Insert an invoice (every column but ``id``, ``paid_at``); return its id."""
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'invoices')} (network_id, number, customer_id,"
        " membership_id, status, reason, currency, subtotal, discount, tax_rate, tax, total,"
        " billing_address, gateway, issued_at, due_at, updated_at) VALUES (%(network_id)s,"
        " %(number)s, %(customer_id)s, %(membership_id)s, %(status)s, %(reason)s,"
        " %(currency)s, %(subtotal)s, %(discount)s, %(tax_rate)s, %(tax)s, %(total)s,"
        " %(billing_address)s, %(gateway)s, %(issued_at)s, %(due_at)s, %(issued_at)s)",
        row,
    )


def get(db: Database, invoice_id: int, *, for_update: bool = False) -> Row | None:
    """Return invoice ``invoice_id``, or None; ``for_update`` locks the row until the
    transaction ends."""
    lock = " FOR UPDATE" if for_update else ""
    return db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'invoices')} WHERE id = %s{lock}",
        (invoice_id,),
    )


def for_customer(db: Database, customer_id: int, limit: int = 100) -> list[Row]:
    """Return a customer's newest invoices, newest first."""
    return db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'invoices')}"
        " WHERE customer_id = %s ORDER BY issued_at DESC, id DESC LIMIT %s",
        (customer_id, limit),
    )


def page(
    db: Database,
    *,
    network_id: int | None = None,
    status: str | None = None,
    customer_id: int | None = None,
    after_id: int = 0,
    before_id: int | None = None,
    newest_first: bool = False,
    limit: int = 50,
) -> list[Row]:
    """Return up to ``limit`` invoices matching the filters with an id above ``after_id`` (and
    below ``before_id`` when given), in id order or newest first (keyset paging)."""
    where, params = _filters(network_id=network_id, status=status, customer_id=customer_id)
    where.append("id > %s")
    params.append(after_id)
    if before_id is not None:
        where.append("id < %s")
        params.append(before_id)
    return db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'invoices')} WHERE {' AND '.join(where)}"
        f" ORDER BY id {'DESC' if newest_first else 'ASC'} LIMIT %s",
        (*params, limit),
    )


def count(
    db: Database,
    *,
    network_id: int | None = None,
    status: str | None = None,
    customer_id: int | None = None,
) -> int:
    """Count the invoices matching the filters."""
    where, params = _filters(network_id=network_id, status=status, customer_id=customer_id)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return int(
        db.fetch_value(f"SELECT COUNT(*) FROM {table(db.prefix, 'invoices')}{clause}", params)
    )


def counts_by_status(db: Database, *, network_id: int | None = None) -> dict[str, int]:
    """Return how many invoices have each status (statuses without invoices are left out)."""
    where, params = _filters(network_id=network_id)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    rows = db.fetch_all(
        f"SELECT status, COUNT(*) AS n FROM {table(db.prefix, 'invoices')}{clause} GROUP BY status",
        params,
    )
    return {row["status"]: int(row["n"]) for row in rows}


def set_status(
    db: Database, invoice_id: int, status: str, now: datetime, *, paid_at: datetime | None = None
) -> None:
    """Change an invoice's status; ``paid_at``, when given, is stamped too."""
    db.execute(
        f"UPDATE {table(db.prefix, 'invoices')} SET status = %s, updated_at = %s,"
        " paid_at = COALESCE(%s, paid_at) WHERE id = %s",
        (status, now, paid_at, invoice_id),
    )


def _filters(**filters) -> tuple[list[str], list]:
    where, params = [], []
    for column, value in filters.items():
        if value is not None:
            where.append(f"{column} = %s")
            params.append(value)
    return where, params


def anonymise_customer(db: Database, customer_id: int, billing_address: str) -> int:
    """Replace the billing address snapshot (JSON) of every invoice of ``customer_id``;
    return how many invoices changed."""
    return db.execute(
        f"UPDATE {table(db.prefix, 'invoices')} SET billing_address = %s, updated_at ="
        " UTC_TIMESTAMP() WHERE customer_id = %s",
        (billing_address, customer_id),
    )


def ids_for_customer(db: Database, customer_id: int) -> list[int]:
    """Ids of every invoice of ``customer_id``."""
    rows = db.fetch_all(
        f"SELECT id FROM {table(db.prefix, 'invoices')} WHERE customer_id = %s ORDER BY id",
        (customer_id,),
    )
    return [int(row["id"]) for row in rows]
