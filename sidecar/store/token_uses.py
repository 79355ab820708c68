"""One-time ids of assertions: the first use claims the id, a second use is a replay."""

from __future__ import annotations

import pymysql

from ..wp_bridge.db import Database
from . import table


def claim(db: Database, jti: str, expires_at: int) -> bool:
    """Record ``jti`` as used; return False if it was used before (a replay)."""
    try:
        db.execute(
            f"INSERT INTO {table(db.prefix, 'token_uses')} (jti, expires_at) VALUES (%s, %s)",
            (jti, expires_at),
        )
    except pymysql.err.IntegrityError:
        return False
    return True


def purge_expired(db: Database, now: int, limit: int = 1000) -> int:
    """Delete up to ``limit`` ids whose assertions have expired; return how many."""
    return db.execute(
        f"DELETE FROM {table(db.prefix, 'token_uses')} WHERE expires_at < %s LIMIT %s",
        (now, limit),
    )
