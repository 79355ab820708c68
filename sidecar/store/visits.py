"""The visits counter (``sidecar_visits``), written by the shim — one row per site, day and
unique visitor (docs/limits.md). The sidecar only reads and purges it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..wp_bridge.db import Database
from . import table


def daily_counts(db: Database, blog_ids: Sequence[int], since: date) -> list[tuple[int, date, int]]:
    """Return ``(blog_id, day, unique visitors)`` for ``blog_ids`` from ``since`` on, in one
    statement."""
    if not blog_ids:
        return []
    marks = ", ".join(["%s"] * len(blog_ids))
    rows = db.fetch_all(
        f"SELECT blog_id, day, COUNT(*) AS n FROM {table(db.prefix, 'visits')}"
        f" WHERE blog_id IN ({marks}) AND day >= %s GROUP BY blog_id, day",
        [*blog_ids, since],
    )
    return [(int(row["blog_id"]), row["day"], int(row["n"])) for row in rows]


def purge_before(db: Database, day: date, chunk: int = 10000) -> int:
    """Delete up to ``chunk`` rows of days before ``day``; return how many were deleted."""
    return db.execute(
        f"DELETE FROM {table(db.prefix, 'visits')} WHERE day < %s LIMIT %s", (day, chunk)
    )


def record(db: Database, blog_id: int, day: date, visitor: str) -> bool:
    """Count one visitor (as the shim does: ``INSERT IGNORE``); True when it was new. For
    tests, demos and benchmarks — in production only the shim writes here."""
    return bool(
        db.execute(
            f"INSERT IGNORE INTO {table(db.prefix, 'visits')} (blog_id, day, visitor)"
            " VALUES (%s, %s, %s)",
            (blog_id, day, visitor),
        )
    )
