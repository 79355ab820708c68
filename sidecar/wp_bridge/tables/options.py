"""Per-site options (``wp_options`` / ``wp_N_options``), PHP-unserialized on the way out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pymysql

from ..db import Database
from ..phpserial import dumps, is_serialized, maybe_unserialize
from ..prefix import blog_table
from .usage import NO_SUCH_TABLE, existing_site_tables


def get_option(db: Database, blog_id: int, name: str, default: Any = None) -> Any:
    """Return option ``name`` of site ``blog_id`` (``get_blog_option``), or ``default``."""
    return get_options(db, blog_id, [name]).get(name, default)


def get_options(db: Database, blog_id: int, names: Iterable[str]) -> dict[str, Any]:
    """Return the options among ``names`` that exist on site ``blog_id``, in one query.

    Raises InvalidBlogId for a bad id.
    """
    names = list(names)
    if not names:
        return {}
    marks = ", ".join(["%s"] * len(names))
    rows = db.fetch_all(
        f"SELECT option_name, option_value FROM {blog_table(db.prefix, blog_id, 'options')}"
        f" WHERE option_name IN ({marks})",
        names,
    )
    return {row["option_name"]: maybe_unserialize(row["option_value"]) for row in rows}


def set_options(db: Database, blog_id: int, values: dict[str, Any], autoload: bool = True) -> None:
    """Write options of site ``blog_id`` in one statement (insert or replace), serialising them
    as ``maybe_serialize`` does: arrays PHP-serialized, scalars as text. Afterwards ask the
    shim to clear the site's option caches (``ShimClient.clear_caches(..., options=True)``).

    Raises InvalidBlogId for a bad id.
    """
    if not values:
        return
    rows = [(name, _stored(value), "yes" if autoload else "no") for name, value in values.items()]
    marks = ", ".join(["(%s, %s, %s)"] * len(rows))
    db.execute(
        f"INSERT INTO {blog_table(db.prefix, blog_id, 'options')}"
        f" (option_name, option_value, autoload) VALUES {marks}"
        " ON DUPLICATE KEY UPDATE option_value = VALUES(option_value),"
        " autoload = VALUES(autoload)",
        [item for row in rows for item in row],
    )


def _stored(value: Any) -> str:
    """The text WordPress stores for ``value`` (``maybe_serialize``)."""
    if isinstance(value, dict | list | tuple) or (isinstance(value, str) and is_serialized(value)):
        return dumps(value).decode("utf-8")
    if isinstance(value, bool):
        return "1" if value else ""
    return "" if value is None else str(value)


def option_of_sites(db: Database, blog_ids: Iterable[int], name: str) -> dict[int, Any]:
    """Return option ``name`` of each of ``blog_ids`` that has it, in one UNION ALL statement
    (sites without an options table are left out).

    Raises InvalidBlogId for a bad id.
    """
    ids = list(blog_ids)
    if not ids:
        return {}
    parts = [
        f"SELECT %s AS blog_id, option_value FROM {blog_table(db.prefix, blog_id, 'options')}"
        " WHERE option_name = %s"
        for blog_id in ids
    ]
    params = [item for blog_id in ids for item in (blog_id, name)]
    try:
        rows = db.fetch_all(" UNION ALL ".join(parts), params)
    except pymysql.err.ProgrammingError as error:
        if not error.args or error.args[0] != NO_SUCH_TABLE:
            raise
        present = existing_site_tables(db, ids, "options")
        return option_of_sites(db, [b for b in ids if b in present], name) if present else {}
    return {int(row["blog_id"]): maybe_unserialize(row["option_value"]) for row in rows}
