"""Daily usage per site (``sidecar_usage_history``): the last sweep of each day wins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..wp_bridge.db import Database, Row
from . import table

_COLUMNS = ("blog_id", "day", "posts", "pages", "users", "disk_bytes", "visits")


def save_many(db: Database, rows: Sequence[dict]) -> None:
    """Insert or replace each ``(blog_id, day)`` row, in one statement."""
    if not rows:
        return
    marks = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(rows))
    updates = ", ".join(f"{c} = VALUES({c})" for c in _COLUMNS[2:])
    db.execute(
        f"INSERT INTO {table(db.prefix, 'usage_history')} ({', '.join(_COLUMNS)})"
        f" VALUES {marks} ON DUPLICATE KEY UPDATE {updates}",
        [row.get(column) for row in rows for column in _COLUMNS],
    )


def set_visits(db: Database, counts: Sequence[tuple[int, date, int]]) -> None:
    """Set the visits of ``(blog_id, day)`` rows (creating them when missing)."""
    if not counts:
        return
    marks = ", ".join(["(%s, %s, %s)"] * len(counts))
    db.execute(
        f"INSERT INTO {table(db.prefix, 'usage_history')} (blog_id, day, visits)"
        f" VALUES {marks} ON DUPLICATE KEY UPDATE visits = VALUES(visits)",
        [item for row in counts for item in row],
    )


def for_site(db: Database, blog_id: int, since: date) -> list[Row]:
    """Return a site's rows from ``since`` on, oldest first."""
    return db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'usage_history')}"
        " WHERE blog_id = %s AND day >= %s ORDER BY day",
        (blog_id, since),
    )


def delete_sites(db: Database, blog_ids: Sequence[int]) -> None:
    """Forget the history of ``blog_ids``."""
    if blog_ids:
        marks = ", ".join(["%s"] * len(blog_ids))
        db.execute(
            f"DELETE FROM {table(db.prefix, 'usage_history')} WHERE blog_id IN ({marks})",
            list(blog_ids),
        )
