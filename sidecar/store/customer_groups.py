"""Customer groups (``{prefix}sidecar_customer_groups``); group 1 is the default group."""

from __future__ import annotations

from contextlib import contextmanager

import pymysql

from ..wp_bridge.db import Database, Row
from . import table

DEFAULT_GROUP_ID = 1
_DUPLICATE_KEY = 1062


def list_with_counts(db: Database) -> list[Row]:
    """Every group in name order with ``customers``, the number of customers in it."""
    return db.fetch_all(
        f"SELECT g.id, g.name, g.created_at, COUNT(c.id) AS customers"
        f" FROM {table(db.prefix, 'customer_groups')} g"
        f" LEFT JOIN {table(db.prefix, 'customers')} c ON c.group_id = g.id"
        " GROUP BY g.id, g.name, g.created_at ORDER BY g.id = 1 DESC, g.name"
    )


def list_all(db: Database) -> list[Row]:
    """Every group (id, name), the default one first, then by name."""
    return db.fetch_all(
        f"SELECT id, name FROM {table(db.prefix, 'customer_groups')} ORDER BY id = 1 DESC, name"
    )


def get(db: Database, group_id: int) -> Row | None:
    """Group ``group_id``, or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'customer_groups')} WHERE id = %s", (group_id,)
    )


def find_by_name(db: Database, name: str) -> Row | None:
    """The group called ``name`` (compared without case), or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'customer_groups')} WHERE name = %s", (name,)
    )


def insert(db: Database, name: str) -> int | None:
    """Create a group; return its id, or None when the name is taken (a concurrent save)."""
    with _unless_taken():
        return db.insert(
            f"INSERT INTO {table(db.prefix, 'customer_groups')} (name, created_at)"
            " VALUES (%s, UTC_TIMESTAMP())",
            (name,),
        )
    return None


def rename(db: Database, group_id: int, name: str) -> bool:
    """Rename a group; False when the name is taken (a concurrent save)."""
    with _unless_taken():
        db.execute(
            f"UPDATE {table(db.prefix, 'customer_groups')} SET name = %s WHERE id = %s",
            (name, group_id),
        )
        return True
    return False


@contextmanager
def _unless_taken():
    """Swallow a duplicate-key refusal (the unique name); re-raise anything else."""
    try:
        yield
    except pymysql.err.IntegrityError as error:
        if not (error.args and error.args[0] == _DUPLICATE_KEY):
            raise


def move_customers(db: Database, from_group: int, to_group: int) -> int:
    """Move every customer of ``from_group`` to ``to_group``; return how many moved."""
    return db.execute(
        f"UPDATE {table(db.prefix, 'customers')} SET group_id = %s, updated_at = UTC_TIMESTAMP()"
        " WHERE group_id = %s",
        (to_group, from_group),
    )


def delete(db: Database, group_id: int) -> int:
    """Delete a group row (its customers must have been moved first)."""
    return db.execute(
        f"DELETE FROM {table(db.prefix, 'customer_groups')} WHERE id = %s", (group_id,)
    )
