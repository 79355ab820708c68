"""A site's effective limits: its membership's plan + packages × quantity, then the network
admin's overrides for the membership and for the site (``limit_types.effective_limits`` does
the arithmetic). ``limits_for_sites`` does the same for a batch of sites in a few queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..store import limit_overrides as override_store
from ..store import membership_packages as package_store
from ..store import memberships as membership_store
from ..wp_bridge.db import Database
from . import catalog
from .catalog import Product
from .limit_types import effective_limits
from .memberships import Membership, membership_for_site


@dataclass(frozen=True)
class SiteLimits:
    """What limits a site, and how: ``limits`` maps every key to an int or None (unlimited).
    Without a membership nothing is limited."""

    blog_id: int
    membership_id: int | None
    plan: Product | None
    status: str | None
    limits: dict[str, int | None]


def override_layers(db: Database, membership_id: int, blog_id: int | None) -> list[dict]:
    """The membership's overrides, then the site's (``[{key: value}, {key: value}]``)."""
    scopes = [("membership", membership_id)] + ([("site", blog_id)] if blog_id else [])
    found = override_store.for_scopes(db, scopes)
    return [found[scope] for scope in scopes]


def membership_limits(db: Database, membership: Membership, plan: Product) -> dict:
    """The effective limits of ``membership`` if its plan were ``plan`` (overrides included)."""
    packages = [
        (catalog.get_product(db, p.product_id).limits, p.quantity) for p in membership.packages
    ]
    return effective_limits(
        plan.limits, packages, override_layers(db, membership.id, membership.blog_id)
    )


def site_limits(db: Database, blog_id: int) -> SiteLimits:
    """The effective limits of one site (nothing limited when it has no membership)."""
    membership = membership_for_site(db, blog_id)
    if membership is None:
        return SiteLimits(blog_id, None, None, None, effective_limits({}, []))
    plan = catalog.get_product(db, membership.plan_id)
    limits = membership_limits(db, membership, plan)
    return SiteLimits(blog_id, membership.id, plan, membership.status, limits)


def limits_for_sites(db: Database, blog_ids: Sequence[int]) -> dict[int, SiteLimits]:
    """``site_limits`` for a batch of sites: memberships, packages, products and overrides
    are each read once for the whole batch."""
    memberships = membership_store.find_by_blogs(db, list(blog_ids))
    ids = [int(row["id"]) for row in memberships.values()]
    packages = package_store.for_memberships(db, ids)
    products = {p.id: p for p in catalog.list_products(db)}
    scopes = [("membership", m) for m in ids] + [("site", b) for b in memberships]
    overrides = override_store.for_scopes(db, scopes)
    result = {}
    for blog_id in blog_ids:
        row = memberships.get(blog_id)
        if row is None:
            result[blog_id] = SiteLimits(blog_id, None, None, None, effective_limits({}, []))
            continue
        plan = products[int(row["plan_id"])]
        bought = [
            (products[int(p["product_id"])].limits, int(p["quantity"]))
            for p in packages[int(row["id"])]
        ]
        layers = [overrides[("membership", int(row["id"]))], overrides[("site", blog_id)]]
        limits = effective_limits(plan.limits, bought, layers)
        result[blog_id] = SiteLimits(blog_id, int(row["id"]), plan, row["status"], limits)
    return result
