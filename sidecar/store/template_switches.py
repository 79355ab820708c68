"""The template switches table: one row per switch or undo of a site (docs/templates.md).

``active_site`` is a generated column (``site_id`` while the row is queued or running), so its
unique key refuses a second active switch of the same site: ``insert`` returns None then.
"""

from __future__ import annotations

import json
from datetime import datetime

import pymysql

from ..wp_bridge.db import Database, Row
from . import table

_COLUMNS = (
    "id, site_id, template_site_id, kind, reason, restores_id, state, step, percent, error,"
    " actor_type, actor_id, live_tables, staging_tables, media, backup, undo_until,"
    " launches, created_at, started_at, finished_at, updated_at"
)
_DUPLICATE_KEY = 1062
_PROGRESS_FIELDS = ("state", "step", "percent", "error")


def insert(db: Database, values: dict) -> int | None:
    """Store a queued switch (site_id, template_site_id, kind, reason, restores_id, actor_type,
    actor_id); return its id, or None when the site already has a queued or running one."""
    try:
        return db.insert(
            f"INSERT INTO {table(db.prefix, 'template_switches')} (site_id, template_site_id,"
            " kind, reason, restores_id, actor_type, actor_id, live_tables, staging_tables,"
            " created_at, updated_at) VALUES (%(site_id)s, %(template_site_id)s, %(kind)s,"
            " %(reason)s, %(restores_id)s, %(actor_type)s, %(actor_id)s, '[]', '[]',"
            " UTC_TIMESTAMP(), UTC_TIMESTAMP())",
            values,
        )
    except pymysql.err.IntegrityError as error:
        if error.args and error.args[0] == _DUPLICATE_KEY:
            return None
        raise


def get(db: Database, switch_id: int) -> Row | None:
    """Return one switch with its table lists decoded, or None."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'template_switches')} WHERE id = %s",
        (switch_id,),
    )
    return _decoded(row) if row else None


def latest(db: Database, site_id: int) -> Row | None:
    """Return the site's most recent switch or undo, or None."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'template_switches')} WHERE site_id = %s"
        " ORDER BY id DESC LIMIT 1",
        (site_id,),
    )
    return _decoded(row) if row else None


def active(db: Database, site_id: int) -> Row | None:
    """Return the site's queued or running switch, or None."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'template_switches')} WHERE active_site = %s",
        (site_id,),
    )
    return _decoded(row) if row else None


def newest_kept_backup(db: Database, site_id: int, now: datetime) -> Row | None:
    """Return the site's newest switch whose backup is kept and not expired, or None."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'template_switches')}"
        " WHERE site_id = %s AND kind = 'switch' AND backup = 'kept' AND undo_until > %s"
        " ORDER BY id DESC LIMIT 1",
        (site_id, now),
    )
    return _decoded(row) if row else None


def kept_backups(db: Database) -> list[Row]:
    """Return every switch whose backup is kept, newest first."""
    rows = db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'template_switches')}"
        " WHERE backup = 'kept' ORDER BY id DESC"
    )
    return [_decoded(row) for row in rows]


def in_state(db: Database, state: str) -> list[Row]:
    """Return every switch in ``state`` (queued or running), oldest first."""
    rows = db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'template_switches')}"
        " WHERE state = %s ORDER BY id",
        (state,),
    )
    return [_decoded(row) for row in rows]


def start(db: Database, switch_id: int) -> bool:
    """Move a queued switch to running; False when it was not queued."""
    return (
        db.execute(
            f"UPDATE {table(db.prefix, 'template_switches')} SET state = 'running',"
            " started_at = UTC_TIMESTAMP(), updated_at = UTC_TIMESTAMP()"
            " WHERE id = %s AND state = 'queued'",
            (switch_id,),
        )
        == 1
    )


def count_launch(db: Database, switch_id: int) -> None:
    """Note that a worker was started for a queued switch."""
    db.execute(
        f"UPDATE {table(db.prefix, 'template_switches')} SET launches = launches + 1,"
        " updated_at = UTC_TIMESTAMP() WHERE id = %s AND state = 'queued'",
        (switch_id,),
    )


def save_progress(db: Database, switch_id: int, fields: dict) -> None:
    """Store any of state, step, percent and error; a final state also sets finished_at."""
    names = [name for name in _PROGRESS_FIELDS if name in fields]
    assignments = "".join(f"{name} = %({name})s, " for name in names)
    finished = (
        "finished_at = UTC_TIMESTAMP(), " if fields.get("state") in ("done", "failed") else ""
    )
    db.execute(
        f"UPDATE {table(db.prefix, 'template_switches')} SET {assignments}{finished}"
        "updated_at = UTC_TIMESTAMP() WHERE id = %(id)s",
        {**{name: fields[name] for name in names}, "id": switch_id},
    )


def save_tables(db: Database, switch_id: int, live: list[str], staging: list[str]) -> None:
    """Store the table suffixes the switch moves to the backup and takes from the template."""
    db.execute(
        f"UPDATE {table(db.prefix, 'template_switches')} SET live_tables = %s,"
        " staging_tables = %s, updated_at = UTC_TIMESTAMP() WHERE id = %s",
        (json.dumps(live), json.dumps(staging), switch_id),
    )


def save_media(db: Database, switch_id: int, media: str) -> None:
    """Store what happened to the uploads folder (none or copied)."""
    db.execute(
        f"UPDATE {table(db.prefix, 'template_switches')} SET media = %s,"
        " updated_at = UTC_TIMESTAMP() WHERE id = %s",
        (media, switch_id),
    )


def set_backup(db: Database, switch_id: int, backup: str, undo_until: datetime | None) -> None:
    """Store the backup's state (none, kept, restored, dropped) and how long undo is possible."""
    db.execute(
        f"UPDATE {table(db.prefix, 'template_switches')} SET backup = %s, undo_until = %s,"
        " updated_at = UTC_TIMESTAMP() WHERE id = %s",
        (backup, undo_until, switch_id),
    )


def _decoded(row: Row) -> Row:
    row["live_tables"] = json.loads(row["live_tables"] or "[]")
    row["staging_tables"] = json.loads(row["staging_tables"] or "[]")
    return row
