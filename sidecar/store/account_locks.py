"""Locked accounts (``{prefix}sidecar_account_locks``): one row per WordPress user, read by the
shim's ``authenticate`` filter too (docs/protocol.md, "Account locks")."""

from __future__ import annotations

from datetime import datetime

from ..wp_bridge.db import Database, Row
from . import table

_COLUMNS = "user_id, locked_at, locked_until, failures"


def get(db: Database, user_id: int) -> Row | None:
    """Return ``user_id``'s lock row (expired or not), or None."""
    return db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'account_locks')} WHERE user_id = %s",
        (user_id,),
    )


def put(db: Database, user_id: int, locked_at: datetime, until: datetime, failures: int) -> None:
    """Lock ``user_id`` until ``until`` (replacing an older lock row)."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'account_locks')} ({_COLUMNS}) VALUES (%s, %s, %s, %s)"
        " ON DUPLICATE KEY UPDATE locked_at = VALUES(locked_at),"
        " locked_until = VALUES(locked_until), failures = VALUES(failures)",
        (user_id, locked_at, until, failures),
    )


def active(db: Database, now: datetime, limit: int = 500) -> list[Row]:
    """Locks still in force at ``now``, the newest first."""
    return db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'account_locks')}"
        " WHERE locked_until > %s ORDER BY locked_at DESC LIMIT %s",
        (now, limit),
    )


def delete(db: Database, user_id: int) -> int:
    """Remove ``user_id``'s lock row; return 1 when there was one."""
    return db.execute(
        f"DELETE FROM {table(db.prefix, 'account_locks')} WHERE user_id = %s", (user_id,)
    )
