"""What onboarding applied to each customer (a JSON snapshot), and memberships' payers."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table


def save(db: Database, customer_id: int, template_id: int | None, snapshot: str, by: int) -> None:
    """Store (or replace) a customer's onboarding snapshot."""
    db.execute(
        f"REPLACE INTO {table(db.prefix, 'customer_onboarding')} (customer_id, template_id,"
        " snapshot, applied_at, applied_by) VALUES (%s, %s, %s, UTC_TIMESTAMP(), %s)",
        (customer_id, template_id, snapshot, by),
    )


def get(db: Database, customer_id: int) -> Row | None:
    """A customer's onboarding row, or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'customer_onboarding')} WHERE customer_id = %s",
        (customer_id,),
    )


def set_payer(db: Database, membership_id: int, payer_customer_id: int) -> None:
    """Record who pays a membership (when not its customer)."""
    db.execute(
        f"REPLACE INTO {table(db.prefix, 'membership_payers')} (membership_id,"
        " payer_customer_id) VALUES (%s, %s)",
        (membership_id, payer_customer_id),
    )


def payer_of(db: Database, membership_id: int) -> int | None:
    """The customer id paying a membership, or None when its customer pays."""
    return db.fetch_value(
        f"SELECT payer_customer_id FROM {table(db.prefix, 'membership_payers')}"
        " WHERE membership_id = %s",
        (membership_id,),
    )


def clear_payer(db: Database, membership_id: int) -> None:
    """Let a membership's own customer pay again."""
    db.execute(
        f"DELETE FROM {table(db.prefix, 'membership_payers')} WHERE membership_id = %s",
        (membership_id,),
    )
