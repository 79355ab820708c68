"""Networks (``wp_site``) and network options (``wp_sitemeta``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..db import Database
from ..phpserial import maybe_unserialize
from ..prefix import global_table


@dataclass(frozen=True)
class Network:
    id: int
    domain: str
    path: str


def get_network(db: Database, network_id: int) -> Network | None:
    """Return network ``network_id``, or None."""
    row = db.fetch_one(
        f"SELECT id, domain, path FROM {global_table(db.prefix, 'site')} WHERE id = %s",
        (network_id,),
    )
    return Network(**row) if row else None


def get_network_option(db: Database, network_id: int, key: str, default: Any = None) -> Any:
    """Return a network option (``get_site_option``), PHP-unserialized, or ``default``."""
    value = db.fetch_value(
        f"SELECT meta_value FROM {global_table(db.prefix, 'sitemeta')}"
        " WHERE site_id = %s AND meta_key = %s ORDER BY meta_id LIMIT 1",
        (network_id, key),
    )
    return default if value is None else maybe_unserialize(value)


def super_admin_logins(db: Database, network_id: int) -> list[str]:
    """Return the logins in ``site_admins`` — WordPress stores logins there, not user ids."""
    value = get_network_option(db, network_id, "site_admins", [])
    if isinstance(value, dict):
        value = list(value.values())
    return [login for login in value if isinstance(login, str)] if isinstance(value, list) else []
