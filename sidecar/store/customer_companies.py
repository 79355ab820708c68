"""Companies customers belong to (``{prefix}sidecar_companies``)."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table


def list_all(db: Database) -> list[Row]:
    """Every company (id, name) by name."""
    return db.fetch_all(f"SELECT id, name FROM {table(db.prefix, 'companies')} ORDER BY name")


def get(db: Database, company_id: int) -> Row | None:
    """Company ``company_id``, or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'companies')} WHERE id = %s", (company_id,)
    )


def ensure(db: Database, name: str) -> int:
    """The id of company ``name``, creating it when new."""
    db.execute(
        f"INSERT IGNORE INTO {table(db.prefix, 'companies')} (name, created_at)"
        " VALUES (%s, UTC_TIMESTAMP())",
        (name,),
    )
    return int(
        db.fetch_value(f"SELECT id FROM {table(db.prefix, 'companies')} WHERE name = %s", (name,))
    )


def other_admins(db: Database, company_id: int, excluded_ids: list[int]) -> int:
    """How many company admins of ``company_id`` are not among ``excluded_ids``."""
    marks = ", ".join(["%s"] * len(excluded_ids)) or "NULL"
    return int(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {table(db.prefix, 'customers')} WHERE company_id = %s"
            f" AND customer_type = 'company_admin' AND id NOT IN ({marks})",
            (company_id, *excluded_ids),
        )
    )
