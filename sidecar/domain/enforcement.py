"""The values the shim enforces, precomputed: each site's ``sidecar_enforcement`` option
(autoloaded, PHP-serialized) and core's ``blog_upload_space`` (docs/limits.md has the shape).

``publish`` writes them for one site at once (after a plan or package change, or an admin's
override); the sweep writes them for every site whose values changed. After a write, WordPress's
option caches must be cleared through the shim (``clear_site_caches``) — not needed when the
network has no persistent object cache, where every request reads options afresh.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ..store import usage as usage_store
from ..wp_bridge.db import Database
from ..wp_bridge.rest import RestError
from ..wp_bridge.shim import ShimClient
from ..wp_bridge.tables.options import set_options
from . import meters as meter_math
from .limit_types import POST_TYPE_PREFIX, ROLE_PREFIX
from .site_limits import SiteLimits, site_limits
from .usage import SiteUsage, month_start, stored_usage

OPTION = "sidecar_enforcement"
QUOTA_OPTION = "blog_upload_space"
VERSION = 1
# blog_upload_space for an unlimited plan: core reads 0 as "nothing may be uploaded".
UNLIMITED_UPLOAD_MB = 2**31 - 1

log = logging.getLogger("sidecar.limits")


def payload(
    limits: Mapping[str, int | None], usage: SiteUsage | None, now: datetime
) -> dict[str, Any]:
    """The ``sidecar_enforcement`` value for a site: only limited keys, post types by slug,
    roles under ``users_role``; the measured disk bytes (left out when disk is not measured,
    so the shim lets core measure); whether this month's visits are used up."""
    value: dict[str, Any] = {"v": VERSION, "limits": enforced_limits(limits)}
    if usage is not None and usage.disk_bytes is not None:
        value["disk_used_bytes"] = usage.disk_bytes
    value["visits_blocked"] = _visits_blocked(limits.get("visits_month"), usage, now)
    value["updated"] = int(now.replace(tzinfo=now.tzinfo or UTC).timestamp())
    return value


def enforced_limits(limits: Mapping[str, int | None]) -> dict[str, Any]:
    """The option's ``limits`` array: ``{'post': 100, 'product': 50, 'users': 5,
    'users_role': {'editor': 2}, 'disk_mb': 1000, 'visits_month': 10000}`` (limited keys only;
    sites, domains and templates are enforced elsewhere)."""
    result: dict[str, Any] = {}
    for key, value in limits.items():
        if value is None:
            continue
        if key in ("posts", "pages"):
            result[key[:-1]] = value
        elif key.startswith(POST_TYPE_PREFIX):
            result[key[len(POST_TYPE_PREFIX) :]] = value
        elif key.startswith(ROLE_PREFIX):
            result.setdefault("users_role", {})[key[len(ROLE_PREFIX) :]] = value
        elif key in ("users", "disk_mb", "visits_month"):
            result[key] = value
    return result


def _visits_blocked(allowed: int | None, usage: SiteUsage | None, now: datetime) -> bool:
    if not allowed or usage is None or usage.measured_at is None:
        return False
    if month_start(usage.measured_at) != month_start(now):
        return False  # a new month: the count starts again
    return usage.visits_month >= allowed


def digest(value: Mapping[str, Any]) -> str:
    """A fingerprint of an option value without its ``updated`` time (to skip rewrites)."""
    stable = {k: v for k, v in value.items() if k != "updated"}
    return hashlib.sha1(
        json.dumps(stable, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()


def write(db: Database, site: SiteLimits, value: dict[str, Any]) -> None:
    """Write the option and — for a site with a membership — ``blog_upload_space``."""
    options: dict[str, Any] = {OPTION: value}
    if site.membership_id is not None:
        options[QUOTA_OPTION] = site.limits.get("disk_mb") or UNLIMITED_UPLOAD_MB
    set_options(db, site.blog_id, options)


def publish(
    db: Database, blog_id: int, now: datetime, *, caches_cleared: bool = True
) -> dict[str, Any]:
    """Write one site's enforcement values now, from its current limits and last measured
    usage, and return the option value. The caller clears WordPress's caches afterwards; a
    caller that cannot (``caches_cleared=False``) leaves the site marked unpublished, so the
    next sweep writes it again and clears them."""
    site = site_limits(db, blog_id)
    usage = stored_usage(db, blog_id)
    value = payload(site.limits, usage, now)
    with db.transaction():
        write(db, site, value)
        usage_store.mark_published(db, [blog_id], [digest(value) if caches_cleared else ""], now)
        if usage is not None:
            usage_store.set_worst(
                db, blog_id, *meter_math.worst(meter_math.meters(site.limits, usage))
            )
    return value


def publish_membership(db: Database, blog_id: int | None, now: datetime) -> None:
    """``publish`` for a membership's site, if it has one — the plan/package change hook,
    inside the change's transaction. Without a persistent object cache WordPress sees the new
    limits on its next request; with one, after the next sweep clears the site's caches."""
    if blog_id:
        publish(db, blog_id, now, caches_cleared=False)


def clear_site_caches(shim: ShimClient, blog_ids: Iterable[int], db: Database | None = None):
    """Ask the shim to clear each site's caches; return the ids where that failed. Failures
    are logged and — given ``db`` — the site is marked unpublished so the next sweep writes
    and clears again."""
    failed = []
    for blog_id in blog_ids:
        try:
            shim.clear_caches(blog_id=blog_id, options=True)
        except RestError as error:
            log.warning("clearing the caches of site %s failed: %s", blog_id, error)
            failed.append(blog_id)
    if failed and db is not None:
        usage_store.mark_published(db, failed, [""] * len(failed), None)
    return failed
