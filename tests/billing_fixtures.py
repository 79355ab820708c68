"""Helpers for tests that need committed billing data on the test network: the demo catalog,
and a fresh paid membership for a customer (everything of theirs removed first)."""

from __future__ import annotations

from sidecar.domain.billing import settle_invoice
from sidecar.domain.billing_context import BillingContext
from sidecar.domain.catalog_demo import seed_demo_catalog
from sidecar.domain.clock import utcnow
from sidecar.domain.customers import ensure_customer
from sidecar.domain.events import SYSTEM
from sidecar.domain.membership_start import Order, start_membership
from sidecar.domain.memberships import get_membership
from sidecar.wp_bridge.db import Database
from sidecar.wp_bridge.tables.users import get_user

CTX = BillingContext(network_id=1, tax_rate=0, due_days=14, seller={"name": "Test network"})


def reset_customer(db: Database, user_id: int) -> None:
    """Delete a customer's memberships, packages, invoices, lines and payments."""
    row = db.fetch_one("SELECT id FROM wp_sidecar_customers WHERE user_id = %s", (user_id,))
    if row is None:
        return
    customer_id = row["id"]
    db.execute(
        "DELETE p FROM wp_sidecar_payments p JOIN wp_sidecar_invoices i ON i.id = p.invoice_id"
        " WHERE i.customer_id = %s",
        (customer_id,),
    )
    db.execute(
        "DELETE l FROM wp_sidecar_invoice_lines l JOIN wp_sidecar_invoices i"
        " ON i.id = l.invoice_id WHERE i.customer_id = %s",
        (customer_id,),
    )
    db.execute("DELETE FROM wp_sidecar_invoices WHERE customer_id = %s", (customer_id,))
    db.execute(
        "DELETE mp FROM wp_sidecar_membership_packages mp JOIN wp_sidecar_memberships m"
        " ON m.id = mp.membership_id WHERE m.customer_id = %s",
        (customer_id,),
    )
    db.execute("DELETE FROM wp_sidecar_memberships WHERE customer_id = %s", (customer_id,))


def fresh_membership(db: Database, customer: dict, plan_slug: str = "business", *, paid=True):
    """Give a test customer (from network.json) a new membership on ``plan_slug``."""
    products = seed_demo_catalog(db)
    reset_customer(db, customer["user_id"])
    row = ensure_customer(db, get_user(db, customer["user_id"]))
    db.execute(
        "UPDATE wp_sidecar_customers SET billing_name = %s, billing_address_1 = 'Main 1',"
        " billing_city = 'Gent', billing_postcode = '9000', billing_country = 'BE'"
        " WHERE id = %s",
        (customer["login"].title(), row["id"]),
    )
    row = ensure_customer(db, get_user(db, customer["user_id"]))
    membership, invoice = start_membership(
        db,
        Order(products[plan_slug]),
        customer=row,
        blog_id=customer["blog_id"],
        ctx=CTX,
        actor=SYSTEM,
        now=utcnow(),
    )
    if paid:
        invoice = settle_invoice(db, invoice.id, SYSTEM)
        membership = get_membership(db, membership.id)
    return products, membership, invoice
