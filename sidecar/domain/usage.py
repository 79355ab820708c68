"""Usage measurement: what each site uses, for a batch of sites in a few statements.

Posts per type (published, private and scheduled count), users per role, disk bytes under
the uploads folder (cached walks, ``disk.py``) and unique visitors of the calendar month
(UTC) from the shim's visits table. ``SiteUsage.used(key)`` gives the usage that a limit key
is compared with (docs/limits.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..store import disk_cache
from ..store import usage as usage_store
from ..store import visits as visits_store
from ..wp_bridge.db import Database, Row
from ..wp_bridge.tables import usage as usage_table
from . import disk
from .limit_types import POST_TYPE_PREFIX, ROLE_PREFIX

MB = 1024 * 1024


@dataclass(frozen=True)
class SiteUsage:
    """What one site uses. ``disk_bytes`` is None when disk is not measured."""

    blog_id: int
    post_types: dict[str, int] = field(default_factory=dict)
    users: int = 0
    roles: dict[str, int] = field(default_factory=dict)
    disk_bytes: int | None = None
    visits_month: int = 0
    visits_today: int = 0
    measured_at: datetime | None = None

    def used(self, key: str) -> int | float | None:
        """The usage a limit ``key`` is compared with (disk in MB); None when not measured
        here (sites, domains, templates)."""
        if key in ("posts", "pages"):
            return self.post_types.get(key[:-1], 0)
        if key.startswith(POST_TYPE_PREFIX):
            return self.post_types.get(key[len(POST_TYPE_PREFIX) :], 0)
        if key.startswith(ROLE_PREFIX):
            return self.roles.get(key[len(ROLE_PREFIX) :], 0)
        if key == "disk_mb":
            return None if self.disk_bytes is None else self.disk_bytes / MB
        return {"users": self.users, "visits_month": self.visits_month}.get(key)


@dataclass
class Measurement:
    """One batch's usage, plus the daily visit counts read (for the history) and the disk
    cache's pending changes (``save_disk_cache`` writes them)."""

    usages: dict[int, SiteUsage]
    daily_visits: list[tuple[int, date, int]]
    walked: set[int]  # sites walked in full
    relisted: list[tuple[int, bytes, int, int]] = field(default_factory=list)
    gone: list[tuple[int, bytes]] = field(default_factory=list)


def count_content(db: Database, blog_ids: Sequence[int]) -> tuple[dict, dict]:
    """Posts per type and users per role of a batch (two statements)."""
    return usage_table.post_counts(db, blog_ids), usage_table.role_counts(db, blog_ids)


def month_start(now: datetime) -> date:
    """The first day of ``now``'s month."""
    return now.date().replace(day=1)


def measure(
    db: Database,
    blog_ids: Sequence[int],
    uploads_dir: str | None,
    now: datetime,
    walked_at: dict[int, datetime | None] | None = None,
) -> Measurement:
    """``read_usage`` of a batch of sites, then save the disk cache's changes. Writes only
    the disk cache."""
    measured = read_usage(db, blog_ids, uploads_dir, now, walked_at)
    save_disk_cache(db, measured)
    return measured


def read_usage(
    db: Database,
    blog_ids: Sequence[int],
    uploads_dir: str | None,
    now: datetime,
    walked_at: dict[int, datetime | None] | None = None,
) -> Measurement:
    """Measure a batch of sites without writing anything: one statement for posts, one for
    users, one for visits, one for the disk cache, and the disk walks. ``walked_at``: each
    site's last full disk walk (read from the usage table when not given). The sweep runs
    this on a second connection, a batch ahead, while it stores the previous batch."""
    posts, users = count_content(db, blog_ids)
    daily, month, today = _visits(db, blog_ids, now)
    if walked_at is None:
        stored = usage_store.sweep_state(db, blog_ids)
        walked_at = {b: row["disk_walked_at"] for b, row in stored.items()}
    measured = Measurement({}, daily, set())
    sizes = _disk(db, blog_ids, uploads_dir, now, walked_at, measured) if uploads_dir else {}
    for blog_id in blog_ids:
        measured.usages[blog_id] = SiteUsage(
            blog_id=blog_id,
            post_types=dict(sorted(posts.get(blog_id, {}).items())),
            users=users[blog_id].users,
            roles=dict(sorted(users[blog_id].roles.items())),
            disk_bytes=sizes.get(blog_id),
            visits_month=month.get(blog_id, 0),
            visits_today=today.get(blog_id, 0),
            measured_at=now,
        )
    return measured


