"""Network Admin → Usage: the sites near (≥ 80 %) or over their limits, sortable."""

from __future__ import annotations

import html
from dataclasses import dataclass

from flask_babel import gettext

from ..store import usage as usage_store
from ..wp_bridge import WordPress
from ..wp_bridge.tables.options import option_of_sites
from .meters import WARNING_PCT, Meter, meters
from .site_limits import limits_for_sites
from .usage import SiteUsage, from_row

FILTERS = {"near": WARNING_PCT, "over": 100}
SORTS = {
    "worst": "worst_pct",
    "site": "blog_id",
    "disk": "disk_bytes",
    "visits": "visits_month",
    "posts": "posts",
    "pages": "pages",
    "users": "users",
}


@dataclass(frozen=True)
class UsageRow:
    blog_id: int
    name: str
    membership_id: int | None
    plan: str | None
    worst_pct: int
    meters: list[Meter]  # only those at 80 % or more
    usage: SiteUsage


@dataclass(frozen=True)
class UsagePage:
    rows: list[UsageRow]
    total: int
    show: str
    sort: str
    descending: bool
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def usage_overview(
    wp: WordPress, *, show: str, sort: str, descending: bool, page: int, per_page: int
) -> UsagePage:
    """A page of sites at or over 80 % (``show="near"``) or 100 % (``"over"``) of a limit,
    sorted by a key of ``SORTS``, as of the last sweep. Raises KeyError for unknown keys."""
    rows, total = usage_store.near_limits(
        wp.db,
        min_pct=FILTERS[show],
        sort=SORTS[sort],
        descending=descending,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    ids = [int(row["blog_id"]) for row in rows]
    limits = limits_for_sites(wp.db, ids)
    names = option_of_sites(wp.db, ids, "blogname")
    return UsagePage(
        [_row(row, limits[int(row["blog_id"])], names) for row in rows],
        total,
        show,
        sort,
        descending,
        page,
        per_page,
    )


def _row(row, site, names) -> UsageRow:
    usage = from_row(row)
    near = [
        m for m in meters(site.limits, usage) if m.percent is not None and m.percent >= WARNING_PCT
    ]
    return UsageRow(
        usage.blog_id,
        html.unescape(str(names.get(usage.blog_id) or gettext("Site %(id)d", id=usage.blog_id))),
        site.membership_id,
        site.plan.name if site.plan else None,
        int(row["worst_pct"]),
        sorted(near, key=lambda m: -m.percent),
        usage,
    )
