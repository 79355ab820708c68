"""Settings of the customers area (``{prefix}sidecar_customer_settings``), name → value."""

from __future__ import annotations

from ..wp_bridge.db import Database
from . import table


def get(db: Database, name: str, default: str = "") -> str:
    """The value of setting ``name``, or ``default``."""
    value = db.fetch_value(
        f"SELECT value FROM {table(db.prefix, 'customer_settings')} WHERE name = %s", (name,)
    )
    return default if value is None else str(value)


def put(db: Database, name: str, value: str) -> None:
    """Set setting ``name`` to ``value``."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'customer_settings')} (name, value) VALUES (%s, %s)"
        " ON DUPLICATE KEY UPDATE value = VALUES(value)",
        (name, value),
    )


def forget_birth_dates(db: Database) -> int:
    """Drop the day and month of birth of every customer (keeps the year)."""
    return db.execute(
        f"UPDATE {table(db.prefix, 'customers')} SET birth_date = NULL WHERE birth_date IS NOT NULL"
    )
