"""Packages bought on a membership, with quantity and the unit price paid."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table


def for_membership(db: Database, membership_id: int) -> list[Row]:
    """Return the packages of a membership, oldest first."""
    return db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'membership_packages')} WHERE membership_id = %s"
        " ORDER BY added_at, product_id",
        (membership_id,),
    )


def add(db: Database, membership_id: int, product_id: int, quantity: int, price) -> None:
    """Add ``quantity`` of a package (or more of one already there, at the new price)."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'membership_packages')}"
        " (membership_id, product_id, quantity, price, added_at)"
        " VALUES (%s, %s, %s, %s, UTC_TIMESTAMP())"
        " ON DUPLICATE KEY UPDATE quantity = quantity + VALUES(quantity), price = VALUES(price)",
        (membership_id, product_id, quantity, price),
    )


def for_memberships(db: Database, membership_ids: list[int]) -> dict[int, list[Row]]:
    """Return the packages of each membership (oldest first), in one query."""
    found: dict[int, list[Row]] = {membership_id: [] for membership_id in membership_ids}
    if not membership_ids:
        return found
    marks = ", ".join(["%s"] * len(membership_ids))
    for row in db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'membership_packages')}"
        f" WHERE membership_id IN ({marks}) ORDER BY added_at, product_id",
        list(membership_ids),
    ):
        found[int(row["membership_id"])].append(row)
    return found
