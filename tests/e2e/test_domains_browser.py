# ruff: noqa: F811  (pytest fixtures imported from domain_fixtures are used as arguments)
"""In real wp-admin: the network admin writes the Add New Domain Instructions in Network Admin
→ Sidecar → Domains → Settings; alice adds a domain through both steps (instructions → Next
Step → domain + primary → Add Domain), sees the admin's text, the status in plain words and
the TXT record, and after DNS is right, Check now makes it Active."""

import os
from pathlib import Path

import pytest

from ..domain_fixtures import (  # noqa: F401  (fixtures)
    TARGET_IP,
    bridge,
    committed,
    dns,
    mapping,
)
from .conftest import log_in

pytestmark = pytest.mark.e2e
ADMIN_TEXT = "Browser test: ask your registrar to point {cname} here.\n\n- A record: {ipv4}"
SHOTS = os.environ.get("SIDECAR_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    """Save a full-page screenshot when SIDECAR_SCREENSHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_admin_sets_instructions_and_alice_adds_a_domain(new_page, network, sidecar_url, mapping):
    admin = new_page()
    log_in(admin, network["url"], network["admin"]["login"], network["admin"]["password"])
    admin.goto(f"{network['url'].rstrip('/')}/wp-admin/network/admin.php?page=sidecar-network")
    admin.click("a.nav-tab >> text=Domains")
    admin.click("#sidecar-domain-settings-link")
    admin.fill("#sidecar-instructions", ADMIN_TEXT)
    admin.click("#sidecar-domain-settings-save")
    admin.wait_for_selector("text=The domain settings were saved.")
    shot(admin, "network-domain-settings")

    alice = new_page()
    customer = mapping.alice
    log_in(alice, customer["site_url"], customer["login"], customer["password"])
    alice.click("#adminmenu >> text=Account")
    alice.wait_for_selector("#sidecar-domains")
    alice.click("#sidecar-add-domain")
    instructions = alice.inner_text("[data-field=instructions]")
    assert "Browser test: ask your registrar to point sites.network.test here." in instructions
    assert f"A record: {TARGET_IP}" in instructions
    shot(alice, "account-add-domain-step-1")
    alice.click("#sidecar-domain-next")
    alice.fill("#sidecar-domain", "bakery_shop.example")
    alice.click("#sidecar-domain-add")
    alice.wait_for_selector("#sidecar-domain-error")
    assert "Underscores (_) are not allowed" in alice.inner_text("#sidecar-domain-error")
    assert alice.input_value("#sidecar-domain") == "bakery_shop.example"
    shot(alice, "account-add-domain-refused")
    alice.fill("#sidecar-domain", "https://Bakery.Example/")
    assert alice.is_checked("#sidecar-domain-primary")
    shot(alice, "account-add-domain-step-2")
    alice.click("#sidecar-domain-add")
    alice.wait_for_selector("#sidecar-domains-notice")

    row = alice.locator('tr[data-domain="bakery.example"]')
    assert row.locator("[data-field=domain-status]").inner_text() == "Waiting for DNS"
    assert row.locator("[data-field=primary]").inner_text() == "Primary"
    assert row.locator("[data-field=txt-name]").inner_text() == "_sidecar-challenge.bakery.example"
    token = row.locator("[data-field=txt-value]").inner_text()
    assert token.startswith("sc-")
    shot(alice, "account-domains-pending")

    mapping.point_here("bakery.example", proof=token)
    row.locator("[data-action=check]").click()
    alice.wait_for_selector("text=The domain was checked just now.")
    row = alice.locator('tr[data-domain="bakery.example"]')
    assert row.locator("[data-field=domain-status]").inner_text() == "Active"
    shot(alice, "account-domains-active")

    admin.click("a.nav-tab >> text=Domains")
    admin.wait_for_selector('#sidecar-all-domains tr[data-domain="bakery.example"]')
    assert "Active" in admin.inner_text('tr[data-domain="bakery.example"]')
    shot(admin, "network-domains-list")
