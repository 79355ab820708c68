"""Thin job functions for template switches: start or recover switches, drop old backups, and
clean half-made staging copies when the jobs process starts."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from ..config import Settings
from ..context import Clients
from ..domain import switch_worker, template_switch
from ..store import template_switches as store
from ..wp_bridge.db import Database, connect

log = logging.getLogger("sidecar.jobs")

START_AFTER = timedelta(minutes=1)
"""A queued switch this old whose worker never took its lock gets a worker from the job."""
MAX_LAUNCHES = 10
"""A queued switch the job started this many workers for, none of which ran (a broken
install, say), is marked failed instead of being started every minute forever."""
NEVER_STARTED = "The switch could not start (its worker did not run); the site was left unchanged."


def cache_clearer(settings: Settings):
    """A function clearing one site's WordPress caches through the shim."""
    shim = Clients(settings).shim
    return lambda blog_id: shim.clear_caches(blog_id=blog_id, options=True)


def switches(settings: Settings, db: Database, now: datetime) -> int:
    """Recover switches whose worker died; start queued ones nobody started, or mark them
    failed after ``MAX_LAUNCHES`` starts. Returns how many were handled."""
    recovered = switch_worker.recover_abandoned(settings, db, cache_clearer(settings))
    for switch_id, state in recovered:
        log.warning("templates: switch %d recovered after its worker stopped: %s", switch_id, state)
    started = 0
    for queued in store.in_state(db, "queued"):
        if queued["created_at"] > now - START_AFTER:
            continue
        with db.named_lock(switch_worker.lock_name(int(queued["site_id"])), 0) as free:
            row = store.get(db, int(queued["id"])) if free else None  # again, under the lock
            if row is None or row["state"] != "queued":
                continue  # a worker has it (or had it) meanwhile
            if int(row["launches"]) >= MAX_LAUNCHES:
                switch_worker.give_up(settings, db, row, NEVER_STARTED)
                log.error("templates: switch %d never started; marked failed", row["id"])
            else:
                store.count_launch(db, int(row["id"]))
                template_switch.launch(settings, int(row["id"]))
            started += 1
    return len(recovered) + started


def backups_cleanup(settings: Settings, db: Database, now: datetime) -> int:
    """Delete backups (tables and folder) whose undo period has ended, or whose site was
    deleted; return how many."""
    return len(switch_worker.drop_expired_backups(settings, db, now))


def startup_cleanup(settings: Settings) -> None:
    """At jobs-process start: finish or roll back switches whose worker died, then remove
    staging copies nothing owns, and say so in the log."""
    db = connect(settings.database)
    try:
        for switch_id, state in switch_worker.recover_abandoned(
            settings, db, cache_clearer(settings)
        ):
            log.warning("templates: switch %d was interrupted; now %s", switch_id, state)
        removed = switch_worker.remove_orphans(settings, db)
        if removed:
            log.warning(
                "templates: removed %d half-made staging copies: %s",
                len(removed),
                ", ".join(removed),
            )
    except Exception:  # the scheduler must start even when this fails
        log.exception("templates: start-up clean-up failed")
    finally:
        db.close()
