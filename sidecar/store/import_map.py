"""Which source row became which sidecar row (``{prefix}sidecar_import_map``), so an import
can run again without creating anything twice."""

from __future__ import annotations

from datetime import datetime

from ..wp_bridge.db import Database
from . import table


def get(db: Database, source: str, kind: str, source_id: int) -> int | None:
    """Return the sidecar id that ``source``'s ``kind`` row ``source_id`` became, or None."""
    value = db.fetch_value(
        f"SELECT target_id FROM {table(db.prefix, 'import_map')}"
        " WHERE source = %s AND kind = %s AND source_id = %s",
        (source, kind, source_id),
    )
    return None if value is None else int(value)


def put(
    db: Database, source: str, kind: str, source_id: int, target_id: int, now: datetime
) -> None:
    """Remember that ``source``'s ``kind`` row ``source_id`` became ``target_id``."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'import_map')}"
        " (source, kind, source_id, target_id, imported_at) VALUES (%s, %s, %s, %s, %s)",
        (source, kind, source_id, target_id, now),
    )


def count(db: Database, source: str, kind: str) -> int:
    """Return how many ``kind`` rows of ``source`` were imported."""
    return int(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {table(db.prefix, 'import_map')}"
            " WHERE source = %s AND kind = %s",
            (source, kind),
        )
    )
