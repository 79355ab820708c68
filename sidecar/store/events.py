"""The event log table: append and read."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from ..wp_bridge.prefix import escape_like
from . import table


def append(db: Database, event: dict) -> int:
    """Insert one event row; return its id."""
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'events')} (occurred_at, actor_type, actor_id,"
        " subject_type, subject_id, action, before_state, after_state, request_id)"
        " VALUES (UTC_TIMESTAMP(6), %(actor_type)s, %(actor_id)s, %(subject_type)s,"
        " %(subject_id)s, %(action)s, %(before_state)s, %(after_state)s, %(request_id)s)",
        event,
    )


def for_subject(db: Database, subject_type: str, subject_id: int, limit: int = 100) -> list[Row]:
    """Return the newest events about one subject, newest first."""
    return db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'events')}"
        " WHERE subject_type = %s AND subject_id = %s ORDER BY id DESC LIMIT %s",
        (subject_type, subject_id, limit),
    )


def states_for_subjects(db: Database, subject_type: str, subject_ids: list[int]) -> list[Row]:
    """The ids and states of every event about the given subjects."""
    if not subject_ids:
        return []
    marks = ", ".join(["%s"] * len(subject_ids))
    return db.fetch_all(
        f"SELECT id, before_state, after_state FROM {table(db.prefix, 'events')}"
        f" WHERE subject_type = %s AND subject_id IN ({marks})",
        (subject_type, *subject_ids),
    )


def set_states(db: Database, event_id: int, before: str | None, after: str | None) -> None:
    """Rewrite an event's states (only to take personal data out of them)."""
    db.execute(
        f"UPDATE {table(db.prefix, 'events')} SET before_state = %s, after_state = %s"
        " WHERE id = %s",
        (before, after, event_id),
    )


def search(db: Database, filters: dict, limit: int, offset: int) -> tuple[list[Row], int]:
    """Events matching ``filters`` (keys: subject_type, subject_id, actor_type, actor_id,
    action, since, until, text — each optional), newest first, and how many match."""
    where, params = _where(filters)
    events = table(db.prefix, "events")
    total = db.fetch_value(f"SELECT COUNT(*) FROM {events}{where}", params)
    rows = db.fetch_all(
        f"SELECT * FROM {events}{where} ORDER BY id DESC LIMIT %s OFFSET %s",
        (*params, limit, offset),
    )
    return rows, int(total or 0)


def _where(filters: dict) -> tuple[str, tuple]:
    clauses, params = [], []
    for key in ("subject_type", "subject_id", "actor_type", "actor_id", "action"):
        if filters.get(key) not in (None, ""):
            clauses.append(f"{key} = %s")
            params.append(filters[key])
    if filters.get("since"):
        clauses.append("occurred_at >= %s")
        params.append(filters["since"])
    if filters.get("until"):
        clauses.append("occurred_at < %s")
        params.append(filters["until"])
    if filters.get("text"):
        like = "%" + escape_like(filters["text"]) + "%"
        clauses.append("(action LIKE %s OR before_state LIKE %s OR after_state LIKE %s)")
        params += [like, like, like]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


def distinct_values(db: Database, column: str) -> list[str]:
    """The distinct values of ``subject_type`` or ``action`` (for filter menus)."""
    if column not in ("subject_type", "action"):
        raise ValueError(column)
    rows = db.fetch_all(
        f"SELECT DISTINCT {column} AS v FROM {table(db.prefix, 'events')} ORDER BY v LIMIT 500"
    )
    return [row["v"] for row in rows]


def delete_before(db: Database, cutoff, batch: int = 5000) -> int:
    """Delete up to ``batch`` events that occurred before ``cutoff``; return how many."""
    return db.execute(
        f"DELETE FROM {table(db.prefix, 'events')} WHERE occurred_at < %s ORDER BY id LIMIT %s",
        (cutoff, batch),
    )
