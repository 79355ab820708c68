"""The usage sweep: measure every site in blog-id batches (a few statements per batch of
sites, ``usage.measure``), store current usage and today's history, write each site's
enforcement values when they changed, then clear those sites' caches through the shim.

Batches go in blog-id order (tables of neighbouring sites stay in MariaDB's table cache
together). ``shard`` = (i, n) sweeps only the sites with ``blog_id mod n == i - 1``, so n
processes can share a network.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..errors import NotFound
from ..store import usage as usage_store
from ..store import usage_history
from ..wp_bridge import WordPress
from ..wp_bridge.db import Database, Row
from ..wp_bridge.tables import usage as usage_table
from ..wp_bridge.tables.options import get_option
from . import enforcement, meters, webhooks
from .meters import FULL_PCT
from .site_limits import SiteLimits, limits_for_sites
from .usage import Measurement, SiteUsage, read_usage, save_disk_cache

BATCH = 500
Reading = tuple[dict[int, Row], Measurement]  # a batch's stored rows and its measurement


@dataclass(frozen=True)
class SweepOptions:
    """How to sweep: the network, where uploads live (None: disk not measured), whether to
    clear WordPress's caches after writing, batch size and shard."""

    network_id: int
    uploads_dir: str | None
    clear_caches: bool = True
    batch_size: int = BATCH
    shard: tuple[int, int] = (1, 1)


@dataclass
class SweepReport:
    sites: int = 0
    published: int = 0
    full_disk_walks: int = 0
    cache_failures: int = 0
    seconds: float = 0.0


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → (2, 4). Raises ValueError unless 1 ≤ i ≤ n."""
    index, _, count = text.partition("/")
    i, n = int(index), int(count)
    if not 1 <= i <= n:
        raise ValueError("a shard is i/n with 1 <= i <= n, e.g. 2/4")
    return i, n


def uploads_dir(db: Database, configured: str) -> str | None:
    """The uploads folder to measure: ``configured`` when set, else the main site's
    ``upload_path`` option when it is an absolute path; None when neither is known."""
    if configured:
        return configured
    path = str(get_option(db, 1, "upload_path") or "")
    return path if os.path.isabs(path) else None


def sites_to_sweep(db: Database, options: SweepOptions) -> int:
    """How many sites a full sweep with ``options`` measures (for a progress bar)."""
    return usage_table.count_site_ids(db, options.network_id, options.shard)


def sweep(
    wp: WordPress,
    options: SweepOptions,
    now: datetime,
    *,
    only_site: int | None = None,
    progress: Callable[[int], None] | None = None,
    reader: Database | None = None,
) -> SweepReport:
    """Sweep all sites (or ``only_site``); ``progress(n)`` is called after each batch. With
    a second connection ``reader``, the next batch is read and measured on it (in a thread:
    its statements and disk walks) while this batch is stored: the database, the disk and
    Python work at the same time.

    Raises NotFound when ``only_site`` is not a site of the network.
    """
    started = time.monotonic()
    report = SweepReport()
    with ThreadPoolExecutor(1) as ahead:
        read_on = (
            (lambda ids: ahead.submit(_read_batch, reader, ids, options.uploads_dir, now))
            if reader
            else None
        )
        for blog_ids, reading in _read_ahead(_batches(wp.db, options, only_site), read_on):
            reading = reading or _read_batch(wp.db, blog_ids, options.uploads_dir, now)
            _sweep_batch(wp, blog_ids, options, now, report, reading)
            if progress:
                progress(len(blog_ids))
    report.seconds = time.monotonic() - started
    return report


def _read_ahead(batches: Iterator[list[int]], read) -> Iterator[tuple[list[int], Any]]:
    """Yield each batch with what ``read`` returned for it (None without ``read``); the next
    batch is already being read while the caller works on this one."""
    if read is None:
        yield from ((blog_ids, None) for blog_ids in batches)
        return
    current = next(batches, None)
    pending = read(current) if current else None
    while current:
        following = next(batches, None)
        reading = pending.result()
        pending = read(following) if following else None
        yield current, reading
        current = following


def _read_batch(db: Database, blog_ids: list[int], uploads: str | None, now: datetime) -> Reading:
    """A batch's stored usage rows and its measurement; writes nothing."""
    stored = usage_store.sweep_state(db, blog_ids)
    walked_at = {b: row["disk_walked_at"] for b, row in stored.items()}
    return stored, read_usage(db, blog_ids, uploads, now, walked_at)


def _batches(db: Database, options: SweepOptions, only_site: int | None) -> Iterator[list[int]]:
    if only_site is not None:
        found = usage_table.site_ids(db, options.network_id, after_id=only_site - 1, limit=1)
        if found != [only_site]:
            raise NotFound(f"No site {only_site} in this network.")
        yield found
        return
    after = 0
    while True:
        blog_ids = usage_table.site_ids(
            db, options.network_id, after_id=after, limit=options.batch_size, shard=options.shard
        )
        if not blog_ids:
            return
        yield blog_ids
        after = blog_ids[-1]


