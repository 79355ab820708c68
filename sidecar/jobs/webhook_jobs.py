"""Thin job function for webhooks: send the outbox's due deliveries."""

from __future__ import annotations

from datetime import datetime

from ..config import Settings
from ..domain import webhook_delivery
from ..wp_bridge.db import Database


def deliver(settings: Settings, db: Database, now: datetime) -> int:
    """POST due webhook deliveries (retries back off); return how many attempts were made."""
    return webhook_delivery.deliver_due(
        db,
        timeout=settings.webhooks.timeout_seconds,
        max_attempts=settings.webhooks.max_attempts,
    )
