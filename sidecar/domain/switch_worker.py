"""The template switch worker: copy, rewrite, copy media, swap, clear caches (docs/templates.md).

The one commit point is the multi-table ``RENAME TABLE``: before it the live site is untouched
(a failure or crash drops the staging copies: the site stays fully old); after it the tables
are new and ``finish_forward`` completes the folder swap and the cache clear (the site becomes
fully new). Whether the rename happened is read from the database itself (backup tables of the
switch exist), never from a progress field written separately.

Each site has a MySQL named lock held by whoever works on it (worker, recovery, cleanup), so
two processes never touch one site; a killed worker's lock goes with its connection.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..config import Settings
from ..store import template_switches as store
from ..wp_bridge import site_copy
from ..wp_bridge.db import Database, Row
from ..wp_bridge.tables.options import get_options
from ..wp_bridge.tables.sites import get_site
from . import events, switch_copy, switch_media, webhooks
from .clock import utcnow
from .events import SYSTEM
from .search_replace import Pair, plan_pairs, prefix_pair
from .sweep import uploads_dir
from .template_switch import undo_until

log = logging.getLogger("sidecar.templates")

CRASH_ENV = "SIDECAR_SWITCH_CRASH_AT"
"""Test hook: the worker exits with 137 (as if killed) at the named checkpoint."""
CRASH_POINTS = (
    "after_copy",
    "mid_rewrite",
    "mid_media",
    "before_rename",
    "after_rename",
    "after_folders",
)
IDENTITY_OPTIONS = (
    "siteurl",
    "home",
    "blogname",
    "blogdescription",
    "admin_email",
    "new_admin_email",
    "upload_path",
    "upload_url_path",
    "fileupload_url",
    "WPLANG",
)
"""Options the site keeps through a switch (plus its ``wp_N_user_roles`` and ``sidecar*``)."""
IDENTITY_LIKE = ("sidecar%", "\\_transient\\_sidecar%", "\\_transient\\_timeout\\_sidecar%")
DROPPED_LIKE = ("\\_transient\\_%", "\\_site\\_transient\\_%")
"""The template's transients (caches) are not copied."""
PROGRESS_SECONDS = 0.5
ROW_WAITS = 10


def lock_name(site_id: int) -> str:
    """The MySQL named lock of one site's switches."""
    return f"sidecar_template_site_{int(site_id)}"


def checkpoint(name: str) -> None:
    """Crash here (exit 137, no clean-up) when ``SIDECAR_SWITCH_CRASH_AT`` names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os._exit(137)


@dataclass
class Context:
    """What one run needs: settings, the connection, a cache clearer and the row."""

    settings: Settings
    db: Database
    clear_caches: Callable[[int], None]
    row: Row

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def site_id(self) -> int:
        return int(self.row["site_id"])

    @property
    def uploads(self) -> str | None:
        return uploads_dir(self.db, self.settings.wordpress.uploads_dir)

    shown: tuple[str, float] = ("", 0.0)

    def progress(self, step: str, percent: int) -> None:
        """Store the step and percent: always on a new step, else at most twice a second
        (each write is a commit)."""
        now = time.monotonic()
        if step == self.shown[0] and now - self.shown[1] < PROGRESS_SECONDS:
            return
        self.shown = (step, now)
        store.save_progress(self.db, self.id, {"step": step, "percent": percent})


def work(ctx: Context) -> str:
    """Run or recover the switch of ``ctx.row``; return its final state. The caller holds the
    site's lock."""
    row = ctx.row
    if row["state"] == "running":
        return recover(ctx)
    if row["state"] != "queued" or not store.start(ctx.db, ctx.id):
        return row["state"]
    try:
        if row["kind"] == "undo":
            _undo(ctx)
        else:
            _switch(ctx)
    except Exception as error:
        log.exception("template %s %d failed", row["kind"], ctx.id)
        if _swapped(ctx):  # the new tables are live: leave it running, recovery finishes it
            store.save_progress(ctx.db, ctx.id, {"error": f"{type(error).__name__}: {error}"})
            return "running"
        return _fail(ctx, f"{type(error).__name__}: {error}")
    return "done"


def _swapped(ctx: Context) -> bool:
    """True once the run's RENAME TABLE happened (its backup or trash tables exist)."""
    kind = "x" if ctx.row["kind"] == "undo" else "b"
    return bool(site_copy.work_tables(ctx.db, ctx.id, kind))


# --------------------------------------------------------------------------- switch


