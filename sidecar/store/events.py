"""The event log table: append and read."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
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
