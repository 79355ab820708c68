"""Current usage per site (``sidecar_site_usage``): one row per site, replaced by each sweep.
``post_types`` and ``roles`` are JSON objects; the rest are plain columns so the admin page can
filter and sort in SQL."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from ..wp_bridge.db import Database, Row
from ..wp_bridge.prefix import global_table
from . import table

_MEASURED = (
    "blog_id",
    "posts",
    "pages",
    "post_types",
    "users",
    "roles",
    "disk_bytes",
    "visits_month",
    "worst_pct",
    "worst_key",
    "measured_at",
    "disk_walked_at",
)
SORTABLE = ("blog_id", "worst_pct", "disk_bytes", "visits_month", "posts", "pages", "users")


def save_many(db: Database, rows: Sequence[dict]) -> None:
    """Insert or replace the measured columns of each row (one statement); the published_*
    columns are kept. JSON columns may be given decoded or already ``encoded``."""
    if not rows:
        return
    columns = ", ".join(_MEASURED)
    marks = ", ".join(["(" + ", ".join(["%s"] * len(_MEASURED)) + ")"] * len(rows))
    updates = ", ".join(f"{c} = VALUES({c})" for c in _MEASURED if c != "blog_id")
    db.execute(
        f"INSERT INTO {table(db.prefix, 'site_usage')} ({columns}) VALUES {marks}"
        f" ON DUPLICATE KEY UPDATE {updates}",
        [_value(row, column) for row in rows for column in _MEASURED],
    )


def _value(row: dict, column: str):
    value = row.get(column)
    if column in ("post_types", "roles") and not isinstance(value, str):
        # = json.dumps(value, sort_keys=True) for these flat objects, but on json's cached
        # default encoder (sort_keys builds a new encoder per call)
        return json.dumps(dict(sorted(value.items())))
    return value


def get_many(db: Database, blog_ids: Iterable[int]) -> dict[int, Row]:
    """Return the stored rows of ``blog_ids`` by blog id (JSON columns decoded)."""
    ids = list(blog_ids)
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    rows = db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'site_usage')} WHERE blog_id IN ({marks})", ids
    )
    return {int(row["blog_id"]): _decoded(row) for row in rows}


def sweep_state(db: Database, blog_ids: Sequence[int]) -> dict[int, Row]:
    """Return what the sweep compares with its measurement, by blog id: the measured columns
    as stored (JSON columns left as text) but ``measured_at`` only as its day
    (``measured_day``), and ``published_hash``. One statement answering one row (the batch's
    rows as one JSON array): decoding a row per site is much of a sweep's client time."""
    if not blog_ids:
        return {}
    pairs = ", ".join(f"'{c}', {c}" for c in _MEASURED if c != "measured_at")
    marks = ", ".join(["%s"] * len(blog_ids))
    found = db.fetch_value(
        f"SELECT JSON_ARRAYAGG(JSON_OBJECT({pairs}, 'measured_day', DATE(measured_at),"
        f" 'published_hash', published_hash)) AS state FROM {table(db.prefix, 'site_usage')}"
        f" WHERE blog_id IN ({marks})",
        list(blog_ids),
    )
    return {row["blog_id"]: _state_row(row) for row in (json.loads(found) if found else ())}


def _state_row(row: Row) -> Row:
    """A ``sweep_state`` row with its day and date-time back as Python values."""
    walked, day = row["disk_walked_at"], row["measured_day"]
    row["disk_walked_at"] = datetime.fromisoformat(walked) if walked else None
    row["measured_day"] = date.fromisoformat(day) if day else None
    return row


def encoded(row: dict) -> dict:
    """``row`` with its JSON columns as the text the table holds."""
    return {column: _value(row, column) for column in _MEASURED}


def changed(row: dict, stored: Row | None) -> bool:
    """True when a measured row (``encoded``) differs from the stored one, apart from
    ``measured_at``."""
    if stored is None:
        return True
    return any(row[c] != stored[c] for c in _MEASURED if c not in ("blog_id", "measured_at"))


def touch(db: Database, blog_ids: Sequence[int], measured_at) -> None:
    """Set ``measured_at`` of sites whose usage did not change."""
    if blog_ids:
        marks = ", ".join(["%s"] * len(blog_ids))
        db.execute(
            f"UPDATE {table(db.prefix, 'site_usage')} SET measured_at = %s"
            f" WHERE blog_id IN ({marks})",
            [measured_at, *blog_ids],
        )


def get(db: Database, blog_id: int) -> Row | None:
    """Return one site's stored row, or None."""
    return get_many(db, [blog_id]).get(blog_id)


def _decoded(row: Row) -> Row:
    for column in ("post_types", "roles"):
        row[column] = json.loads(row[column] or "{}")
    return row


def set_worst(db: Database, blog_id: int, worst_pct: int | None, worst_key: str) -> None:
    """Update a site's highest usage/limit percentage (after its limits changed)."""
    db.execute(
        f"UPDATE {table(db.prefix, 'site_usage')} SET worst_pct = %s, worst_key = %s"
        " WHERE blog_id = %s",
        (worst_pct, worst_key, blog_id),
    )


def mark_published(db: Database, blog_ids: Sequence[int], digests: Sequence[str], now) -> None:
    """Remember the digest of the enforcement option written for each site."""
    if not blog_ids:
        return
    marks = ", ".join(["(%s, %s, %s, '{}', '{}')"] * len(blog_ids))
    params = []
    for blog_id, digest in zip(blog_ids, digests, strict=True):
        params += [blog_id, digest, now]
    db.execute(
        f"INSERT INTO {table(db.prefix, 'site_usage')}"
        " (blog_id, published_hash, published_at, post_types, roles)"
        f" VALUES {marks} ON DUPLICATE KEY UPDATE published_hash = VALUES(published_hash),"
        " published_at = VALUES(published_at)",
        params,
    )


def near_limits(
    db: Database, *, min_pct: int, sort: str, descending: bool, offset: int, limit: int
) -> tuple[list[Row], int]:
    """Return a page of existing sites whose worst usage is at least ``min_pct`` percent,
    sorted by a column of ``SORTABLE`` (ties by blog id), and how many there are in all."""
    if sort not in SORTABLE:
        raise ValueError(f"cannot sort by {sort!r}")
    direction = "DESC" if descending else "ASC"
    live = (
        f"FROM {table(db.prefix, 'site_usage')} u WHERE u.worst_pct >= %s AND EXISTS"
        f" (SELECT 1 FROM {global_table(db.prefix, 'blogs')} b"
        "  WHERE b.blog_id = u.blog_id AND b.deleted = 0)"
    )
    rows = db.fetch_all(
        f"SELECT u.* {live} ORDER BY u.{sort} IS NULL, u.{sort} {direction}, u.blog_id"
        " LIMIT %s OFFSET %s",
        (min_pct, limit, offset),
    )
    total = db.fetch_value(f"SELECT COUNT(*) {live}", (min_pct,))
    return [_decoded(row) for row in rows], int(total)


def delete_sites(db: Database, blog_ids: Sequence[int]) -> None:
    """Forget the usage rows of ``blog_ids``."""
    if blog_ids:
        marks = ", ".join(["%s"] * len(blog_ids))
        db.execute(
            f"DELETE FROM {table(db.prefix, 'site_usage')} WHERE blog_id IN ({marks})",
            list(blog_ids),
        )