def _switch(ctx: Context) -> None:
    db, template_id = ctx.db, int(ctx.row["template_site_id"])
    live = site_copy.site_tables(db, ctx.site_id)
    source = site_copy.site_tables(db, template_id)
    if get_site(db, template_id) is None or "options" not in source:
        raise RuntimeError(f"template site {template_id} has no tables to copy")
    store.save_tables(db, ctx.id, live, source)
    site_copy.drop_tables(db, site_copy.work_tables(db, ctx.id, "s"))  # none, unless re-run
    pairs = _pairs(ctx, template_id)
    ctx.progress("copying_tables", 5)
    timer = _Timer(ctx.id)
    _copy_tables(ctx, template_id, source, pairs)
    timer.lap("copy+rewrite")
    checkpoint("after_copy")
    ctx.progress("rewriting_urls", 60)
    _keep_identity(db, ctx.id, ctx.site_id, source)
    timer.lap("identity")
    ctx.progress("copying_media", 70)
    _copy_media(ctx, template_id)
    timer.lap("media")
    ctx.progress("swapping", 90)
    live = site_copy.site_tables(db, ctx.site_id)  # again: a plugin may have added one
    store.save_tables(db, ctx.id, live, source)
    checkpoint("before_rename")
    moves = [
        (site_copy.live_table(db, ctx.site_id, s), site_copy.work_table(db, ctx.id, "b", s))
        for s in live
    ] + [
        (site_copy.work_table(db, ctx.id, "s", s), site_copy.live_table(db, ctx.site_id, s))
        for s in source
    ]
    site_copy.rename_tables(db, moves)
    timer.lap("rename")
    checkpoint("after_rename")
    finish_forward(ctx)
    timer.lap("folders+caches+done")
    log.info("template switch %d took %s", ctx.id, timer.report())


class _Timer:
    """Seconds per phase of one run, for the log (operators and the benchmark read them)."""

    def __init__(self, switch_id: int):
        self.switch_id = switch_id
        self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = now - self.last
        self.last = now

    def report(self) -> str:
        return ", ".join(f"{name} {seconds:.2f}s" for name, seconds in self.phases.items())


def _pairs(ctx: Context, template_id: int) -> list[Pair]:
    db = ctx.db
    template_site, target_site = get_site(db, template_id), get_site(db, ctx.site_id)
    names = ("home", "siteurl")
    template_options = get_options(db, template_id, names)
    target_home = get_options(db, ctx.site_id, ["home"]).get("home") or (
        f"http://{target_site.domain}{target_site.path}"
    )
    return plan_pairs(
        template_urls=[
            f"http://{template_site.domain}{template_site.path}",
            *(str(template_options.get(n) or "") for n in names),
        ],
        target_url=str(target_home),
        template_id=template_id,
        target_id=ctx.site_id,
        uploads_dir=ctx.uploads or "",
    )


