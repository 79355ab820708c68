"""Thin limit jobs: the usage sweep, suspension of Expired memberships' sites (and serving
them again once paid), and the monthly purge of old visits."""

from __future__ import annotations

from datetime import date, datetime

from ..config import Settings
from ..context import Clients
from ..domain import suspensions
from ..domain.sweep import SweepOptions, sweep, uploads_dir
from ..store import visits
from ..wp_bridge import WordPress
from ..wp_bridge.db import Database, connect
from .membership_jobs import _drain

VISITS_KEPT_MONTHS = 13


def wordpress(settings: Settings, db: Database) -> WordPress:
    """The WordPress bridge for a job's connection."""
    clients = Clients(settings)
    return WordPress(db, clients.rest, clients.shim, settings.wordpress.network_id)


def sweep_options(settings: Settings, db: Database, **changes) -> SweepOptions:
    """Sweep options from the configuration (``changes`` override, e.g. ``shard``)."""
    return SweepOptions(
        network_id=settings.wordpress.network_id,
        uploads_dir=uploads_dir(db, settings.wordpress.uploads_dir),
        clear_caches=settings.limits.clear_caches,
        **changes,
    )


def usage_sweep(settings: Settings, db: Database, now: datetime) -> int:
    """Measure every site, store usage, publish changed enforcement values; return sites.
    A second connection reads the next batch ahead."""
    reader = connect(settings.database)
    try:
        wp = wordpress(settings, db)
        return sweep(wp, sweep_options(settings, db), now, reader=reader).sites
    finally:
        reader.close()


def enforcement(settings: Settings, db: Database, now: datetime) -> int:
    """Suspend the sites of Expired memberships and serve paid ones again; return how many."""
    wp = wordpress(settings, db)
    return _drain(lambda: suspensions.suspend_expired(wp)) + _drain(
        lambda: suspensions.lift_paid(wp)
    )


def visits_purge(settings: Settings, db: Database, now: datetime) -> int:
    """Delete visits of months more than 13 months back; return how many rows."""
    cutoff = purge_cutoff(now.date())
    return _drain(lambda: range(visits.purge_before(db, cutoff)))


def purge_cutoff(today: date) -> date:
    """The first day kept: the first of the month 13 months before ``today``'s month."""
    index = today.year * 12 + today.month - 1 - VISITS_KEPT_MONTHS
    return date(index // 12, index % 12 + 1, 1)
