"""``sidecar jobs``: APScheduler running every job of the registry at its interval."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler

from ..config import Settings
from .registry import JOBS
from .runner import run_job

log = logging.getLogger("sidecar.jobs")


def _safe_run(settings: Settings, job) -> None:
    try:
        run_job(settings, job, once_per_tick=True)
    except Exception:  # one failing run must not stop the scheduler
        log.exception("%s failed", job.name)


def run_forever(settings: Settings) -> None:
    """Start the scheduler in this process and block."""
    from .template_jobs import startup_cleanup

    startup_cleanup(settings)
    scheduler = BlockingScheduler(timezone="UTC")
    for job in JOBS:
        scheduler.add_job(
            _safe_run,
            "interval",
            minutes=job.minutes(settings),
            args=(settings, job),
            id=job.name,
            coalesce=True,
            max_instances=1,
            next_run_time=datetime.now(UTC),
        )
    _add_heartbeat(scheduler, settings)
    log.info("scheduler started with %d jobs", len(JOBS))
    scheduler.start()


def _add_heartbeat(scheduler: BlockingScheduler, settings: Settings) -> None:
    """Write the heartbeat ``sidecar doctor`` reads, now and every minute."""
    from ..ops.heartbeat import EVERY_SECONDS, Heartbeat

    heartbeat = Heartbeat(settings)
    scheduler.add_job(
        heartbeat.beat,
        "interval",
        seconds=EVERY_SECONDS,
        id="heartbeat",
        coalesce=True,
        max_instances=1,
        next_run_time=datetime.now(UTC),
    )
