"""Fixtures for the custom-domain tests on the real network: a real DNS server on loopback,
domain mapping switched on with that server as the resolver, and alice on the Business plan
with custom domains allowed. Everything a test adds (domains, settings, the plan flag) is
removed afterwards so other tests see the network as it was."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sidecar.context import Clients
from sidecar.domain import catalog, domains
from sidecar.domain.events import SYSTEM
from sidecar.store import domain_settings as settings_store
from sidecar.wp_bridge import WordPress
from sidecar.wp_bridge.db import connect

from .billing_fixtures import fresh_membership
from .dns_server import LoopbackDns

TARGET_IP = "198.51.100.7"
CNAME_TARGET = "sites.network.test"
ELSEWHERE_IP = "203.0.113.9"
INSTRUCTIONS = (
    "Bakery test instructions: point your domain at {ipv4} or {cname}.\n\n"
    "- Add a **TXT** record named {txt_name}."
)


@dataclass
class Mapping:
    """What the ``mapping`` fixture set up."""

    wp: WordPress
    zone: object
    alice: dict
    bob: dict
    products: dict

    def point_here(self, name: str, *, proof: str | None = None) -> None:
        """DNS: ``name`` A → the network; with ``proof`` also the TXT record."""
        self.zone.add(name, "A", TARGET_IP)
        if proof:
            self.zone.add(f"_sidecar-challenge.{name}", "TXT", proof)


@pytest.fixture(scope="session")
def dns():
    server = LoopbackDns()
    yield server
    server.stop()


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
def mapping(bridge, dns, customers, settings):
    """Mapping on (targets 198.51.100.7 and sites.network.test, TXT required, resolver = the
    loopback DNS server), alice on Business (3 domains) with custom domains allowed."""
    db, network_id = bridge.db, bridge.network_id
    saved = settings_store.get(db, network_id)
    settings_store.save(db, network_id, enabled_settings(dns))
    alice, bob = customers["alice"], customers["bob"]
    products, _, _ = fresh_membership(db, alice, "business")
    plan = catalog.get_product(db, products["business"])
    catalog.update_product(db, {"id": plan.id, "allow_custom_domains": True}, SYSTEM)
    dns.zone.clear()
    try:
        yield Mapping(bridge, dns.zone, alice, bob, products)
    finally:
        dns.zone.clear()
        for customer in (alice, bob):
            domains.remove_for_site(bridge, customer["blog_id"])
        update = {"id": plan.id, "allow_custom_domains": plan.allow_custom_domains}
        catalog.update_product(db, update, SYSTEM)
        if saved:
            settings_store.save(db, network_id, saved)
        else:
            settings_store.delete(db, network_id)


def enabled_settings(dns, **changes) -> dict:
    """A settings row with mapping on and the loopback resolver."""
    return {
        "enabled": 1,
        "instructions": INSTRUCTIONS,
        "addresses": TARGET_IP,
        "cname_target": CNAME_TARGET,
        "txt_required": 1,
        "resolver": dns.resolver_setting,
        "https_check": 0,
        **changes,
    }


def map_directly(wp: WordPress, blog_id: int, name: str, *, status="verified", primary=True):
    """Store a domain for a site without the customer's rules (e.g. for bob, who has no plan
    with domains); returns it."""
    from datetime import datetime

    from sidecar.store import domains as store

    domain_id = store.insert(
        wp.db,
        {
            "network_id": wp.network_id,
            "blog_id": blog_id,
            "domain": name,
            "is_primary": 0,
            "token": "sc-direct",
            "next_check_at": None,
        },
    )
    if primary:
        store.set_primary(wp.db, blog_id, domain_id)
    now = datetime.utcnow().replace(microsecond=0)
    store.save_check(
        wp.db,
        domain_id,
        {
            "status": status,
            "last_error": "",
            "attempts": 0,
            "checked_at": now,
            "next_check_at": None,
            "verified_at": now if status in ("verified", "https-ok") else None,
        },
    )
    domains.forget_routes(wp, blog_id, [name])
    return domains.get_domain(wp, domain_id)
