"""A site's limits with what it uses, as people and programs read them: the Account page's
Site Limits block (meters and 30-day charts) and the JSON API's report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext
from markupsafe import Markup

from ..errors import NotFound
from ..store import usage_history
from ..wp_bridge import WordPress
from ..wp_bridge.db import Database
from ..wp_bridge.tables.sites import get_site
from .meters import Meter, meters
from .site_limits import site_limits
from .usage import MB, SiteUsage, live_usage
from .usage_chart import line_chart

CHART_DAYS = 30


@dataclass(frozen=True)
class LimitsBlock:
    """The Site Limits block: a meter per limit, when usage was measured, two charts."""

    meters: list[Meter]
    usage: SiteUsage
    visits_chart: Markup
    disk_chart: Markup | None


def limits_block(
    db: Database, blog_id: int, limits: Mapping[str, int | None], now: datetime
) -> LimitsBlock:
    """Meters for ``limits`` against the site's usage (posts and users counted now, disk and
    visits from the last sweep) and the last 30 days of visits and disk."""
    usage = live_usage(db, blog_id)
    history = _history(db, blog_id, now.date())
    disk = [
        (day, None if row is None or row["disk_bytes"] is None else row["disk_bytes"] / MB)
        for day, row in history
    ]
    visits = [(day, None if row is None else row["visits"]) for day, row in history]
    return LimitsBlock(
        meters(limits, usage),
        usage,
        line_chart(visits, title=gettext("Visits per day")),
        line_chart(disk, title=gettext("Disk space"), unit=" MB")
        if usage.disk_bytes is not None
        else None,
    )


def _history(db: Database, blog_id: int, today: date) -> list[tuple[date, dict | None]]:
    since = today - timedelta(days=CHART_DAYS - 1)
    rows = {row["day"]: row for row in usage_history.for_site(db, blog_id, since)}
    return [
        (since + timedelta(days=n), rows.get(since + timedelta(days=n))) for n in range(CHART_DAYS)
    ]


@dataclass(frozen=True)
class LimitsReport:
    """The API's view of one site: effective limits, usage per limit key, meters."""

    site_id: int
    membership_id: int | None
    plan: str | None
    limits: dict[str, int | None]
    usage: dict[str, float | int | None]
    meters: list[Meter]
    measured_at: datetime | None


def limits_report(wp: WordPress, blog_id: int) -> LimitsReport:
    """One site's effective limits and usage. Raises NotFound for a site of no network here."""
    site = get_site(wp.db, blog_id)
    if site is None or site.network_id != wp.network_id:
        raise NotFound("No site with this id.")
    effective = site_limits(wp.db, blog_id)
    usage = live_usage(wp.db, blog_id)
    return LimitsReport(
        blog_id,
        effective.membership_id,
        effective.plan.name if effective.plan else None,
        effective.limits,
        {key: _rounded(usage.used(key)) for key in effective.limits},
        meters(effective.limits, usage),
        usage.measured_at,
    )


def _rounded(amount: int | float | None) -> int | float | None:
    """Counts stay whole; megabytes get one decimal."""
    return round(amount, 1) if isinstance(amount, float) else amount
