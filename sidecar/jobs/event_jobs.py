"""Thin job function for the event log: delete events older than the retention period."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..config import Settings
from ..domain import event_log
from ..wp_bridge.db import Database


def prune(settings: Settings, db: Database, now: datetime) -> int:
    """Delete events older than ``[events] retention_days``; return how many."""
    return event_log.prune(db, now - timedelta(days=settings.events.retention_days))
