"""What the Account page's security actions read about a user: the stored password hash, and
the sites the user has a role on (``{blog prefix}capabilities`` rows in ``wp_usermeta``)."""

from __future__ import annotations

import re

from ..db import Database
from ..phpserial import maybe_unserialize
from ..prefix import global_table


def stored_password_hash(db: Database, user_id: int) -> str | None:
    """Return ``wp_users.user_pass`` of ``user_id``, or None when there is no such user."""
    value = db.fetch_value(
        f"SELECT user_pass FROM {global_table(db.prefix, 'users')} WHERE ID = %s", (user_id,)
    )
    return None if value is None else str(value)


def site_roles(db: Database, user_id: int) -> dict[int, list[str]]:
    """Return ``{blog_id: [role, …]}`` for every site on which ``user_id`` has a role (like
    ``get_blogs_of_user``, from the capabilities rows; sites that no longer exist included)."""
    pattern = re.compile(rf"^{re.escape(db.prefix)}(?:(\d+)_)?capabilities$")
    rows = db.fetch_all(
        f"SELECT meta_key, meta_value FROM {global_table(db.prefix, 'usermeta')}"
        " WHERE user_id = %s AND meta_key LIKE %s",
        (user_id, "%capabilities"),
    )
    roles: dict[int, list[str]] = {}
    for row in rows:
        match = pattern.match(row["meta_key"])
        granted = _granted(row["meta_value"])
        if match and granted:
            roles[int(match[1] or 1)] = granted
    return roles


def _granted(value: str | None) -> list[str]:
    capabilities = maybe_unserialize(value) if value is not None else {}
    if not isinstance(capabilities, dict):
        return []
    return [str(role) for role, on in capabilities.items() if on]
