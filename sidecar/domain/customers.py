"""Customers: the WordPress user who buys, with a billing address."""

from __future__ import annotations

from ..store import customers as store
from ..wp_bridge.db import Database
from ..wp_bridge.tables.users import User
from .events import Actor, record


def billing_address(row: dict | None) -> dict:
    """The billing fields of a customer row (empty strings when there is none)."""
    return {key: (row or {}).get(key, "") for key in store.BILLING_FIELDS}


def ensure_customer(db: Database, user: User) -> dict:
    """Return the customer row of ``user``, creating it (named after the user) if needed."""
    row = store.find_by_user(db, user.id)
    if row is None:
        store.insert(db, user.id, {"billing_name": user.display_name})
        row = store.find_by_user(db, user.id)
    return row


def update_billing_address(db: Database, user: User, address: dict, actor: Actor) -> dict:
    """Replace the billing address of ``user``'s customer record (validated by the caller's
    schema); past invoices keep the address they were issued with. Returns the new row."""
    with db.transaction():
        row = ensure_customer(db, user)
        store.update_billing(db, row["id"], address)
        record(
            db,
            actor,
            "customer",
            row["id"],
            "billing_address.updated",
            billing_address(row),
            billing_address(address),
        )
    return store.find_by_user(db, user.id)
