"""Account → Change, seen from the site: find the site's membership and its customer, then
hand over to ``membership_changes``. One function per page or action, so handlers make one
call each."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext

from ..errors import NotFound
from ..wp_bridge import WordPress
from . import membership_changes as changes
from .access import Viewer
from .account import account_customer
from .billing_context import BillingContext
from .catalog import Product
from .events import Actor
from .memberships import Membership, membership_for_site


def site_membership(wp: WordPress, viewer: Viewer) -> Membership:
    """The membership of the viewer's site. Raises NotFound when it has none."""
    membership = membership_for_site(wp.db, viewer.site.blog_id)
    if membership is None:
        raise NotFound(gettext("This site has no membership to change."))
    return membership


def options(wp: WordPress, viewer: Viewer) -> tuple[Membership, list[Product], list[Product]]:
    """The membership with the plans it may move to and the packages it may buy."""
    membership = site_membership(wp, viewer)
    plans, packages = changes.change_options(wp.db, membership)
    return membership, plans, packages


def plan_summary(wp: WordPress, viewer: Viewer, plan_id: int, now: datetime):
    """What moving to ``plan_id`` means. Raises NotFound or Invalid."""
    return changes.plan_change(wp.db, site_membership(wp, viewer), plan_id, now)


def package_summary(wp: WordPress, viewer: Viewer, package_id: int) -> tuple[Membership, Product]:
    """The membership and the package it would buy. Raises NotFound when not offered."""
    membership = site_membership(wp, viewer)
    package = changes.offered_package(wp.db, membership, package_id)
    if package is None:
        raise NotFound(gettext("This package is not offered for your membership."))
    return membership, package


def change_plan(
    wp: WordPress,
    viewer: Viewer,
    version: int,
    plan_id: int,
    *,
    ctx: BillingContext,
    actor: Actor,
    now: datetime,
):
    """Move the site's membership to ``plan_id``. Raises NotFound, Invalid or Conflict."""
    return changes.apply_plan_change(
        wp.db,
        site_membership(wp, viewer).id,
        version,
        plan_id,
        ctx=ctx,
        customer=account_customer(wp, viewer),
        actor=actor,
        now=now,
    )


def buy_package(
    wp: WordPress,
    viewer: Viewer,
    version: int,
    package_id: int,
    *,
    ctx: BillingContext,
    actor: Actor,
    now: datetime,
):
    """Add ``package_id`` to the site's membership. Raises NotFound, Invalid or Conflict."""
    return changes.apply_package_purchase(
        wp.db,
        site_membership(wp, viewer).id,
        version,
        package_id,
        ctx=ctx,
        customer=account_customer(wp, viewer),
        actor=actor,
        now=now,
    )
