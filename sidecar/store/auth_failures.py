"""Wrong passwords (``{prefix}sidecar_auth_failures``): one row per failure, user id and time."""

from __future__ import annotations

from datetime import datetime

from ..wp_bridge.db import Database
from . import table


def add(db: Database, user_id: int, source: str, at: datetime) -> None:
    """Record one failure of ``user_id`` (``source``: ``wp-login`` or ``account``)."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'auth_failures')} (user_id, source, failed_at)"
        " VALUES (%s, %s, %s)",
        (user_id, source, at),
    )


def count_since(db: Database, user_id: int, since: datetime) -> int:
    """How many failures ``user_id`` had at or after ``since``."""
    return int(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {table(db.prefix, 'auth_failures')}"
            " WHERE user_id = %s AND failed_at >= %s",
            (user_id, since),
        )
    )


def delete_before(db: Database, user_id: int, before: datetime) -> int:
    """Forget ``user_id``'s failures older than ``before``; return how many."""
    return db.execute(
        f"DELETE FROM {table(db.prefix, 'auth_failures')} WHERE user_id = %s AND failed_at < %s",
        (user_id, before),
    )


def delete_for_user(db: Database, user_id: int) -> int:
    """Forget every failure of ``user_id``; return how many."""
    return db.execute(
        f"DELETE FROM {table(db.prefix, 'auth_failures')} WHERE user_id = %s", (user_id,)
    )
