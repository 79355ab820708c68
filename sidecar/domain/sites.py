"""Site summaries: name, address, owner — what the Account page and the API show of a site."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext

from ..errors import NotFound
from ..wp_bridge import WordPress
from ..wp_bridge.tables import sites as sites_table
from ..wp_bridge.tables.options import get_options
from ..wp_bridge.tables.sites import Site
from ..wp_bridge.tables.users import User
from .ownership import site_owner


@dataclass(frozen=True)
class SiteSummary:
    id: int
    name: str
    url: str
    registered: datetime | None
    status: str
    owner: User | None


def summarize(wp: WordPress, site: Site, known_owner: User | None = None) -> SiteSummary:
    """Read a site's name, home URL and owner from WordPress's tables (the owner is looked up
    unless the caller already knows it)."""
    options = get_options(wp.db, site.blog_id, ["blogname", "home", "siteurl"])
    url = options.get("home") or options.get("siteurl") or f"//{site.domain}{site.path}"
    return SiteSummary(
        id=site.blog_id,
        # WordPress stores blogname HTML-escaped (sanitize_option): keep the plain text.
        name=html.unescape(str(options.get("blogname") or site.domain)),
        url=str(url),
        registered=site.registered,
        status=site_status(site),
        owner=known_owner or site_owner(wp.db, site.blog_id),
    )


def site_status(site: Site) -> str:
    """Return ``active``, ``archived``, ``spam`` or ``deleted`` — WordPress's own flags."""
    for flag in ("deleted", "spam", "archived"):
        if getattr(site, flag):
            return flag
    return "active"


def get_summary(wp: WordPress, blog_id: int) -> SiteSummary:
    """Return one site of this network. Raises NotFound."""
    site = sites_table.get_site(wp.db, blog_id)
    if site is None or site.network_id != wp.network_id:
        raise NotFound(gettext("No site with this id."))
    return summarize(wp, site)


def list_summaries(wp: WordPress, *, after_id: int, limit: int) -> tuple[list[SiteSummary], int]:
    """Return a page of sites (keyset paging on id) and the network's total count."""
    page = sites_table.list_sites(wp.db, wp.network_id, after_id=after_id, limit=limit)
    return [summarize(wp, site) for site in page], sites_table.count_sites(wp.db, wp.network_id)
