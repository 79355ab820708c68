"""Memberships: a customer's plan (+ packages) for a site, its number, amounts and lifecycle.

Statuses: ``pending`` (signed up, first invoice unpaid) → ``active`` (paid period running) →
``expired`` (unpaid past the grace period) or ``cancelled``; ``on_hold`` is set by an admin.
``times_billed`` counts paid billing cycles (the first payment and each renewal).
Changes are optimistic: each names the ``version`` it was shown, so of two concurrent changes
exactly one applies and the other gets a Conflict.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext, lazy_gettext

from ..errors import Conflict, NotFound
from ..store import membership_packages as package_store
from ..store import memberships as store
from ..wp_bridge.db import Database, Row
from . import discounts
from .events import Actor, record
from .money import ZERO, money

STATUSES = ("pending", "active", "on_hold", "expired", "cancelled")
PERIOD_LABELS = {
    "month": lazy_gettext("Monthly"),
    "year": lazy_gettext("Yearly"),
    "once": lazy_gettext("One-time"),
}
_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U


@dataclass(frozen=True)
class MembershipPackage:
    product_id: int
    quantity: int
    price: Decimal


@dataclass(frozen=True)
class Membership:
    id: int
    number: str
    customer_id: int
    blog_id: int | None
    plan_id: int
    status: str
    currency: str
    initial_amount: Decimal
    recurring_amount: Decimal
    billing_period: str
    times_billed: int
    credit: Decimal
    discount_code_id: int | None
    cancel_at_period_end: bool
    created_at: datetime
    renewed_at: datetime | None
    expires_at: datetime | None
    cancelled_at: datetime | None
    version: int
    packages: tuple[MembershipPackage, ...] = ()

    @property
    def period_start(self) -> datetime | None:
        """Start of the current paid period (None before the first payment)."""
        if self.expires_at is None or self.billing_period == "once":
            return None
        return previous_period_start(self.expires_at, self.billing_period)


def from_row(db: Database, row: Row) -> Membership:
    """Build a Membership (with its packages) from a table row."""
    packages = tuple(
        MembershipPackage(int(p["product_id"]), int(p["quantity"]), p["price"])
        for p in package_store.for_membership(db, row["id"])
    )
    fields = {k: row[k] for k in Membership.__dataclass_fields__ if k != "packages"}
    fields["cancel_at_period_end"] = bool(fields["cancel_at_period_end"])
    return Membership(**fields, packages=packages)


def new_number(db: Database) -> str:
    """A membership number people can read out (``MB-7K3Q-9XD2``): 40 random bits, so it can
    be neither guessed nor derived from the row id. Retries on the (unlikely) collision."""
    for _ in range(10):
        raw = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))
        number = f"MB-{raw[:4]}-{raw[4:]}"
        if not store.number_exists(db, number):
            return number
    raise Conflict(gettext("Could not allocate a membership number; please try again."))


def get_membership(db: Database, membership_id: int, *, for_update: bool = False) -> Membership:
    """Return one membership. Raises NotFound."""
    row = store.get(db, membership_id, for_update=for_update)
    if row is None:
        raise NotFound(gettext("No such membership."))
    return from_row(db, row)


def membership_for_site(db: Database, blog_id: int) -> Membership | None:
    """Return the membership of a site, or None when it has none."""
    row = store.find_by_blog(db, blog_id)
    return from_row(db, row) if row else None


def list_memberships(
    db: Database, *, status: str | None = None, after_id: int = 0, limit: int = 50
) -> list[Membership]:
    """Return a page of memberships in id order, optionally of one status."""
    rows = store.list_page(db, status=status, after_id=after_id, limit=limit)
    return [from_row(db, row) for row in rows]


def insert_membership(db: Database, values: dict, actor: Actor) -> Membership:
    """Insert a new membership (``values`` are its columns) and record the event."""
    membership_id = store.insert(db, {"number": new_number(db), **values})
    membership = get_membership(db, membership_id)
    record(db, actor, "membership", membership_id, "membership.created", None, membership)
    return membership


def save(
    db: Database, membership: Membership, changes: dict, actor: Actor, action: str
) -> Membership:
    """Apply ``changes`` if nobody changed the membership since ``membership.version``; record
    the event. Raises Conflict otherwise."""
    if not store.update(db, membership.id, membership.version, changes):
        raise Conflict(
            gettext("This membership was changed in the meantime. Please review it and try again.")
        )
    after = replace(membership, **changes, version=membership.version + 1)
    record(db, actor, "membership", membership.id, action, membership, after)
    return after


def next_period_end(start: datetime, period: str) -> datetime | None:
    """The end of a billing period starting at ``start`` (None for one-time billing)."""
    if period == "month":
        return _add_months(start, 1)
    if period == "year":
        return _add_months(start, 12)
    return None


def previous_period_start(end: datetime, period: str) -> datetime:
    """The start of the period that ends at ``end``."""
    return _add_months(end, -1 if period == "month" else -12)


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, _days_in_month(year, month))
    return moment.replace(year=year, month=month, day=day)


def _days_in_month(year: int, month: int) -> int:
    first_next = datetime(year + month // 12, month % 12 + 1, 1)
    return (first_next - timedelta(days=1)).day


def price_per_period(price: Decimal, product_period: str, membership_period: str) -> Decimal:
    """A recurring price restated for the membership's period (monthly ×12 for a yearly
    membership, yearly ÷12 for a monthly one). One-time prices are not recurring: 0."""
    if product_period == "once":
        return ZERO
    if product_period == membership_period or membership_period == "once":
        return money(price)
    return money(price * 12) if membership_period == "year" else money(price / 12)


def plan_recurring_price(plan, code) -> Decimal:
    """A plan's price per its own period, less ``code``'s discount when the code applies to
    renewals (a first-payment-only code discounts nothing here)."""
    price = price_per_period(plan.price, plan.billing_period, plan.billing_period)
    if code is not None:
        price -= discounts.discount_for(code, price, renewal=True)
    return money(price)


def after_payment(
    db: Database, membership_id: int, reason: str, now: datetime, actor: Actor
) -> None:
    """React to a paid invoice: a sign-up or renewal payment starts (or extends) the paid
    period and counts as one more billing cycle. Other payments change nothing here."""
    if reason not in ("signup", "renewal"):
        return
    membership = get_membership(db, membership_id, for_update=True)
    start = membership.expires_at if reason == "renewal" and membership.expires_at else now
    start = max(start, now) if membership.status in ("expired", "pending") else start
    save(
        db,
        membership,
        {
            "status": "active",
            "times_billed": membership.times_billed + 1,
            "renewed_at": now,
            "expires_at": next_period_end(start, membership.billing_period),
        },
        actor,
        f"membership.paid_{reason}",
    )
