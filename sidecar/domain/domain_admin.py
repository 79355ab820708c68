"""Network Admin → Domains: every domain of the network with its status and last check,
filters, a forced re-check, and turning a mapping off or on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..store import domains as store
from ..wp_bridge import WordPress
from . import domain_verification, domains
from .domain_settings import DomainSettings, get_settings
from .domains import Domain
from .events import Actor

PAGE_SIZE = 50


@dataclass(frozen=True)
class DomainRow:
    domain: Domain
    site_address: str


@dataclass(frozen=True)
class DomainsPage:
    settings: DomainSettings
    rows: list[DomainRow]
    counts: dict[str, int]
    next_after: int | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def domains_page(
    wp: WordPress, *, status: str = "", text: str = "", after_id: int = 0
) -> DomainsPage:
    """A page of the network's domains (in id order), filtered by status and name."""
    rows = store.search(
        wp.db,
        wp.network_id,
        status=status or None,
        text=text.strip().lower(),
        after_id=after_id,
        limit=PAGE_SIZE,
    )
    items = [DomainRow(domains.from_row(row), row["site_address"] or "") for row in rows]
    return DomainsPage(
        settings=get_settings(wp.db, wp.network_id),
        rows=items,
        counts=store.count_by_status(wp.db, wp.network_id),
        next_after=items[-1].domain.id if len(items) == PAGE_SIZE else None,
    )


def admin_recheck(wp: WordPress, domain_id: int, actor: Actor, now: datetime) -> Domain:
    """Check any domain of the network now. Raises NotFound (no such domain, mapping off)."""
    return domain_verification.recheck(wp, domains.get_domain(wp, domain_id), actor, now)


def set_enabled(wp: WordPress, domain_id: int, enabled: bool, actor: Actor) -> Domain:
    """Turn a mapping on or off. Raises NotFound."""
    return domains.set_enabled(wp, domain_id, enabled, actor)
