"""Start a membership: the plan (+ packages) for a customer's site, and its first invoice.

Used by sign-up and by network admins. The discount code is checked and redeemed here (once);
it keeps applying to renewals and plan changes when it is a renewal code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext

from ..errors import Invalid, NotFound
from ..store import membership_packages
from ..wp_bridge.db import Database
from . import catalog, discounts, invoices
from .billing_context import BillingContext
from .catalog import Product
from .customers import billing_address
from .events import Actor
from .memberships import Membership, insert_membership, plan_recurring_price, price_per_period
from .money import ZERO, money


@dataclass(frozen=True)
class Order:
    """What a customer buys at sign-up."""

    plan_id: int
    package_ids: tuple[int, ...] = ()
    discount_code: str = ""


def start_membership(
    db: Database,
    order: Order,
    *,
    customer: dict,
    blog_id: int | None,
    ctx: BillingContext,
    actor: Actor,
    now,
    payer: dict | None = None,
) -> tuple[Membership, invoices.Invoice]:
    """Create a pending membership and its first invoice, in one transaction. The invoice
    goes to ``payer`` (a customer row) when given, else to ``customer``.

    Raises Invalid (unknown plan or package, other currency, unusable discount code).
    """
    plan, packages = _products(db, order)
    with db.transaction():
        code = _usable_code(db, order.discount_code, plan.currency, now)
        lines = _first_invoice_lines(plan, packages)
        subtotal = sum((line.unit_price * line.quantity for line in lines), ZERO)
        first_discount = discounts.discount_for(code, subtotal, renewal=False) if code else ZERO
        recurring = _recurring(plan, packages, code)
        membership = insert_membership(
            db,
            {
                "customer_id": customer["id"],
                "blog_id": blog_id,
                "plan_id": plan.id,
                "status": "pending",
                "currency": plan.currency,
                "initial_amount": money(subtotal - first_discount),
                "recurring_amount": recurring,
                "billing_period": plan.billing_period,
                "discount_code_id": code.id if code else None,
            },
            actor,
        )
        for package in packages:
            membership_packages.add(
                db,
                membership.id,
                package.id,
                1,
                price_per_period(package.price, package.billing_period, plan.billing_period),
            )
        if code:
            discounts.redeem(db, code.id)
        invoice = invoices.issue_invoice(
            db,
            network_id=ctx.network_id,
            customer_id=(payer or customer)["id"],
            membership_id=membership.id,
            currency=plan.currency,
            lines=lines,
            discount=first_discount,
            tax_rate=ctx.tax_rate,
            billing_address=billing_address(payer or customer),
            reason="signup",
            actor=actor,
            due_days=ctx.due_days,
        )
    return membership, invoice


def check_order(db: Database, order: Order, now) -> None:
    """Raise Invalid unless ``order`` can be started as it is (plan, packages, code)."""
    plan, _ = _products(db, order)
    _usable_code(db, order.discount_code, plan.currency, now)


def _products(db: Database, order: Order) -> tuple[Product, list[Product]]:
    plan = _product_or_none(db, order.plan_id)
    if plan is None or plan.type != "plan" or not plan.active:
        raise Invalid({"plan_id": [gettext("Choose one of the plans on offer.")]})
    packages = [_product_or_none(db, pid) for pid in order.package_ids]
    if None in packages:
        raise Invalid({"package_ids": [gettext("Choose packages from the list.")]})
    for package in packages:
        if package.type != "package" or not package.active:
            raise Invalid({"package_ids": [gettext("Choose packages from the list.")]})
        if package.currency != plan.currency:
            message = gettext(
                "%(package)s is sold in %(currency)s, your plan in %(plan_currency)s.",
                package=package.name,
                currency=package.currency,
                plan_currency=plan.currency,
            )
            raise Invalid({"package_ids": [message]})
    return plan, packages


def _product_or_none(db: Database, product_id: int) -> Product | None:
    try:
        return catalog.get_product(db, product_id)
    except NotFound:
        return None


def _usable_code(db: Database, code: str, currency: str, now):
    if not code.strip():
        return None
    return discounts.find_usable(db, code.strip(), currency=currency, now=now)


def _first_invoice_lines(plan: Product, packages: list[Product]) -> list[invoices.InvoiceLine]:
    lines = [invoices.InvoiceLine(plan.name, 1, plan.price, plan.id)]
    if plan.setup_fee > 0:
        setup = f"{plan.name} — setup fee"
        lines.append(invoices.InvoiceLine(setup, 1, plan.setup_fee, plan.id))
    lines += [invoices.InvoiceLine(p.name, 1, money(p.price + p.setup_fee), p.id) for p in packages]
    return lines


def _recurring(plan: Product, packages: list[Product], code) -> Decimal:
    extra = sum(
        (price_per_period(p.price, p.billing_period, plan.billing_period) for p in packages),
        ZERO,
    )
    return money(plan_recurring_price(plan, code) + extra)
