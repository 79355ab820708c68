"""Per-site options (``wp_options`` / ``wp_N_options``), PHP-unserialized on the way out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..db import Database
from ..phpserial import maybe_unserialize
from ..prefix import blog_table


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
