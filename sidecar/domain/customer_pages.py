"""The customer page in Network Admin: the customer with their memberships, sites, invoices
and events, and the choices its form offers."""

from __future__ import annotations

from dataclasses import dataclass

from ..store import customer_companies
from ..store import memberships as membership_store
from ..wp_bridge import WordPress
from ..wp_bridge.tables.sites import get_site
from ..wp_bridge.tables.user_accounts import site_roles
from . import events, invoices, memberships
from .customer_edit import CustomerRecord, full_birth_dates, get_customer
from .sites import SiteSummary, summarize


@dataclass
class CustomerDetail:
    record: CustomerRecord
    company: str
    memberships: list
    sites: list[SiteSummary]
    invoices: list
    events: list[dict]
    full_birth_dates: bool


def customer_sites(wp: WordPress, customer_id: int) -> list[SiteSummary]:
    """The sites the customer belongs to (any role), in id order. Raises NotFound."""
    record = get_customer(wp.db, customer_id)
    found = []
    for blog_id in sorted(site_roles(wp.db, int(record.row["user_id"]))):
        site = get_site(wp.db, blog_id)
        if site is not None:
            found.append(summarize(wp, site))
    return found


def customer_detail(wp: WordPress, customer_id: int) -> CustomerDetail:
    """Everything the customer page shows. Raises NotFound."""
    record = get_customer(wp.db, customer_id)
    company = customer_companies.get(wp.db, record.row["company_id"] or 0)
    return CustomerDetail(
        record=record,
        company=company["name"] if company else "",
        memberships=[
            memberships.from_row(wp.db, row)
            for row in membership_store.for_customer(wp.db, customer_id)
        ],
        sites=customer_sites(wp, customer_id),
        invoices=invoices.list_for_customer(wp.db, customer_id),
        events=events.history(wp.db, "customer", customer_id)[:50],
        full_birth_dates=full_birth_dates(wp.db),
    )
