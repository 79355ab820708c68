"""The Account page: everything a site's owner sees — the site, the membership with its plan
and packages, the limits, the billing address and the invoices — read in one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext

from ..errors import NotFound
from ..store import customers as customer_store
from ..wp_bridge import WordPress
from ..wp_bridge.tables.users import User
from . import catalog, invoices
from .access import Viewer
from .catalog import Product
from .customers import billing_address, ensure_customer, update_billing_address
from .domains import SiteDomains, site_domains
from .events import Actor
from .limit_types import LimitType, limit_type
from .membership_changes import limits_of
from .memberships import PERIOD_LABELS, Membership, MembershipPackage, membership_for_site
from .ownership import site_owner
from .site_templates import SiteTemplateState, site_template_state
from .sites import SiteSummary, summarize
from .template_rules import template_options
from .usage_view import LimitsBlock, limits_block


@dataclass(frozen=True)
class MembershipView:
    membership: Membership
    plan: Product
    packages: list[tuple[Product, MembershipPackage]]

    @property
    def period_label(self) -> str:
        return PERIOD_LABELS.get(self.membership.billing_period, self.membership.billing_period)


@dataclass(frozen=True)
class AccountOverview:
    site: SiteSummary
    viewer_is_owner: bool
    membership: MembershipView | None
    limits: list[tuple[LimitType, int | None]]
    usage: LimitsBlock | None
    billing: dict | None
    invoices: list
    now: datetime
    domains: SiteDomains
    templates: SiteTemplateState | None = None


def account_overview(wp: WordPress, viewer: Viewer, now: datetime) -> AccountOverview:
    """Read the whole Account page for ``viewer``'s site, live from the database."""
    summary = summarize(wp, viewer.site, viewer.user if viewer.is_owner else None)
    customer = customer_store.find_by_user(wp.db, summary.owner.id) if summary.owner else None
    view = _membership_view(wp, viewer.site.blog_id)
    limits = limits_of(wp.db, view.membership, view.plan) if view else {}
    return AccountOverview(
        site=summary,
        viewer_is_owner=summary.owner is not None and summary.owner.id == viewer.user.id,
        membership=view,
        limits=[(limit_type(key), value) for key, value in limits.items()],
        usage=limits_block(wp.db, viewer.site.blog_id, limits, now) if view else None,
        billing=billing_address(customer) if customer else None,
        invoices=invoices.list_for_customer(wp.db, customer["id"], with_lines=False)
        if customer
        else [],
        now=now,
        domains=site_domains(wp, viewer.site.blog_id, (view.plan, limits) if view else None),
        templates=_templates(wp, viewer.site.blog_id, view, limits),
    )


def _templates(wp: WordPress, blog_id: int, view, limits: dict) -> SiteTemplateState:
    """The Change Site Template block (hidden unless switching is on and the plan lets the
    customer choose a template)."""
    options = template_options(
        wp.db,
        wp.network_id,
        view.plan.id if view else None,
        purpose="switch",
        site_id=blog_id,
        limits=limits,
        membership_status=view.membership.status if view else None,
    )
    return site_template_state(wp, blog_id, options)


def _membership_view(wp: WordPress, blog_id: int) -> MembershipView | None:
    membership = membership_for_site(wp.db, blog_id)
    if membership is None:
        return None
    packages = [(catalog.get_product(wp.db, p.product_id), p) for p in membership.packages]
    return MembershipView(membership, catalog.get_product(wp.db, membership.plan_id), packages)


def account_owner(wp: WordPress, viewer: Viewer) -> User:
    """The customer the Account page acts for: the viewer, or — for a super admin — the
    site's owner. Raises NotFound when the site has no owner."""
    owner = viewer.user if viewer.is_owner else site_owner(wp.db, viewer.site.blog_id)
    if owner is None:
        raise NotFound(gettext("This site has no owner to act for."))
    return owner


def account_customer(wp: WordPress, viewer: Viewer) -> dict:
    """The customer record of the account owner (created on first use)."""
    return ensure_customer(wp.db, account_owner(wp, viewer))


def save_billing_address(wp: WordPress, viewer: Viewer, address: dict, actor: Actor) -> dict:
    """Replace the account owner's billing address. Raises NotFound (no owner)."""
    return update_billing_address(wp.db, account_owner(wp, viewer), address, actor)
