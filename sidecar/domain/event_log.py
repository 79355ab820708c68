"""The admin's view of the event log: filtered, paged, with each change shown as the list of
fields that differ between the state before and after. Events are written by
``events.record``; this module only reads them and prunes old ones."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext

from ..errors import Invalid
from ..store import events as store
from ..wp_bridge.db import Database

PAGE_SIZE = 50
ACTOR_TYPES = ("customer", "admin", "system", "api")


@dataclass(frozen=True)
class Page:
    events: list[dict]
    total: int
    page: int
    pages: int


def search(db: Database, filters: dict, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """One page of events matching ``filters`` (subject_type, subject_id, actor_type,
    actor_id, action, since, until (dates, inclusive), text), newest first, each with
    decoded states and a ``diff``. Raises Invalid for a date range that ends before it starts.
    """
    query = _query(filters)
    page = max(int(page or 1), 1)
    rows, total = store.search(db, query, per_page, (page - 1) * per_page)
    pages = max((total + per_page - 1) // per_page, 1)
    return Page([_decoded(row) for row in rows], total, page, pages)


def subject_types(db: Database) -> list[str]:
    """The kinds of objects the log has events about."""
    return store.distinct_values(db, "subject_type")


def prune(db: Database, cutoff: datetime) -> int:
    """Delete events older than ``cutoff`` in batches; return how many."""
    total = 0
    while True:
        with db.transaction():
            deleted = store.delete_before(db, cutoff)
        total += deleted
        if deleted == 0:
            return total


def diff(before: Any, after: Any) -> list[dict]:
    """Fields that differ: ``[{"field", "before", "after"}]`` (nested keys joined by dots);
    a non-object state is compared as a whole under the field ``""``."""
    flat_before, flat_after = _flatten(before), _flatten(after)
    keys = sorted(set(flat_before) | set(flat_after))
    missing = object()
    changes = []
    for key in keys:
        old, new = flat_before.get(key, missing), flat_after.get(key, missing)
        if old != new:
            changes.append(
                {
                    "field": key,
                    "before": None if old is missing else old,
                    "after": None if new is missing else new,
                }
            )
    return changes


def _flatten(state: Any, prefix: str = "") -> dict:
    if state is None:
        return {}
    if not isinstance(state, dict):
        return {prefix: state}
    flat = {}
    for key, value in state.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, name))
        else:
            flat[name] = value
    return flat


def _decoded(row: dict) -> dict:
    before = json.loads(row["before_state"]) if row["before_state"] else None
    after = json.loads(row["after_state"]) if row["after_state"] else None
    return {
        **{k: v for k, v in row.items() if k not in ("before_state", "after_state")},
        "before": before,
        "after": after,
        "diff": diff(before, after),
    }


def _query(filters: dict) -> dict:
    since, until = _day(filters.get("since")), _day(filters.get("until"))
    if since and until and until < since:
        raise Invalid({"until": [gettext("The end date must not be before the start date.")]})
    actor_type = filters.get("actor_type") or ""
    if actor_type and actor_type not in ACTOR_TYPES:
        raise Invalid({"actor_type": [gettext("Choose a kind of actor from the list.")]})
    return {
        "subject_type": (filters.get("subject_type") or "").strip()[:32],
        "subject_id": filters.get("subject_id"),
        "actor_type": actor_type,
        "actor_id": filters.get("actor_id"),
        "action": (filters.get("action") or "").strip()[:64],
        "since": since,
        "until": until + timedelta(days=1) if until else None,
        "text": (filters.get("text") or "").strip()[:100],
    }


def _day(value) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid({"since": [gettext("Enter dates as YYYY-MM-DD.")]}) from None
