"""Which tick each scheduled job last ran for (``{prefix}sidecar_job_runs``)."""

from __future__ import annotations

from datetime import datetime

from ..wp_bridge.db import Database, Row
from . import table


def claim_tick(db: Database, job: str, tick: datetime, now: datetime) -> bool:
    """Record that ``job`` runs for ``tick``; False (nothing recorded) when it already ran for
    this tick or a later one. Call it while holding the job's lock."""
    row = db.fetch_one(f"SELECT tick FROM {table(db.prefix, 'job_runs')} WHERE job = %s", (job,))
    if row is not None and row["tick"] >= tick:
        return False
    db.execute(
        f"INSERT INTO {table(db.prefix, 'job_runs')} (job, tick, started_at, runs)"
        " VALUES (%s, %s, %s, 1)"
        " ON DUPLICATE KEY UPDATE tick = VALUES(tick), started_at = VALUES(started_at),"
        " runs = runs + 1",
        (job, tick, now),
    )
    return True


def get(db: Database, job: str) -> Row | None:
    """Return the job's row (tick, started_at, runs), or None when it never ran on a tick."""
    return db.fetch_one(
        f"SELECT job, tick, started_at, runs FROM {table(db.prefix, 'job_runs')} WHERE job = %s",
        (job,),
    )
