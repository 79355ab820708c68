"""Run one job: its own connection, a per-job MySQL lock (and, for the scheduler, at most one
run per tick across processes: ``sidecar_job_runs``), a log line with the outcome."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from .. import metrics
from ..config import Settings
from ..store import job_runs
from ..wp_bridge.db import connect
from .registry import Job

log = logging.getLogger("sidecar.jobs")


def run_job(
    settings: Settings, job: Job, now: datetime | None = None, *, once_per_tick: bool = False
) -> int | None:
    """Run ``job`` once; return its count, or None when another process holds its lock — or,
    with ``once_per_tick`` (the scheduler), when it already ran for the current tick."""
    db = connect(settings.database)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    try:
        with db.named_lock(f"sidecar_job_{job.name}") as acquired:
            if not acquired:
                log.info("%s: skipped, running elsewhere", job.name)
                metrics.observe_job(job.name, "skipped")
                return None
            tick = tick_of(now, job.minutes(settings))
            if once_per_tick and not job_runs.claim_tick(db, job.name, tick, now):
                log.info("%s: skipped, already ran for %s", job.name, tick)
                metrics.observe_job(job.name, "skipped")
                return None
            started = time.monotonic()
            try:
                count = job.run(settings, db, now)
            except Exception:
                metrics.observe_job(job.name, "error", time.monotonic() - started)
                raise
        seconds = time.monotonic() - started
        metrics.observe_job(job.name, "ok", seconds, count)
        log.info("%s: %d changed in %.2fs", job.name, count, seconds)
        return count
    finally:
        db.close()


def tick_of(now: datetime, minutes: int) -> datetime:
    """The start of the ``minutes``-long window (counted from the epoch, UTC) holding ``now``:
    every process of a network agrees on it whenever it fires."""
    seconds = max(1, minutes) * 60
    epoch = int(now.replace(tzinfo=UTC).timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC).replace(tzinfo=None)
