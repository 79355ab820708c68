"""Table names for WordPress sites — built in exactly one place from an int-checked id.

WordPress's ``$wpdb->get_blog_prefix()``: blog 1 (the main site) uses the base prefix
(``wp_``); every other site uses ``{base}{id}_`` (``wp_7_``). Table names cannot be bound as
query parameters, so every name that reaches SQL comes from here.
"""

from __future__ import annotations

import re

_TABLE_SUFFIX = re.compile(r"^[a-z0-9_]{1,48}$")


class InvalidBlogId(ValueError):
    """A blog id that is not a positive int (strings, bools, zero and negatives are refused)."""


def blog_prefix(base_prefix: str, blog_id: int) -> str:
    """Return the table prefix of site ``blog_id``.

    Raises InvalidBlogId for anything but a positive ``int`` (``"7"`` and ``True`` included).
    """
    if type(blog_id) is not int or blog_id < 1:
        raise InvalidBlogId(f"blog id must be a positive int, got {blog_id!r}")
    return base_prefix if blog_id == 1 else f"{base_prefix}{blog_id}_"


def blog_table(base_prefix: str, blog_id: int, name: str) -> str:
    """Return the back-quoted table ``name`` (e.g. ``options``) of site ``blog_id``.

    Raises InvalidBlogId, or ValueError for a table name outside ``[a-z0-9_]``.
    """
    if not _TABLE_SUFFIX.match(name):
        raise ValueError(f"bad table name {name!r}")
    return f"`{blog_prefix(base_prefix, blog_id)}{name}`"


def global_table(base_prefix: str, name: str) -> str:
    """Return a back-quoted network-wide table (``users``, ``blogs``, ``sitemeta``, …)."""
    if not _TABLE_SUFFIX.match(name):
        raise ValueError(f"bad table name {name!r}")
    return f"`{base_prefix}{name}`"


def escape_like(text: str) -> str:
    """Escape ``\\``, ``%`` and ``_`` so ``text`` matches itself in a LIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
