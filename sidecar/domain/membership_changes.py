"""Change a membership from the Account page: move to another plan of the same plan group
(prorated, limits replaced at once, up or down) or buy a package (added; the plan stays).

No discount code can be entered here; the code used at the first purchase keeps applying:
when it applies to renewals, the new recurring amount is discounted by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext

from ..errors import Conflict, Invalid
from ..store import membership_packages as package_store
from ..wp_bridge.db import Database
from . import catalog, discounts, invoices, webhooks
from .billing import invoice_membership
from .billing_context import BillingContext
from .catalog import Product
from .enforcement import publish_membership
from .events import Actor
from .impact import impact
from .memberships import (
    Membership,
    get_membership,
    next_period_end,
    plan_recurring_price,
    price_per_period,
    save,
)
from .money import ZERO, money
from .proration import Proration, prorate
from .site_limits import membership_limits


@dataclass(frozen=True)
class PlanChange:
    """What the customer confirms before a plan change."""

    membership: Membership
    current_plan: Product
    new_plan: Product
    proration: Proration
    new_recurring_amount: Decimal
    current_limits: dict
    new_limits: dict
    new_period_end: datetime | None
    impact: tuple[str, ...] = ()  # "You have 130 posts; the new plan allows 100."

    @property
    def is_upgrade(self) -> bool:
        return self.new_plan.price > self.current_plan.price

    @property
    def starts_new_period(self) -> bool:
        """True when the billing period changes, so a new period starts today."""
        return self.new_plan.billing_period != self.membership.billing_period

    @property
    def due_now(self) -> Decimal:
        return max(self.proration.net, ZERO)

    @property
    def credit(self) -> Decimal:
        return max(-self.proration.net, ZERO)


def change_options(db: Database, membership: Membership) -> tuple[list[Product], list[Product]]:
    """The plans the customer may move to (same plan group, same currency, active) and the
    packages they may buy (active, same currency)."""
    current = catalog.get_product(db, membership.plan_id)
    plans = []
    if current.plan_group_id is not None:
        plans = [
            plan
            for plan in catalog.plans_in_group(db, current.plan_group_id)
            if plan.active and plan.id != current.id and plan.currency == membership.currency
        ]
    packages = [
        p
        for p in catalog.list_products(db, type="package", active_only=True)
        if p.currency == membership.currency
    ]
    return plans, packages


def plan_change(
    db: Database, membership: Membership, new_plan_id: int, now: datetime
) -> PlanChange:
    """Summarise moving to plan ``new_plan_id``. Raises Invalid when it is not allowed."""
    current = catalog.get_product(db, membership.plan_id)
    new_plan = _allowed_plan(db, membership, new_plan_id)
    recurring = _recurring_amount(db, membership, new_plan)
    running = membership.status == "active" and membership.period_start is not None
    same_period = new_plan.billing_period == membership.billing_period
    proration = prorate(
        paid_for_period=membership.recurring_amount,
        new_amount=recurring,
        period_start=membership.period_start if running else None,
        period_end=membership.expires_at if running else None,
        now=now,
    )
    period_end = membership.expires_at
    if running and not same_period:
        # Another billing period: the new one starts now, at the new plan's full price.
        proration = Proration(proration.unused_fraction, proration.credit, recurring)
        period_end = next_period_end(now, new_plan.billing_period)
    new_limits = limits_of(db, membership, new_plan)
    return PlanChange(
        membership,
        current,
        new_plan,
        proration,
        recurring,
        limits_of(db, membership, current),
        new_limits,
        period_end,
        tuple(impact(db, membership.blog_id, new_limits)),
    )


def apply_plan_change(
    db: Database,
    membership_id: int,
    version: int,
    new_plan_id: int,
    *,
    ctx: BillingContext,
    customer: dict,
    actor: Actor,
    now: datetime,
) -> PlanChange:
    """Move the membership to another plan: limits change at once; the prorated difference is
    invoiced now, or kept as credit for the next invoices. One transaction.

    Raises Conflict when the membership changed since ``version``; Invalid when not allowed.
    """
    with db.transaction():
        membership = get_membership(db, membership_id, for_update=True)
        change = plan_change(db, _at_version(membership, version), new_plan_id, now)
        save(
            db,
            membership,
            {
                "plan_id": change.new_plan.id,
                "billing_period": change.new_plan.billing_period,
                "recurring_amount": change.new_recurring_amount,
                "credit": membership.credit + change.credit,
                "expires_at": change.new_period_end,
            },
            actor,
            "membership.plan_changed",
        )
        changed = {"membership": membership.number, "plan_id": change.new_plan.id}
        webhooks.emit(
            db, ctx.network_id, "membership.changed", changed, customer_id=membership.customer_id
        )
        if change.due_now > 0:
            invoice_membership(
                db,
                ctx,
                membership,
                customer,
                actor,
                "change",
                [
                    invoices.InvoiceLine(
                        f"Change to {change.new_plan.name} (rest of the current period)",
                        1,
                        change.due_now,
                        change.new_plan.id,
                    )
                ],
            )
        publish_membership(db, membership.blog_id, now)
    return change


def apply_package_purchase(
    db: Database,
    membership_id: int,
    version: int,
    package_id: int,
    *,
    ctx: BillingContext,
    customer: dict,
    actor: Actor,
    now: datetime,
):
    """Add one package to the membership (the plan stays) and invoice its first period.

    Raises Conflict when the membership changed since ``version``; Invalid when not allowed.
    """
    with db.transaction():
        membership = _at_version(get_membership(db, membership_id, for_update=True), version)
        package = _allowed_package(db, membership, package_id)
        recurring = price_per_period(
            package.price, package.billing_period, membership.billing_period
        )
        package_store.add(db, membership.id, package.id, 1, recurring)
        save(
            db,
            membership,
            {"recurring_amount": membership.recurring_amount + recurring},
            actor,
            "membership.package_added",
        )
        added = {"membership": membership.number, "package_id": package.id}
        webhooks.emit(
            db, ctx.network_id, "membership.changed", added, customer_id=membership.customer_id
        )
        first_charge = money(package.price + package.setup_fee)
        invoice = invoice_membership(
            db,
            ctx,
            membership,
            customer,
            actor,
            "package",
            [invoices.InvoiceLine(package.name, 1, first_charge, package.id)],
        )
        publish_membership(db, membership.blog_id, now)
        return invoice


def limits_of(db: Database, membership: Membership, plan: Product) -> dict:
    """The effective limits of ``membership`` if its plan were ``plan`` (overrides included)."""
    return membership_limits(db, membership, plan)


def _at_version(membership: Membership, version: int) -> Membership:
    if membership.version != version:
        raise Conflict(
            gettext("This membership was changed in the meantime. Please review it and try again.")
        )
    return membership


def _allowed_plan(db: Database, membership: Membership, plan_id: int) -> Product:
    plans, _ = change_options(db, membership)
    for plan in plans:
        if plan.id == plan_id:
            return plan
    raise Invalid({"plan_id": [gettext("Choose one of the plans offered for your membership.")]})


def offered_package(db: Database, membership: Membership, package_id: int) -> Product | None:
    """The package ``package_id`` if the membership may buy it, else None."""
    _, packages = change_options(db, membership)
    return next((package for package in packages if package.id == package_id), None)


def _allowed_package(db: Database, membership: Membership, package_id: int) -> Product:
    package = offered_package(db, membership, package_id)
    if package is not None:
        return package
    raise Invalid(
        {"package_id": [gettext("Choose one of the packages offered for your membership.")]}
    )


def _recurring_amount(db: Database, membership: Membership, plan: Product) -> Decimal:
    """The new plan's price with the membership's renewal discount, plus its packages
    (restated for the new plan's billing period)."""
    code = (
        discounts.get_code(db, membership.discount_code_id) if membership.discount_code_id else None
    )
    restated = (
        price_per_period(p.price, membership.billing_period, plan.billing_period) * p.quantity
        for p in membership.packages
    )
    return money(plan_recurring_price(plan, code) + sum(restated, ZERO))