def _sweep_batch(
    wp: WordPress,
    blog_ids: list[int],
    options: SweepOptions,
    now: datetime,
    report: SweepReport,
    reading: Reading,
) -> None:
    """Store a batch's measurement (``_read_batch``) in one transaction, publish the changed
    enforcement values, then clear those sites' caches."""
    db = wp.db
    stored, measured = reading
    with db.transaction():
        save_disk_cache(db, measured)
        limits = limits_for_sites(db, blog_ids)
        rows = [_usage_row(measured, limits[b], stored.get(b), now) for b in blog_ids]
        _save_usage(db, rows, stored, now)
        _announce_exceeded(db, wp.network_id, rows, stored)
        usage_history.set_visits(db, [v for v in measured.daily_visits if v[1] < now.date()])
        changed = _publish_changed(db, blog_ids, limits, measured.usages, stored, now)
    report.sites += len(blog_ids)
    report.published += len(changed)
    report.full_disk_walks += len(measured.walked)
    if changed and options.clear_caches:
        report.cache_failures += len(enforcement.clear_site_caches(wp.shim, changed, db))


def _usage_row(measured: Measurement, site: SiteLimits, stored: Row | None, now: datetime) -> dict:
    """The site's usage row as the table holds it (JSON as text), plus ``visits_today``."""
    usage = measured.usages[site.blog_id]
    worst_pct, worst_key = _worst(site.limits, usage)
    walked = now if site.blog_id in measured.walked else (stored or {}).get("disk_walked_at")
    row = usage_store.encoded(
        {
            "blog_id": site.blog_id,
            "posts": usage.post_types.get("post", 0),
            "pages": usage.post_types.get("page", 0),
            "post_types": usage.post_types,
            "users": usage.users,
            "roles": usage.roles,
            "disk_bytes": usage.disk_bytes,
            "visits_month": usage.visits_month,
            "worst_pct": worst_pct,
            "worst_key": worst_key,
            "measured_at": now,
            "disk_walked_at": walked if usage.disk_bytes is not None else None,
        }
    )
    return {**row, "visits_today": usage.visits_today}


def _announce_exceeded(db: Database, network_id: int, rows: list[dict], stored: dict) -> None:
    """Queue ``limit.exceeded`` for webhooks for each site whose worst limit has just reached
    100 % (it was below at the last sweep, or never measured)."""
    for row in rows:
        was = (stored.get(row["blog_id"]) or {}).get("worst_pct") or 0
        if (row["worst_pct"] or 0) >= FULL_PCT > was:
            data = {"blog_id": row["blog_id"], "limit": row["worst_key"], "pct": row["worst_pct"]}
            webhooks.emit(db, network_id, "limit.exceeded", data)


def _worst(limits: dict[str, int | None], usage: SiteUsage) -> tuple[int | None, str]:
    """``meters.worst`` of the site's meters; (None, "") at once when nothing is limited."""
    if all(value is None for value in limits.values()):
        return None, ""
    return meters.worst(meters.meters(limits, usage))


def _save_usage(db: Database, rows: list[dict], stored: dict[int, Row], now: datetime) -> None:
    """Write the rows that changed and only touch the others' time; today's history for the
    changed sites and for those not recorded yet today."""
    fresh = [row for row in rows if usage_store.changed(row, stored.get(row["blog_id"]))]
    usage_store.save_many(db, fresh)
    fresh_ids = {row["blog_id"] for row in fresh}
    usage_store.touch(db, [row["blog_id"] for row in rows if row["blog_id"] not in fresh_ids], now)
    usage_history.save_many(
        db,
        [
            _history_row(row, now.date())
            for row in rows
            if row["blog_id"] in fresh_ids or _day(stored.get(row["blog_id"])) != now.date()
        ],
    )


def _day(stored: Row | None) -> date | None:
    return stored["measured_day"] if stored else None


def _history_row(row: dict, today: date) -> dict:
    return {
        "blog_id": row["blog_id"],
        "day": today,
        "posts": row["posts"],
        "pages": row["pages"],
        "users": row["users"],
        "disk_bytes": row["disk_bytes"],
        "visits": row["visits_today"],
    }


def _publish_changed(
    db: Database,
    blog_ids: list[int],
    limits: dict[int, SiteLimits],
    usages: dict[int, SiteUsage],
    stored: dict[int, Row],
    now: datetime,
) -> list[int]:
    """Write the enforcement values of the sites whose values changed; return their ids."""
    changed, digests = [], []
    for blog_id in blog_ids:
        value = enforcement.payload(limits[blog_id].limits, usages[blog_id], now)
        fingerprint = enforcement.digest(value)
        if (stored.get(blog_id) or {}).get("published_hash") == fingerprint:
            continue
        enforcement.write(db, limits[blog_id], value)
        changed.append(blog_id)
        digests.append(fingerprint)
    usage_store.mark_published(db, changed, digests, now)
    return changed
