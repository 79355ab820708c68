"""Run one job: its own connection, a per-job MySQL lock, a log line with the outcome."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from ..config import Settings
from ..wp_bridge.db import connect
from .registry import Job

log = logging.getLogger("sidecar.jobs")


def run_job(settings: Settings, job: Job, now: datetime | None = None) -> int | None:
    """Run ``job`` once; return its count, or None when another process holds its lock."""
    db = connect(settings.database)
    try:
        with db.named_lock(f"sidecar_job_{job.name}") as acquired:
            if not acquired:
                log.info("%s: skipped, running elsewhere", job.name)
                return None
            started = time.monotonic()
            count = job.run(settings, db, now or datetime.now(UTC).replace(tzinfo=None))
        log.info("%s: %d changed in %.2fs", job.name, count, time.monotonic() - started)
        return count
    finally:
        db.close()
