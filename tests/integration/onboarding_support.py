"""Fixtures for the onboarding tests: a committed connection, the WordPress bridge, the demo
plans, and the removal of every sidecar row a test made (templates, webhooks, memberships and
invoices of new customers) — the WordPress users and sites go through ``created``."""

from __future__ import annotations

import pytest

from sidecar.context import Clients
from sidecar.domain import onboarding, webhooks
from sidecar.domain.catalog_demo import seed_demo_catalog
from sidecar.domain.events import SYSTEM
from sidecar.store import onboarding_templates
from sidecar.wp_bridge import WordPress
from sidecar.wp_bridge.db import Database, connect

NET = 1


@pytest.fixture
def committed(settings, migrated):
    conn = connect(settings.database)
    yield conn
    conn.close()


@pytest.fixture
def bridge(settings, committed) -> WordPress:
    clients = Clients(settings)
    return WordPress(committed, clients.rest, clients.shim, settings.wordpress.network_id)


@pytest.fixture
def plans(committed) -> dict:
    return seed_demo_catalog(committed)


@pytest.fixture
def made(committed):
    """Ids a test made: ``templates``, ``webhooks``, ``customers`` (deleted afterwards)."""
    ids = {"templates": [], "webhooks": [], "customers": []}
    yield ids
    remove_customers(committed, ids["customers"])
    for template_id in ids["templates"]:
        onboarding_templates.delete(committed, template_id)
    for webhook_id in ids["webhooks"]:
        webhooks.delete_webhook(committed, NET, webhook_id, SYSTEM)


def remove_customers(db: Database, customer_ids: list[int]) -> None:
    """Delete new customers' sidecar rows: memberships, their invoices (to whoever was
    billed), payers, snapshots, webhook links, the customer row."""
    for customer_id in customer_ids:
        for row in db.fetch_all(
            "SELECT id FROM wp_sidecar_memberships WHERE customer_id = %s", (customer_id,)
        ):
            mid = row["id"]
            db.execute(
                "DELETE l FROM wp_sidecar_invoice_lines l JOIN wp_sidecar_invoices i"
                " ON i.id = l.invoice_id WHERE i.membership_id = %s",
                (mid,),
            )
            db.execute("DELETE FROM wp_sidecar_invoices WHERE membership_id = %s", (mid,))
            db.execute("DELETE FROM wp_sidecar_membership_payers WHERE membership_id = %s", (mid,))
            db.execute("DELETE FROM wp_sidecar_memberships WHERE id = %s", (mid,))
        for name in ("customer_onboarding", "customer_webhooks"):
            db.execute(f"DELETE FROM wp_sidecar_{name} WHERE customer_id = %s", (customer_id,))
        db.execute("DELETE FROM wp_sidecar_customers WHERE id = %s", (customer_id,))


def make_template(db: Database, made: dict, **fields) -> dict:
    form = {"name": f"T{len(made['templates'])}-{id(made)}", "managers": [], **fields}
    template = onboarding.create_template(db, NET, form, SYSTEM)
    made["templates"].append(template["id"])
    return template