def save_disk_cache(db: Database, measured: Measurement) -> None:
    """Write the disk cache entries ``read_usage`` re-listed and forget the folders that are
    gone (one statement each, none when nothing changed)."""
    disk_cache.save(db, measured.relisted)
    disk_cache.forget(db, measured.gone)


def _visits(db: Database, blog_ids: Sequence[int], now: datetime):
    """Daily counts since yesterday or the month's start, the month's totals, today's."""
    first, today = month_start(now), now.date()
    daily = visits_store.daily_counts(db, blog_ids, min(first, today - timedelta(days=1)))
    month: dict[int, int] = {}
    current: dict[int, int] = {}
    for blog_id, day, count in daily:
        if day >= first:
            month[blog_id] = month.get(blog_id, 0) + count
        if day == today:
            current[blog_id] = count
    recent = [row for row in daily if row[1] >= today - timedelta(days=1)]
    return recent, month, current


def _disk(
    db: Database,
    blog_ids: Sequence[int],
    uploads_dir: str,
    now: datetime,
    walked_at: dict[int, datetime | None],
    measured: Measurement,
) -> dict[int, int]:
    """Walk each site's uploads folder against the cache; return the bytes per site and note
    in ``measured`` the sites walked in full and the cache's changes."""
    cache = disk_cache.load(db, blog_ids)
    sizes = {}
    for blog_id in blog_ids:
        trust = not disk.full_walk_due(blog_id, walked_at.get(blog_id), now)
        result = disk.walk(
            disk.site_folder(uploads_dir, blog_id),
            cache[blog_id],
            main_site=blog_id == 1,
            trust_cache=trust,
        )
        sizes[blog_id] = result.bytes
        if not trust:
            measured.walked.add(blog_id)
        measured.relisted += [
            (blog_id, folder, mtime, size) for folder, mtime, size in result.relisted
        ]
        measured.gone += [(blog_id, folder) for folder in result.gone]
    return sizes


def from_row(row: Row) -> SiteUsage:
    """A stored usage row as SiteUsage."""
    return SiteUsage(
        blog_id=int(row["blog_id"]),
        post_types={k: int(v) for k, v in row["post_types"].items()},
        users=int(row["users"]),
        roles={k: int(v) for k, v in row["roles"].items()},
        disk_bytes=None if row["disk_bytes"] is None else int(row["disk_bytes"]),
        visits_month=int(row["visits_month"]),
        measured_at=row["measured_at"],
    )


def stored_usage(db: Database, blog_id: int) -> SiteUsage | None:
    """The last sweep's usage of a site, or None when it was never measured."""
    row = usage_store.get(db, blog_id)
    return from_row(row) if row and row["measured_at"] else None


def live_usage(db: Database, blog_id: int) -> SiteUsage:
    """A site's posts and users counted now; disk and visits from the last sweep."""
    stored = stored_usage(db, blog_id) or SiteUsage(blog_id)
    posts = usage_table.post_counts(db, [blog_id]).get(blog_id, {})
    users = usage_table.role_counts(db, [blog_id])[blog_id]
    return SiteUsage(
        blog_id=blog_id,
        post_types=dict(sorted(posts.items())),
        users=users.users,
        roles=dict(sorted(users.roles.items())),
        disk_bytes=stored.disk_bytes,
        visits_month=stored.visits_month,
        measured_at=stored.measured_at,
    )
