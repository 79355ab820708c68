"""The current time as the database stores it: naive UTC, whole seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC without tzinfo (MySQL DATETIME holds no zone)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
