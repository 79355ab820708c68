"""Site template switches: the public API the product side calls (docs/templates.md).

A request only queues a row; the work runs in a detached worker process (``sidecar templates
work ID``, see ``switch_worker.py``) so no web request waits for it. Plan rules are the
caller's business (``template_rules``); here: the sites exist, neither is the main site, they
differ, and only one switch or undo per site is queued or running (a unique key).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

from flask_babel import lazy_gettext

from ..config import Settings
from ..errors import Conflict, Invalid, NotFound
from ..store import template_switches as store
from ..wp_bridge.db import Database
from ..wp_bridge.tables.sites import get_site
from . import events
from .clock import utcnow
from .events import Actor

STEPS = (
    "queued",
    "copying_tables",
    "rewriting_urls",
    "copying_media",
    "swapping",
    "clearing_caches",
    "done",
)
"""Progress order; "failed" is a state, not a step."""

_BUSY = lazy_gettext("A template switch of this site is already in progress.")


def request_switch(
    db: Database, *, site_id: int, template_site_id: int, actor: Actor, reason: str = "switch"
) -> int:
    """Queue a switch of ``site_id`` onto the template site's content; return the switch id.

    Does not check plan rules. Raises NotFound (no such site), Invalid (same site, main site),
    Conflict (a switch or undo of this site is queued or running). Records an event.
    """
    _check_sites(db, site_id, template_site_id)
    return _queue(
        db,
        {
            "site_id": site_id,
            "template_site_id": template_site_id,
            "kind": "switch",
            "reason": reason[:20],
            "restores_id": None,
        },
        actor,
    )


def request_undo(db: Database, *, site_id: int, actor: Actor) -> int:
    """Queue restoring the site's newest kept backup; return the undo's id.

    Raises NotFound when nothing is restorable, Conflict when a switch or undo of the site is
    queued or running. Records an event.
    """
    backup = store.newest_kept_backup(db, site_id, utcnow())
    if backup is None:
        raise NotFound(lazy_gettext("There is no earlier version of this site to restore."))
    return _queue(
        db,
        {
            "site_id": site_id,
            "template_site_id": backup["template_site_id"],
            "kind": "undo",
            "reason": "undo",
            "restores_id": backup["id"],
        },
        actor,
    )


def _check_sites(db: Database, site_id: int, template_site_id: int) -> None:
    if site_id == template_site_id:
        raise Invalid(
            {"template": [lazy_gettext("A site cannot be switched onto itself.")]},
            lazy_gettext("A site cannot be switched onto itself."),
        )
    if 1 in (site_id, template_site_id):
        message = lazy_gettext("The network's main site cannot take part in a template switch.")
        raise Invalid({"template": [message]}, message)
    for blog_id in (site_id, template_site_id):
        site = get_site(db, blog_id)
        if site is None or site.deleted:
            raise NotFound(lazy_gettext("This site does not exist."))


def _queue(db: Database, values: dict, actor: Actor) -> int:
    with db.transaction():
        switch_id = store.insert(db, {**values, "actor_type": actor.type, "actor_id": actor.id})
        if switch_id is None:
            raise Conflict(_BUSY, code="switch_in_progress")
        events.record(
            db,
            actor,
            "site",
            values["site_id"],
            f"template_{values['kind']}.requested",
            None,
            {**values, "switch_id": switch_id},
        )
    return switch_id


def launch(settings: Settings, switch_id: int) -> None:
    """Start the worker for ``switch_id`` now as a detached process (its own session; the
    configuration reaches it through ``SIDECAR_CONFIG``). A failed start only delays: the jobs
    process starts queued switches whose worker never ran."""
    del settings  # the worker reads the same configuration from SIDECAR_CONFIG
    subprocess.Popen(
        [sys.executable, "-m", "sidecar.cli", "templates", "work", str(int(switch_id))],
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )


def latest(db: Database, site_id: int) -> dict | None:
    """The site's most recent switch or undo (see the contract in docs/templates.md)."""
    row = store.latest(db, site_id)
    if row is None:
        return None
    return {
        "id": row["id"],
        "kind": row["kind"],
        "template_site_id": row["template_site_id"],
        "state": row["state"],
        "step": row["step"],
        "percent": int(row["percent"]),
        "error": row["error"] if row["state"] == "failed" else "",
        "created_at": row["created_at"],
        "finished_at": row["finished_at"],
    }


def restorable(db: Database, site_id: int) -> dict | None:
    """The backup an undo would restore: switch_id, template_site_id, created_at, undo_until."""
    row = store.newest_kept_backup(db, site_id, utcnow())
    if row is None:
        return None
    return {
        "switch_id": row["id"],
        "template_site_id": row["template_site_id"],
        "created_at": row["created_at"],
        "undo_until": row["undo_until"],
    }


def backups(db: Database) -> list[dict]:
    """Every kept backup, newest first: site_id, switch_id, template_site_id, created_at,
    undo_until, tables (how many backup tables)."""
    return [
        {
            "site_id": row["site_id"],
            "switch_id": row["id"],
            "template_site_id": row["template_site_id"],
            "created_at": row["created_at"],
            "undo_until": row["undo_until"],
            "tables": len(row["live_tables"]),
        }
        for row in store.kept_backups(db)
    ]


def undo_until(finished: datetime, days: int) -> datetime:
    """When a backup made at ``finished`` stops being restorable."""
    return finished + timedelta(days=days)
