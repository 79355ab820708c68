"""The domain settings table: one row per network (Enable Domain Mapping, instructions, DNS
targets, TXT proof, resolver, HTTPS check)."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table

_COLUMNS = (
    "network_id, enabled, instructions, addresses, cname_target, txt_required, resolver,"
    " https_check, updated_at"
)
_WRITABLE = (
    "enabled",
    "instructions",
    "addresses",
    "cname_target",
    "txt_required",
    "resolver",
    "https_check",
)


def get(db: Database, network_id: int) -> Row | None:
    """Return the settings row of network ``network_id``, or None when never saved."""
    return db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'domain_settings')} WHERE network_id = %s",
        (network_id,),
    )


def save(db: Database, network_id: int, values: dict) -> None:
    """Insert or replace the settings of network ``network_id`` (the keys of ``_WRITABLE``)."""
    columns = ", ".join(_WRITABLE)
    marks = ", ".join(f"%({name})s" for name in _WRITABLE)
    updates = ", ".join(f"{name} = VALUES({name})" for name in _WRITABLE)
    db.execute(
        f"INSERT INTO {table(db.prefix, 'domain_settings')}"
        f" (network_id, {columns}, updated_at) VALUES (%(network_id)s, {marks}, UTC_TIMESTAMP())"
        f" ON DUPLICATE KEY UPDATE {updates}, updated_at = UTC_TIMESTAMP()",
        {**{name: values[name] for name in _WRITABLE}, "network_id": network_id},
    )


def delete(db: Database, network_id: int) -> None:
    """Forget the settings of network ``network_id`` (back to the defaults)."""
    db.execute(
        f"DELETE FROM {table(db.prefix, 'domain_settings')} WHERE network_id = %s",
        (network_id,),
    )
