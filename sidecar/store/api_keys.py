"""API keys for the JSON API. Only a SHA-256 of the secret is stored (the secret is 256 random
bits, so a fast hash is enough; a slow password hash would only cost latency)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..wp_bridge.db import Database
from . import table


@dataclass(frozen=True)
class ApiKeyRow:
    id: int
    name: str
    key_id: str
    secret_sha256: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


_COLUMNS = "id, name, key_id, secret_sha256, created_at, last_used_at, revoked_at"


def insert(db: Database, name: str, key_id: str, secret_sha256: str) -> int:
    """Store a new key; return its row id."""
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'api_keys')} (name, key_id, secret_sha256, created_at)"
        " VALUES (%s, %s, %s, UTC_TIMESTAMP())",
        (name, key_id, secret_sha256),
    )


def find_active(db: Database, key_id: str) -> ApiKeyRow | None:
    """Return the unrevoked key with public id ``key_id``, or None."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'api_keys')}"
        " WHERE key_id = %s AND revoked_at IS NULL",
        (key_id,),
    )
    return ApiKeyRow(**row) if row else None


def list_all(db: Database) -> list[ApiKeyRow]:
    """Return every key, newest first."""
    rows = db.fetch_all(f"SELECT {_COLUMNS} FROM {table(db.prefix, 'api_keys')} ORDER BY id DESC")
    return [ApiKeyRow(**row) for row in rows]


def touch(db: Database, row_id: int) -> None:
    """Record that key ``row_id`` was just used (at most once a minute, to spare writes)."""
    db.execute(
        f"UPDATE {table(db.prefix, 'api_keys')} SET last_used_at = UTC_TIMESTAMP()"
        " WHERE id = %s AND (last_used_at IS NULL"
        " OR last_used_at < UTC_TIMESTAMP() - INTERVAL 1 MINUTE)",
        (row_id,),
    )


def revoke(db: Database, key_id: str) -> bool:
    """Revoke a key; return False when no active key has that id."""
    return bool(
        db.execute(
            f"UPDATE {table(db.prefix, 'api_keys')} SET revoked_at = UTC_TIMESTAMP()"
            " WHERE key_id = %s AND revoked_at IS NULL",
            (key_id,),
        )
    )
