"""The domains table: custom domain names mapped to sites, read by ``sunrise.php`` to route.

``primary_blog`` is a generated column (``blog_id`` when ``is_primary``), so its unique key
allows one primary domain per site: switch the primary by clearing the old one first.
"""

from __future__ import annotations

from datetime import datetime

import pymysql

from ..wp_bridge.db import Database, Row
from ..wp_bridge.prefix import escape_like, global_table
from . import table

_COLUMNS = (
    "id, network_id, blog_id, domain, is_primary, enabled, status, token, last_error, attempts,"
    " checked_at, next_check_at, verified_at, created_at, updated_at"
)
_DUPLICATE_KEY = 1062
_CHECK_FIELDS = ("status", "last_error", "attempts", "checked_at", "next_check_at", "verified_at")


def insert(db: Database, values: dict) -> int | None:
    """Store a new domain (network_id, blog_id, domain, is_primary, token, next_check_at);
    return its id, or None when the name is taken (by a concurrent insert)."""
    try:
        return _insert(db, values)
    except pymysql.err.IntegrityError as error:
        if error.args and error.args[0] == _DUPLICATE_KEY:
            return None
        raise


def _insert(db: Database, values: dict) -> int:
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'domains')} (network_id, blog_id, domain, is_primary,"
        " token, next_check_at, created_at, updated_at) VALUES (%(network_id)s, %(blog_id)s,"
        " %(domain)s, %(is_primary)s, %(token)s, %(next_check_at)s, UTC_TIMESTAMP(),"
        " UTC_TIMESTAMP())",
        values,
    )


def get(db: Database, domain_id: int, *, for_update: bool = False) -> Row | None:
    """Return one domain, or None; ``for_update`` locks its row."""
    lock = " FOR UPDATE" if for_update else ""
    return db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'domains')} WHERE id = %s{lock}", (domain_id,)
    )


def find_by_name(db: Database, domain: str) -> Row | None:
    """Return the domain row for host name ``domain``, or None."""
    return db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'domains')} WHERE domain = %s", (domain,)
    )


def for_blog(db: Database, blog_id: int, *, for_update: bool = False) -> list[Row]:
    """Return a site's domains, the primary first, then in the order they were added;
    ``for_update`` locks them (and the gap, so a concurrent add waits)."""
    lock = " FOR UPDATE" if for_update else ""
    return db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'domains')} WHERE blog_id = %s"
        f" ORDER BY is_primary DESC, id{lock}",
        (blog_id,),
    )


def delete(db: Database, domain_id: int) -> None:
    """Delete one domain."""
    db.execute(f"DELETE FROM {table(db.prefix, 'domains')} WHERE id = %s", (domain_id,))


def set_primary(db: Database, blog_id: int, domain_id: int | None) -> None:
    """Make ``domain_id`` the site's only primary domain (None: no primary)."""
    db.execute(
        f"UPDATE {table(db.prefix, 'domains')} SET is_primary = 0, updated_at = UTC_TIMESTAMP()"
        " WHERE blog_id = %s AND is_primary = 1",
        (blog_id,),
    )
    if domain_id is not None:
        db.execute(
            f"UPDATE {table(db.prefix, 'domains')} SET is_primary = 1,"
            " updated_at = UTC_TIMESTAMP() WHERE id = %s AND blog_id = %s",
            (domain_id, blog_id),
        )


def save_check(db: Database, domain_id: int, fields: dict) -> None:
    """Store the outcome of a check (the keys of ``_CHECK_FIELDS``)."""
    assignments = ", ".join(f"{name} = %({name})s" for name in _CHECK_FIELDS)
    db.execute(
        f"UPDATE {table(db.prefix, 'domains')} SET {assignments}, updated_at = UTC_TIMESTAMP()"
        " WHERE id = %(id)s",
        {**{name: fields[name] for name in _CHECK_FIELDS}, "id": domain_id},
    )


def set_enabled(db: Database, domain_id: int, enabled: bool) -> None:
    """Turn a mapping on or off (an admin's decision; off = never routed)."""
    db.execute(
        f"UPDATE {table(db.prefix, 'domains')} SET enabled = %s, updated_at = UTC_TIMESTAMP()"
        " WHERE id = %s",
        (int(enabled), domain_id),
    )


def due(db: Database, network_id: int, now: datetime, limit: int) -> list[Row]:
    """Return enabled domains of a network whose next check has come, the most overdue first."""
    return db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'domains')}"
        " WHERE next_check_at <= %s AND network_id = %s AND enabled = 1"
        " ORDER BY next_check_at, id LIMIT %s",
        (now, network_id, limit),
    )


def orphan_blog_ids(db: Database, network_id: int, limit: int = 100) -> list[int]:
    """Return ids of sites that have domains here but no longer exist in WordPress."""
    blogs = global_table(db.prefix, "blogs")
    rows = db.fetch_all(
        f"SELECT DISTINCT d.blog_id FROM {table(db.prefix, 'domains')} d"
        f" WHERE d.network_id = %s AND NOT EXISTS (SELECT 1 FROM {blogs} b"
        " WHERE b.blog_id = d.blog_id) LIMIT %s",
        (network_id, limit),
    )
    return [int(row["blog_id"]) for row in rows]


def search(
    db: Database,
    network_id: int,
    *,
    status: str | None = None,
    text: str = "",
    after_id: int = 0,
    limit: int = 50,
) -> list[Row]:
    """Return a page of a network's domains in id order with the site's address
    (``site_address``), filtered by ``status`` ("disabled" = turned off) and by a piece of
    the name."""
    blogs = global_table(db.prefix, "blogs")
    clauses, params = ["d.network_id = %s", "d.id > %s"], [network_id, after_id]
    if status == "disabled":
        clauses.append("d.enabled = 0")
    elif status:
        clauses += ["d.status = %s", "d.enabled = 1"]
        params.append(status)
    if text:
        clauses.append("d.domain LIKE %s")
        params.append(f"%{escape_like(text)}%")
    columns = ", ".join(f"d.{name.strip()}" for name in _COLUMNS.split(","))
    return db.fetch_all(
        f"SELECT {columns}, (SELECT CONCAT(b.domain, b.path) FROM {blogs} b"
        f" WHERE b.blog_id = d.blog_id) AS site_address FROM {table(db.prefix, 'domains')} d"
        f" WHERE {' AND '.join(clauses)} ORDER BY d.id LIMIT %s",
        (*params, limit),
    )


def count_by_status(db: Database, network_id: int) -> dict[str, int]:
    """Return how many domains the network has per status ("disabled" counted apart)."""
    rows = db.fetch_all(
        f"SELECT IF(enabled = 1, status, 'disabled') AS status, COUNT(*) AS n"
        f" FROM {table(db.prefix, 'domains')} WHERE network_id = %s GROUP BY 1",
        (network_id,),
    )
    return {row["status"]: int(row["n"]) for row in rows}
