"""Demo data for ``make demo``: the demo catalog and a paid membership for every customer
site that has none (alice on Business, the others on Starter), with billing addresses."""

from __future__ import annotations

from ..store import customers as customer_store
from ..wp_bridge import WordPress
from ..wp_bridge.tables.sites import list_sites
from .billing import settle_invoice
from .billing_context import BillingContext
from .catalog_demo import seed_demo_catalog
from .clock import utcnow
from .customers import ensure_customer
from .domain_settings import get_settings, save_settings
from .events import SYSTEM
from .membership_start import Order, start_membership
from .memberships import membership_for_site
from .ownership import site_owner

_ADDRESS = {
    "billing_address_1": "Kerkstraat 1",
    "billing_city": "Gent",
    "billing_postcode": "9000",
    "billing_country": "BE",
}


def seed_demo(wp: WordPress, ctx: BillingContext) -> list[str]:
    """Create what is missing; return one line per membership created."""
    products = seed_demo_catalog(wp.db)
    _enable_domain_mapping(wp)
    created = []
    for site in list_sites(wp.db, wp.network_id, after_id=1, limit=1000):
        owner = site_owner(wp.db, site.blog_id)
        if owner is None or membership_for_site(wp.db, site.blog_id) is not None:
            continue
        plan = "business" if owner.login == "alice" else "starter"
        created.append(_membership(wp, ctx, owner, site.blog_id, products[plan]))
    return created


def _membership(wp: WordPress, ctx: BillingContext, owner, blog_id: int, plan_id: int) -> str:
    customer = ensure_customer(wp.db, owner)
    if not customer["billing_address_1"]:
        customer_store.update_billing(
            wp.db, customer["id"], {**_ADDRESS, "billing_name": owner.display_name}
        )
        customer = customer_store.find_by_user(wp.db, owner.id)
    membership, invoice = start_membership(
        wp.db,
        Order(plan_id),
        customer=customer,
        blog_id=blog_id,
        ctx=ctx,
        actor=SYSTEM,
        now=utcnow(),
    )
    settle_invoice(wp.db, invoice.id, SYSTEM, reference="demo")
    return f"{owner.login}: membership {membership.number} on plan {plan_id}"


def _enable_domain_mapping(wp: WordPress) -> None:
    """Turn domain mapping on (pointing at loopback) unless an admin already configured it."""
    settings = get_settings(wp.db, wp.network_id)
    if settings.updated_at is None:
        save_settings(
            wp.db,
            wp.network_id,
            {
                "enabled": True,
                "instructions": settings.instructions,
                "addresses": "127.0.0.1",
                "cname_target": "",
                "txt_required": True,
                "resolver": "",
                "https_check": False,
            },
            SYSTEM,
        )
