"""Invoice lines (``{prefix}sidecar_invoice_lines``): what an invoice charges, in order."""

from __future__ import annotations

from collections.abc import Sequence

from ..wp_bridge.db import Database, Row
from . import table

_COLUMNS = "id, invoice_id, position, description, product_id, quantity, unit_price, amount"


def insert_many(db: Database, invoice_id: int, lines: Sequence[dict]) -> None:
    """Store an invoice's lines in the given order (``description``, ``product_id``,
    ``quantity``, ``unit_price``, ``amount`` each)."""
    if not lines:
        return
    params: list = []
    for position, line in enumerate(lines, start=1):
        params += [
            invoice_id,
            position,
            line["description"],
            line["product_id"],
            line["quantity"],
            line["unit_price"],
            line["amount"],
        ]
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(lines))
    db.execute(
        f"INSERT INTO {table(db.prefix, 'invoice_lines')} (invoice_id, position, description,"
        f" product_id, quantity, unit_price, amount) VALUES {values}",
        params,
    )


def for_invoices(db: Database, invoice_ids: Sequence[int]) -> list[Row]:
    """Return the lines of the given invoices, by invoice then position."""
    if not invoice_ids:
        return []
    return db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'invoice_lines')}"
        " WHERE invoice_id IN %s ORDER BY invoice_id, position",
        (tuple(invoice_ids),),
    )