def _copy_tables(ctx: Context, template_id: int, source: list[str], pairs: list[Pair]) -> None:
    """Every template table into a staging table, rewritten (``switch_copy``); progress runs
    from 5 to 55 % and the ``mid_rewrite`` crash point is half-way."""
    tables = switch_copy.plan_tables(ctx.db, ctx.id, template_id, source, pairs, ctx.site_id)

    def on_table(done: int, total: int) -> None:
        ctx.progress("copying_tables", 5 + 50 * done // total)
        if done == total // 2:
            checkpoint("mid_rewrite")

    name_pair = prefix_pair(ctx.db.prefix, template_id, ctx.site_id)
    switch_copy.copy_site(ctx.settings, ctx.db, tables, pairs, name_pair, on_table)


def _keep_identity(db: Database, switch_id: int, site_id: int, source: list[str]) -> None:
    """The site keeps its identity options and its users stay the authors' owners."""
    staging = site_copy.work_table(db, switch_id, "s", "options")
    names = [*IDENTITY_OPTIONS, f"{site_copy.site_prefix(db, site_id)}user_roles"]
    site_copy.keep_options(
        db,
        staging,
        site_copy.live_table(db, site_id, "options"),
        names,
        IDENTITY_LIKE,
        drop_like=DROPPED_LIKE,
    )
    admin = site_copy.site_admin(db, site_id)
    if admin and "posts" in source:
        site_copy.set_post_authors(db, site_copy.work_table(db, switch_id, "s", "posts"), admin)


def _copy_media(ctx: Context, template_id: int) -> None:
    uploads = ctx.uploads
    if not uploads:
        store.save_media(ctx.db, ctx.id, "none")
        return
    f = switch_media.folders(uploads, ctx.site_id, ctx.id)
    copied = 0

    def on_file() -> None:
        nonlocal copied
        copied += 1
        if copied == 1:
            checkpoint("mid_media")

    switch_media.copy_template(
        uploads,
        template_id,
        f.staging,
        hardlinks=ctx.settings.templates.media_hardlinks,
        on_file=on_file,
    )
    store.save_media(ctx.db, ctx.id, "copied")


def finish_forward(ctx: Context) -> None:
    """After the tables were swapped: swap the folders, clear caches, mark done (backup kept
    for undo). Safe to run again."""
    uploads = ctx.uploads
    if uploads:
        switch_media.swap_in(switch_media.folders(uploads, ctx.site_id, ctx.id))
    checkpoint("after_folders")
    _clear(ctx)
    until = undo_until(utcnow(), ctx.settings.templates.backup_days)
    with ctx.db.transaction():
        store.set_backup(ctx.db, ctx.id, "kept", until)
        store.save_progress(
            ctx.db, ctx.id, {"state": "done", "step": "done", "percent": 100, "error": ""}
        )
        events.record(
            ctx.db,
            SYSTEM,
            "site",
            ctx.site_id,
            "template_switch.done",
            None,
            {"switch_id": ctx.id, "template_site_id": int(ctx.row["template_site_id"])},
        )
        webhooks.emit(
            ctx.db,
            ctx.settings.wordpress.network_id,
            "site.template_switched",
            {
                "site_id": ctx.site_id,
                "template_site_id": int(ctx.row["template_site_id"]),
                "switch_id": ctx.id,
            },
        )


def _clear(ctx: Context) -> None:
    ctx.progress("clearing_caches", 95)
    try:
        ctx.clear_caches(ctx.site_id)
    except Exception as error:  # the content is already live; a stale cache only lingers
        log.warning("template switch %d: clearing caches failed: %s", ctx.id, error)


# --------------------------------------------------------------------------- undo


def _undo(ctx: Context) -> None:
    db, restores = ctx.db, int(ctx.row["restores_id"])
    backup_row = store.get(db, restores)
    backup = [site_copy.work_table(db, restores, "b", s) for s in backup_row["live_tables"]]
    if site_copy.existing(db, backup) != set(backup):
        raise RuntimeError(f"the backup of switch {restores} is incomplete")
    live = site_copy.site_tables(db, ctx.site_id)
    store.save_tables(db, ctx.id, live, backup_row["live_tables"])
    ctx.progress("swapping", 50)
    checkpoint("before_rename")
    moves = [
        (site_copy.live_table(db, ctx.site_id, s), site_copy.work_table(db, ctx.id, "x", s))
        for s in live
    ] + [
        (site_copy.work_table(db, restores, "b", s), site_copy.live_table(db, ctx.site_id, s))
        for s in backup_row["live_tables"]
    ]
    site_copy.rename_tables(db, moves)
    checkpoint("after_rename")
    finish_undo(ctx)


def finish_undo(ctx: Context) -> None:
    """After an undo's rename: restore the folder, clear caches, drop the trash, mark done."""
    db, restores = ctx.db, int(ctx.row["restores_id"])
    uploads = ctx.uploads
    f = switch_media.folders(uploads, ctx.site_id, ctx.id, restores) if uploads else None
    if f is not None:
        switch_media.restore(f)
    checkpoint("after_folders")
    _clear(ctx)
    site_copy.drop_tables(db, site_copy.work_tables(db, ctx.id, "x"))
    if f is not None:
        switch_media.remove(f.trash)
    with db.transaction():
        store.set_backup(db, restores, "restored", None)
        store.save_progress(
            db, ctx.id, {"state": "done", "step": "done", "percent": 100, "error": ""}
        )
        events.record(
            db,
            SYSTEM,
            "site",
            ctx.site_id,
            "template_undo.done",
            None,
            {"switch_id": ctx.id, "restored_switch_id": restores},
        )


# --------------------------------------------------------------------------- recovery


def recover(ctx: Context) -> str:
    """Finish or roll back a run that stopped half-way (its worker died). The rename decides:
    done → finish forward; not done → drop what was made, the site is unchanged."""
    if _swapped(ctx):
        log.warning("template %s %d: finishing after a crash", ctx.row["kind"], ctx.id)
        (finish_undo if ctx.row["kind"] == "undo" else finish_forward)(ctx)
        return "done"
    return _fail(ctx, "interrupted before the swap; the site was left unchanged")


def _fail(ctx: Context, message: str) -> str:
    """Roll back what the run made (it never reached the rename) and mark it failed."""
    removed = discard_staging(ctx.db, ctx.id, ctx.uploads)
    with ctx.db.transaction():
        store.save_progress(ctx.db, ctx.id, {"state": "failed", "error": message[:1000]})
        events.record(
            ctx.db,
            SYSTEM,
            "site",
            ctx.site_id,
            f"template_{ctx.row['kind']}.failed",
            None,
            {"switch_id": ctx.id, "error": message[:1000], "staging_removed": removed},
        )
    return "failed"


def give_up(settings: Settings, db: Database, row: Row, message: str) -> str:
    """Mark a switch that never started failed (nothing of it exists; the caller holds the
    site's lock)."""
    return _fail(Context(settings, db, lambda _site_id: None, row), message)


def discard_staging(db: Database, switch_id: int, uploads: str | None) -> int:
    """Drop switch ``switch_id``'s staging tables and staging folder; return how many tables."""
    dropped = site_copy.drop_tables(db, site_copy.work_tables(db, switch_id, "s"))
    if uploads:
        for _site, number, kind, path in switch_media.work_folders(uploads):
            if number == switch_id and kind == "s":
                switch_media.remove(path)
    return dropped


# --------------------------------------------------------------------------- entry points


def run(
    settings: Settings, db: Database, switch_id: int, clear_caches: Callable[[int], None]
) -> str:
    """Run (or recover) switch ``switch_id`` under its site's lock; return its state, or
    "busy" when another process works on the site. Raises KeyError for an unknown id (after
    waiting 5 s for the requesting transaction to commit its row)."""
    row = store.get(db, switch_id)
    for _ in range(ROW_WAITS):  # the request may commit its row a moment after launching us
        if row is not None:
            break
        time.sleep(0.5)
        row = store.get(db, switch_id)
    if row is None:
        raise KeyError(switch_id)
    with db.named_lock(lock_name(int(row["site_id"])), 0) as acquired:
        if not acquired:
            return "busy"
        row = store.get(db, switch_id)
        return work(Context(settings, db, clear_caches, row))


def recover_abandoned(
    settings: Settings, db: Database, clear_caches: Callable[[int], None]
) -> list[tuple[int, str]]:
    """Recover every running switch whose worker is gone (its site lock is free); return
    (switch id, resulting state) pairs."""
    done = []
    for row in store.in_state(db, "running"):
        with db.named_lock(lock_name(int(row["site_id"])), 0) as acquired:
            if acquired:
                fresh = store.get(db, int(row["id"]))
                if fresh["state"] == "running":
                    done.append(
                        (int(row["id"]), recover(Context(settings, db, clear_caches, fresh)))
                    )
    return done


def remove_orphans(settings: Settings, db: Database) -> list[str]:
    """Drop staging and trash tables and folders that no running switch owns (a crash left
    them); return their names, for the log. A switch whose site lock is held is left alone."""
    uploads = uploads_dir(db, settings.wordpress.uploads_dir)
    tables = {
        switch_id: kinds & {"s", "x"}
        for switch_id, kinds in site_copy.work_switch_ids(db).items()
        if kinds & {"s", "x"}
    }
    folders: dict[int, list] = {}
    for _site, switch_id, kind, path in switch_media.work_folders(uploads) if uploads else []:
        if kind in ("s", "x"):
            folders.setdefault(switch_id, []).append(path)
    removed = []
    for switch_id in sorted(set(tables) | set(folders)):
        removed += _remove_orphan(db, switch_id, tables.get(switch_id, set()), folders)
    return removed


def _remove_orphan(db: Database, switch_id: int, kinds: set[str], folders: dict) -> list[str]:
    row = store.get(db, switch_id)
    site_id = int(row["site_id"]) if row else 0
    with db.named_lock(lock_name(site_id), 0) as free:
        fresh = store.get(db, switch_id)
        if not free or (fresh is not None and fresh["state"] == "running"):
            return []
        names = [n for kind in sorted(kinds) for n in site_copy.work_tables(db, switch_id, kind)]
        site_copy.drop_tables(db, names)
        for path in folders.get(switch_id, []):
            switch_media.remove(path)
        return names + [str(path) for path in folders.get(switch_id, [])]


def drop_expired_backups(settings: Settings, db: Database, now: datetime) -> list[int]:
    """Delete the backup tables and folders whose undo period has ended at ``now``, and
    those of sites that no longer exist; return the switch ids."""
    uploads = uploads_dir(db, settings.wordpress.uploads_dir)
    dropped = []
    for row in store.kept_backups(db):
        site = get_site(db, int(row["site_id"]))
        if row["undo_until"] > now and site is not None and not site.deleted:
            continue
        with db.named_lock(lock_name(int(row["site_id"])), 0) as acquired:
            if not acquired:
                continue
            site_copy.drop_tables(db, site_copy.work_tables(db, int(row["id"]), "b"))
            if uploads:
                switch_media.remove(
                    switch_media.folders(uploads, int(row["site_id"]), int(row["id"])).backup
                )
            store.set_backup(db, int(row["id"]), "dropped", row["undo_until"])
            dropped.append(int(row["id"]))
    return dropped
