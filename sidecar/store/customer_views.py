"""Saved views of the customers grid, per admin (``{prefix}sidecar_customer_views``)."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table


def for_user(db: Database, user_id: int) -> list[Row]:
    """The views of admin ``user_id`` in name order."""
    return db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'customer_views')} WHERE user_id = %s ORDER BY name",
        (user_id,),
    )


def get(db: Database, user_id: int, view_id: int) -> Row | None:
    """View ``view_id`` when it belongs to admin ``user_id``, else None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'customer_views')} WHERE id = %s AND user_id = %s",
        (view_id, user_id),
    )


def default_for(db: Database, user_id: int) -> Row | None:
    """The default view of admin ``user_id``, or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'customer_views')}"
        " WHERE user_id = %s AND is_default = 1 LIMIT 1",
        (user_id,),
    )


def upsert(db: Database, user_id: int, name: str, state: str) -> int:
    """Create view ``name`` of ``user_id`` or replace its state; return its id."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'customer_views')} (user_id, name, state, created_at)"
        " VALUES (%s, %s, %s, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE state = VALUES(state)",
        (user_id, name, state),
    )
    return int(
        db.fetch_value(
            f"SELECT id FROM {table(db.prefix, 'customer_views')} WHERE user_id = %s AND name = %s",
            (user_id, name),
        )
    )


def set_default(db: Database, user_id: int, view_id: int | None) -> None:
    """Make ``view_id`` the only default view of ``user_id`` (None: no default)."""
    db.execute(
        f"UPDATE {table(db.prefix, 'customer_views')} SET is_default = (id <=> %s)"
        " WHERE user_id = %s",
        (view_id, user_id),
    )


def delete(db: Database, user_id: int, view_id: int) -> int:
    """Delete a view of ``user_id``; return the number of rows deleted."""
    return db.execute(
        f"DELETE FROM {table(db.prefix, 'customer_views')} WHERE id = %s AND user_id = %s",
        (view_id, user_id),
    )
