"""The event log: every change to a membership, payment, product, … with who, when, what,
and the state before and after. Write the event in the same transaction as the change."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..store import events as store
from ..wp_bridge.db import Database


@dataclass(frozen=True)
class Actor:
    """Who made a change: ``customer``/``admin`` (a WordPress user id), ``system`` (a job) or
    ``api`` (an API key's row id)."""

    type: str
    id: int | None = None
    request_id: str = ""


SYSTEM = Actor("system")


def record(
    db: Database,
    actor: Actor,
    subject_type: str,
    subject_id: int,
    action: str,
    before: Any = None,
    after: Any = None,
) -> int:
    """Append an event; ``before``/``after`` may be dataclasses or dicts. Returns its id."""
    return store.append(
        db,
        {
            "actor_type": actor.type,
            "actor_id": actor.id,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "action": action,
            "before_state": _json(before),
            "after_state": _json(after),
            "request_id": actor.request_id[:64],
        },
    )


def history(db: Database, subject_type: str, subject_id: int) -> list[dict]:
    """Return a subject's events, newest first, with states decoded."""
    rows = store.for_subject(db, subject_type, subject_id)
    for row in rows:
        for key in ("before_state", "after_state"):
            row[key] = json.loads(row[key]) if row[key] else None
    return rows


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if is_dataclass(value):
        value = asdict(value)
    return json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot record {type(value).__name__} in an event")


def redact(db: Database, subject_type: str, subject_ids: list[int], redactor) -> int:
    """Rewrite the recorded states of the given subjects' events with ``redactor`` (a function
    from a decoded state to the state to keep) — to erase personal data, nothing else.
    Returns how many events changed."""
    changed = 0
    for row in store.states_for_subjects(db, subject_type, subject_ids):
        states = [row["before_state"], row["after_state"]]
        new = [_json(redactor(json.loads(s))) if s else s for s in states]
        if new != states:
            store.set_states(db, row["id"], *new)
            changed += 1
    return changed
