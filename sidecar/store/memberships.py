"""The memberships table. Updates are optimistic: they name the version they read, and a
concurrent change makes them touch no row (the caller turns that into a Conflict)."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table

_UPDATABLE = {
    "plan_id",
    "status",
    "currency",
    "recurring_amount",
    "billing_period",
    "times_billed",
    "credit",
    "discount_code_id",
    "cancel_at_period_end",
    "renewed_at",
    "expires_at",
    "cancelled_at",
    "blog_id",
}


def insert(db: Database, values: dict) -> int:
    """Insert a membership; return its id."""
    columns = ", ".join(values)
    marks = ", ".join(f"%({key})s" for key in values)
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'memberships')} ({columns}, created_at, updated_at)"
        f" VALUES ({marks}, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
        values,
    )


def get(db: Database, membership_id: int, *, for_update: bool = False) -> Row | None:
    """Return membership ``membership_id`` (locked when ``for_update``), or None."""
    lock = " FOR UPDATE" if for_update else ""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'memberships')} WHERE id = %s{lock}", (membership_id,)
    )


def find_by_blog(db: Database, blog_id: int) -> Row | None:
    """Return the newest membership attached to site ``blog_id``, or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'memberships')} WHERE blog_id = %s"
        " ORDER BY id DESC LIMIT 1",
        (blog_id,),
    )


def number_exists(db: Database, number: str) -> bool:
    """True when a membership already has this number."""
    return bool(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {table(db.prefix, 'memberships')} WHERE number = %s", (number,)
        )
    )


def update(db: Database, membership_id: int, version: int, changes: dict) -> bool:
    """Apply ``changes`` if the row is still at ``version`` (and bump it); False otherwise."""
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    assignments = "".join(f"{key} = %({key})s, " for key in changes)
    return bool(
        db.execute(
            f"UPDATE {table(db.prefix, 'memberships')} SET {assignments}"
            " version = version + 1, updated_at = UTC_TIMESTAMP()"
            " WHERE id = %(_id)s AND version = %(_version)s",
            {**changes, "_id": membership_id, "_version": version},
        )
    )


def list_page(db: Database, *, status: str | None, after_id: int, limit: int) -> list[Row]:
    """Return memberships with ids above ``after_id`` (optionally of one status), in id order."""
    where = "id > %(after)s" + (" AND status = %(status)s" if status else "")
    return db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'memberships')} WHERE {where}"
        " ORDER BY id LIMIT %(limit)s",
        {"after": after_id, "status": status, "limit": limit},
    )


def due_for_renewal(db: Database, before: str, limit: int = 500) -> list[Row]:
    """Active recurring memberships whose period ends before ``before`` and that have no
    pending renewal invoice yet."""
    return db.fetch_all(
        f"SELECT m.* FROM {table(db.prefix, 'memberships')} m"
        " WHERE m.status = 'active' AND m.billing_period <> 'once' AND m.cancel_at_period_end = 0"
        " AND m.expires_at IS NOT NULL AND m.expires_at <= %s"
        f" AND NOT EXISTS (SELECT 1 FROM {table(db.prefix, 'invoices')} i"
        "   WHERE i.membership_id = m.id AND i.reason = 'renewal' AND i.status = 'pending')"
        " ORDER BY m.id LIMIT %s",
        (before, limit),
    )


def overdue(db: Database, before: str, limit: int = 500) -> list[Row]:
    """Active or on-hold memberships whose paid period ended before ``before``."""
    return db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'memberships')}"
        " WHERE status IN ('active', 'on_hold') AND billing_period <> 'once'"
        " AND expires_at IS NOT NULL AND expires_at < %s ORDER BY id LIMIT %s",
        (before, limit),
    )


def ending_cancellations(db: Database, now, limit: int = 500) -> list[Row]:
    """Memberships set to cancel at period end whose period has ended."""
    return db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'memberships')}"
        " WHERE status IN ('active', 'on_hold') AND cancel_at_period_end = 1"
        " AND expires_at IS NOT NULL AND expires_at < %s ORDER BY id LIMIT %s",
        (now, limit),
    )


def for_customer(db: Database, customer_id: int) -> list[Row]:
    """Every membership of ``customer_id``, in id order."""
    return db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'memberships')} WHERE customer_id = %s ORDER BY id",
        (customer_id,),
    )


def find_by_blogs(db: Database, blog_ids: list[int]) -> dict[int, Row]:
    """Return the newest membership of each of ``blog_ids`` that has one, in one query."""
    if not blog_ids:
        return {}
    marks = ", ".join(["%s"] * len(blog_ids))
    rows = db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'memberships')} WHERE blog_id IN ({marks}) ORDER BY id",
        list(blog_ids),
    )
    return {int(row["blog_id"]): row for row in rows}  # later (newer) rows win
