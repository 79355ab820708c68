"""Invoice numbers (``{prefix}sidecar_invoice_counters``): one row per network holding the last
number handed out."""

from __future__ import annotations

from ..wp_bridge.db import Database
from . import table


def next_number(db: Database, network_id: int) -> int:
    """Take the next invoice number of ``network_id`` (1 for the first invoice).

    The upsert locks the network's counter row until the surrounding transaction ends, so
    concurrent issuers wait for each other: numbers are sequential and never duplicated, and a
    rolled-back invoice gives its number back (no gap). Raises RuntimeError outside a
    transaction, where the lock would be released at once.
    """
    if not db.in_transaction:
        raise RuntimeError("invoice numbers must be taken inside the invoice's transaction")
    counters = table(db.prefix, "invoice_counters")
    db.execute(
        f"INSERT INTO {counters} (network_id, last_number) VALUES (%s, 1)"
        " ON DUPLICATE KEY UPDATE last_number = last_number + 1",
        (network_id,),
    )
    # A locking read sees the row as this transaction left it (never an older snapshot).
    return int(
        db.fetch_value(
            f"SELECT last_number FROM {counters} WHERE network_id = %s FOR UPDATE",
            (network_id,),
        )
    )
