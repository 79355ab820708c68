"""Heartbeats of long-running processes (``{prefix}sidecar_heartbeats``)."""

from __future__ import annotations

from datetime import datetime

from ..wp_bridge.db import Database, Row
from . import table


def beat(db: Database, process: str, host: str, pid: int, started_at: datetime, now: datetime):
    """Record that ``process`` on ``host`` is alive at ``now`` (insert or update its row)."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'heartbeats')} (process, host, pid, started_at, beat_at)"
        " VALUES (%s, %s, %s, %s, %s)"
        " ON DUPLICATE KEY UPDATE pid = VALUES(pid), started_at = VALUES(started_at),"
        " beat_at = VALUES(beat_at)",
        (process, host[:190], pid, started_at, now),
    )


def latest(db: Database, process: str) -> Row | None:
    """Return the most recent heartbeat row of ``process`` (any host), or None."""
    return db.fetch_one(
        f"SELECT process, host, pid, started_at, beat_at FROM {table(db.prefix, 'heartbeats')}"
        " WHERE process = %s ORDER BY beat_at DESC LIMIT 1",
        (process,),
    )
