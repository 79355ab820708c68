"""Sites the sidecar archived because their membership expired (``sidecar_suspensions``)."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table


def add(db: Database, blog_id: int, membership_id: int, archived_by_sidecar: bool) -> None:
    """Remember that ``blog_id``'s membership expired and whether the sidecar archived it."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'suspensions')}"
        " (blog_id, membership_id, archived_by_sidecar, suspended_at)"
        " VALUES (%s, %s, %s, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE"
        " membership_id = VALUES(membership_id), archived_by_sidecar = VALUES(archived_by_sidecar)",
        (blog_id, membership_id, int(archived_by_sidecar)),
    )


def remove(db: Database, blog_id: int) -> None:
    """Forget the suspension of ``blog_id``."""
    db.execute(f"DELETE FROM {table(db.prefix, 'suspensions')} WHERE blog_id = %s", (blog_id,))


def get(db: Database, blog_id: int) -> Row | None:
    """Return the suspension of ``blog_id``, or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'suspensions')} WHERE blog_id = %s", (blog_id,)
    )


def to_lift(db: Database, limit: int = 500) -> list[Row]:
    """Suspensions whose site's newest membership is active again — the sites to serve again."""
    memberships = table(db.prefix, "memberships")
    return db.fetch_all(
        f"SELECT s.* FROM {table(db.prefix, 'suspensions')} s"
        f" WHERE EXISTS (SELECT 1 FROM {memberships} m WHERE m.blog_id = s.blog_id"
        f"   AND m.status = 'active' AND m.id = (SELECT MAX(id) FROM {memberships} x"
        "     WHERE x.blog_id = s.blog_id))"
        " ORDER BY s.blog_id LIMIT %s",
        (limit,),
    )


def to_impose(db: Database, limit: int = 500) -> list[Row]:
    """Expired memberships (each site's newest) whose site the sidecar has not suspended yet."""
    memberships = table(db.prefix, "memberships")
    return db.fetch_all(
        f"SELECT m.id AS membership_id, m.blog_id FROM {memberships} m"
        f" WHERE m.status = 'expired' AND m.blog_id IS NOT NULL"
        f" AND m.id = (SELECT MAX(id) FROM {memberships} x WHERE x.blog_id = m.blog_id)"
        f" AND NOT EXISTS (SELECT 1 FROM {table(db.prefix, 'suspensions')} s"
        "   WHERE s.blog_id = m.blog_id)"
        " ORDER BY m.blog_id LIMIT %s",
        (limit,),
    )
