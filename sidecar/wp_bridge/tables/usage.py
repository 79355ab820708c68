"""What sites use, read for a BATCH of sites in a few statements: posts per type in the counted
statuses (one ``UNION ALL`` over the batch's posts tables), users per role (one
``meta_key IN (…)`` over usermeta), and the batch's blog ids themselves (keyset, optionally
sharded). Each answers in one row, its rows aggregated as JSON by the server: decoding a row
per site in Python was much of a sweep's client time.

A site whose tables are missing (a half-deleted site) is left out of the batch rather than
failing it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pymysql

from ..db import Database
from ..phpserial import PHPSerialError, maybe_unserialize
from ..prefix import blog_prefix, blog_table, global_table

COUNTED_STATUSES = ("publish", "private", "future")
NO_SUCH_TABLE = 1146


@dataclass
class RoleCount:
    """Users of one site: how many have any role, and how many have each role."""

    users: int = 0
    roles: dict[str, int] = field(default_factory=dict)


def site_ids(
    db: Database, network_id: int, *, after_id: int, limit: int, shard: tuple[int, int] = (1, 1)
) -> list[int]:
    """Return up to ``limit`` blog ids of the network above ``after_id``, in id order; with
    ``shard`` = (i, n) only the ids with ``id mod n == i - 1``. Deleted sites are skipped."""
    index, count = shard
    found = db.fetch_value(
        "SELECT JSON_ARRAYAGG(blog_id ORDER BY blog_id) AS ids FROM"
        f" (SELECT blog_id FROM {global_table(db.prefix, 'blogs')}"
        "  WHERE site_id = %s AND blog_id > %s AND deleted = 0 AND MOD(blog_id, %s) = %s"
        "  ORDER BY blog_id LIMIT %s) AS batch",
        (network_id, after_id, count, index - 1, limit),
    )
    return [int(blog_id) for blog_id in json.loads(found)] if found else []


def post_counts(
    db: Database, blog_ids: Sequence[int], statuses: Sequence[str] = COUNTED_STATUSES
) -> dict[int, dict[str, int]]:
    """Return ``{blog_id: {post_type: count}}`` of the posts in ``statuses`` (published,
    private and scheduled by default), in one statement for the whole batch. Sites without a
    posts table are left out.

    Raises InvalidBlogId for a bad id.
    """
    counts: dict[int, dict[str, int]] = {blog_id: {} for blog_id in blog_ids}
    for blog_id, post_type, count in _union(db, blog_ids, "posts", _posts_select, statuses):
        counts[blog_id][post_type] = count
    return counts


def _posts_select(table: str, blog_id: int, marks: str) -> str:
    return (
        f"SELECT {blog_id} AS b, post_type AS t, COUNT(*) AS n FROM {table}"
        f" WHERE post_status IN ({marks}) GROUP BY post_type"
    )


def _union(db: Database, blog_ids: Sequence[int], name: str, select, params: Sequence) -> list:
    """Run ``select(table, blog_id, marks)`` for each site's table ``name`` as one UNION ALL
    and return its ``(b, t, n)`` rows; on a missing table, run it again over the tables that
    exist."""
    if not blog_ids:
        return []
    try:
        return _run_union(db, blog_ids, name, select, params)
    except pymysql.err.ProgrammingError as error:
        if not error.args or error.args[0] != NO_SUCH_TABLE:
            raise
    present = existing_site_tables(db, blog_ids, name)
    return _run_union(db, [b for b in blog_ids if b in present], name, select, params)


def _run_union(db: Database, blog_ids: Sequence[int], name: str, select, params) -> list:
    """The UNION ALL, its rows aggregated by the server into one JSON array (decoding one
    string is much cheaper than decoding a row per site and post type). ``params`` are
    named, so each value is escaped once however many sites use it; the blog id in each
    part is an int that ``blog_table`` has validated."""
    if not blog_ids:
        return []
    named = {f"p{i}": value for i, value in enumerate(params)}
    marks = ", ".join(f"%({key})s" for key in named)
    parts = [select(blog_table(db.prefix, b, name), b, marks) for b in blog_ids]
    found = db.fetch_value(
        "SELECT JSON_ARRAYAGG(JSON_ARRAY(b, t, n)) AS found"
        f" FROM ({' UNION ALL '.join(parts)}) AS counted",
        named,
    )
    return json.loads(found) if found else []


def existing_site_tables(db: Database, blog_ids: Iterable[int], name: str) -> set[int]:
    """Return the ids among ``blog_ids`` whose table ``name`` exists."""
    wanted = {blog_table(db.prefix, blog_id, name).strip("`"): blog_id for blog_id in blog_ids}
    if not wanted:
        return set()
    marks = ", ".join(["%s"] * len(wanted))
    rows = db.fetch_all(
        "SELECT table_name AS name FROM information_schema.tables"
        f" WHERE table_schema = DATABASE() AND table_name IN ({marks})",
        list(wanted),
    )
    return {wanted[row["name"]] for row in rows}


def role_counts(db: Database, blog_ids: Sequence[int]) -> dict[int, RoleCount]:
    """Return each site's users with any role and per role, from the per-site capabilities in
    usermeta (as ``count_users`` reads them: existing users only), in one statement whose
    one row holds every ``[meta_key, meta_value]`` pair of the batch as a JSON array (each
    distinct serialized value is parsed once). ``STRAIGHT_JOIN`` keeps usermeta first, read
    by its ``meta_key`` index (the batch's rows only): joined the other way round, MariaDB
    reads every usermeta row of every user, which grows with the network.

    Raises InvalidBlogId for a bad id.
    """
    keys = {f"{blog_prefix(db.prefix, blog_id)}capabilities": blog_id for blog_id in blog_ids}
    counts = {blog_id: RoleCount() for blog_id in blog_ids}
    if not keys:
        return counts
    marks = ", ".join(["%s"] * len(keys))
    found = db.fetch_value(
        "SELECT JSON_ARRAYAGG(JSON_ARRAY(um.meta_key, um.meta_value)) AS capabilities"
        f" FROM {global_table(db.prefix, 'usermeta')} um"
        f" STRAIGHT_JOIN {global_table(db.prefix, 'users')} u ON u.ID = um.user_id"
        f" WHERE um.meta_key IN ({marks})",
        list(keys),
    )
    parsed: dict[str, tuple[str, ...]] = {}
    for key, value in json.loads(found) if found else ():
        roles = parsed.get(value)
        if roles is None:
            roles = parsed[value] = _roles(value or "")
        if roles:
            _add_user(counts[keys[key]], roles)
    return counts


def _roles(meta_value: str) -> tuple[str, ...]:
    try:
        capabilities = maybe_unserialize(meta_value)
    except PHPSerialError:
        return ()
    if not isinstance(capabilities, dict):
        return ()
    return tuple(str(role) for role, granted in capabilities.items() if granted)


def _add_user(count: RoleCount, roles: tuple[str, ...]) -> None:
    count.users += 1
    for role in roles:
        count.roles[role] = count.roles.get(role, 0) + 1


def count_site_ids(db: Database, network_id: int, shard: tuple[int, int] = (1, 1)) -> int:
    """How many sites ``site_ids`` walks through for this network and shard."""
    index, count = shard
    return int(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {global_table(db.prefix, 'blogs')}"
            " WHERE site_id = %s AND deleted = 0 AND MOD(blog_id, %s) = %s",
            (network_id, count, index - 1),
        )
    )


def site_roles(db: Database, blog_id: int = 1) -> dict[str, str]:
    """Return the roles defined on a site (``{prefix}user_roles`` option): key → name.

    Raises InvalidBlogId for a bad id.
    """
    name = f"{blog_prefix(db.prefix, blog_id)}user_roles"
    value = db.fetch_value(
        f"SELECT option_value FROM {blog_table(db.prefix, blog_id, 'options')}"
        " WHERE option_name = %s",
        (name,),
    )
    roles = maybe_unserialize(value) if value else {}
    if not isinstance(roles, dict):
        return {}
    return {
        str(key): str(role.get("name", key)) if isinstance(role, dict) else str(key)
        for key, role in roles.items()
    }
