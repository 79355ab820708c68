"""Scheduled membership work: renewal invoices, expiry of unpaid memberships, cancellations
at period end. Each function handles one batch and returns what it changed, so the jobs
process can loop until nothing is left and report."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..store import customers as customer_store
from ..store import memberships as store
from ..wp_bridge.db import Database
from . import catalog, invoices
from .billing import invoice_membership
from .billing_context import BillingContext
from .events import SYSTEM, Actor
from .memberships import Membership, from_row, save
from .money import ZERO

BATCH = 200


def issue_due_renewals(
    db: Database, ctx: BillingContext, now: datetime, days_before: int
) -> list[invoices.Invoice]:
    """Issue the renewal invoice of every active membership whose period ends within
    ``days_before`` days (once per period). Credit from earlier plan changes is taken off."""
    rows = store.due_for_renewal(db, now + timedelta(days=days_before), BATCH)
    return [_renew(db, ctx, from_row(db, row), SYSTEM) for row in rows]


def _renew(db: Database, ctx: BillingContext, membership: Membership, actor: Actor):
    with db.transaction():
        lines = _renewal_lines(db, membership)
        subtotal = sum((line.unit_price * line.quantity for line in lines), ZERO)
        credit_used = min(membership.credit, subtotal)
        if credit_used > 0:
            lines.append(
                invoices.InvoiceLine("Credit from an earlier plan change", 1, -credit_used)
            )
            save(
                db,
                membership,
                {"credit": membership.credit - credit_used},
                actor,
                "membership.credit_used",
            )
        customer = customer_store.get(db, membership.customer_id)
        return invoice_membership(db, ctx, membership, customer, actor, "renewal", lines)


def _renewal_lines(db: Database, membership: Membership) -> list[invoices.InvoiceLine]:
    plan = catalog.get_product(db, membership.plan_id)
    packages_total = sum((p.price * p.quantity for p in membership.packages), ZERO)
    period = "year" if membership.billing_period == "year" else "month"
    lines = [
        invoices.InvoiceLine(
            f"{plan.name} — renewal (1 {period})",
            1,
            membership.recurring_amount - packages_total,
            plan.id,
        )
    ]
    for package in membership.packages:
        product = catalog.get_product(db, package.product_id)
        lines.append(
            invoices.InvoiceLine(product.name, package.quantity, package.price, product.id)
        )
    return lines


def expire_overdue(db: Database, now: datetime, grace_days: int) -> list[Membership]:
    """Mark Expired every active or on-hold membership unpaid for ``grace_days`` after its
    period ended, and return them. This is the one function the limits work calls to learn
    which sites to suspend."""
    rows = store.overdue(db, now - timedelta(days=grace_days), BATCH)
    expired = []
    for row in rows:
        with db.transaction():
            membership = from_row(db, row)
            expired.append(
                save(db, membership, {"status": "expired"}, SYSTEM, "membership.expired")
            )
    return expired


def apply_scheduled_cancellations(db: Database, now: datetime) -> list[Membership]:
    """Cancel the memberships set to end at period end whose period has ended."""
    rows = store.ending_cancellations(db, now, BATCH)
    cancelled = []
    for row in rows:
        with db.transaction():
            membership = from_row(db, row)
            cancelled.append(
                save(
                    db,
                    membership,
                    {"status": "cancelled", "cancelled_at": now},
                    SYSTEM,
                    "membership.cancelled",
                )
            )
    return cancelled
