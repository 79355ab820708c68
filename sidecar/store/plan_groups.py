"""The plan groups table: named sets of plans a membership may switch between."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table

_COLUMNS = "id, name, created_at"


def insert(db: Database, name: str) -> int:
    """Store a new group; return its id."""
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'plan_groups')} (name, created_at)"
        " VALUES (%s, UTC_TIMESTAMP())",
        (name,),
    )


def get(db: Database, group_id: int) -> Row | None:
    """Return one group, or None."""
    return db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'plan_groups')} WHERE id = %s", (group_id,)
    )


def find_by_name(db: Database, name: str) -> Row | None:
    """Return the group called ``name`` (case-insensitively), or None."""
    return db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'plan_groups')} WHERE name = %s", (name,)
    )


def list_all(db: Database) -> list[Row]:
    """Return every group, by name."""
    return db.fetch_all(f"SELECT {_COLUMNS} FROM {table(db.prefix, 'plan_groups')} ORDER BY name")


def rename(db: Database, group_id: int, name: str) -> None:
    """Change a group's name."""
    db.execute(
        f"UPDATE {table(db.prefix, 'plan_groups')} SET name = %s WHERE id = %s", (name, group_id)
    )


def delete(db: Database, group_id: int) -> None:
    """Remove a group."""
    db.execute(f"DELETE FROM {table(db.prefix, 'plan_groups')} WHERE id = %s", (group_id,))
