"""The Account page: what a site's owner sees about their site and themselves."""

from __future__ import annotations

from dataclasses import dataclass

from ..wp_bridge import WordPress
from .access import Viewer
from .sites import SiteSummary, summarize


@dataclass(frozen=True)
class AccountOverview:
    site: SiteSummary
    viewer_is_owner: bool


def account_overview(wp: WordPress, viewer: Viewer) -> AccountOverview:
    """Read the site's name, address and owner live from WordPress's tables."""
    summary = summarize(wp, viewer.site, viewer.user if viewer.is_owner else None)
    is_owner = summary.owner is not None and summary.owner.id == viewer.user.id
    return AccountOverview(site=summary, viewer_is_owner=is_owner)
