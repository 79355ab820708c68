"""Versioned SQL migrations for the sidecar's tables, applied in order and recorded.

Files live in ``sidecar/migrations/NNNN_name.sql``; ``{prefix}`` inside them becomes the
WordPress table prefix. Statements are separated by a ``;`` at the end of a line. Migrations are
forward-only. A MySQL ``GET_LOCK`` keeps two ``sidecar migrate`` runs from racing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

from ..wp_bridge.db import Database
from . import table

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK = "sidecar_migrate"


class MigrationError(Exception):
    """A migration could not be applied, or the lock could not be taken."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available() -> list[Migration]:
    """Return the packaged migrations in version order."""
    found = []
    for entry in resources.files("sidecar.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def applied_versions(db: Database) -> set[int]:
    """Return the versions already applied (empty when the table does not exist yet)."""
    exists = db.fetch_value(
        "SELECT COUNT(*) FROM information_schema.tables"
        " WHERE table_schema = DATABASE() AND table_name = %s",
        (f"{db.prefix}sidecar_migrations",),
    )
    if not exists:
        return set()
    rows = db.fetch_all(f"SELECT version FROM {table(db.prefix, 'migrations')}")
    return {int(row["version"]) for row in rows}


def pending(db: Database) -> list[Migration]:
    """Return the migrations not applied yet."""
    done = applied_versions(db)
    return [m for m in available() if m.version not in done]


def migrate(db: Database) -> list[Migration]:
    """Apply every pending migration; return those applied. Raises MigrationError."""
    with db.named_lock(_LOCK, 30) as acquired:
        if not acquired:
            raise MigrationError("another migration run holds the lock")
        _ensure_table(db)
        todo = pending(db)
        for migration in todo:
            _apply(db, migration)
        return todo


def _ensure_table(db: Database) -> None:
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {table(db.prefix, 'migrations')} ("
        " version INT UNSIGNED NOT NULL PRIMARY KEY,"
        " name VARCHAR(100) NOT NULL,"
        " checksum CHAR(64) NOT NULL,"
        " applied_at DATETIME NOT NULL"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
    )


def _apply(db: Database, migration: Migration) -> None:
    """Run one migration's statements, then record it. DDL commits implicitly in MySQL, so
    each statement must be safe to re-run (``IF NOT EXISTS``) should a run stop half-way."""
    for statement in _statements(migration.sql.replace("{prefix}", db.prefix)):
        try:
            db.execute(statement)
        except Exception as error:
            raise MigrationError(f"{migration.version:04d}_{migration.name}: {error}") from error
    db.execute(
        f"INSERT INTO {table(db.prefix, 'migrations')} (version, name, checksum, applied_at)"
        " VALUES (%s, %s, %s, UTC_TIMESTAMP())",
        (migration.version, migration.name, migration.checksum),
    )


def _statements(sql: str) -> list[str]:
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    chunks = re.split(r";\s*$", "\n".join(lines), flags=re.MULTILINE)
    return [chunk.strip() for chunk in chunks if chunk.strip()]
