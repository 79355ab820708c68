"""A visitor signs up on the network's /signup/ page, logs in to the new site and finds the
pending membership and its first invoice on the Account page."""

import uuid

import pytest

from sidecar.domain.catalog_demo import seed_demo_catalog
from sidecar.wp_bridge.tables.users import find_users_by_email

from ..billing_fixtures import reset_customer
from .conftest import log_in

pytestmark = pytest.mark.e2e


def test_sign_up_then_account(new_page, network, wpdb, created, sidecar_url):
    seed_demo_catalog(wpdb)
    name = f"e{uuid.uuid4().hex[:8]}"
    page = new_page()
    page.goto(f"{network['url'].rstrip('/')}/signup/")
    page.check("text=Business")
    page.fill("#signup-site-path", name)
    page.fill("#signup-site-title", "Zoë's Flowers")
    page.fill("#signup-username", name)
    page.fill("#signup-email", f"{name}@example.test")
    page.fill("#signup-password", "a long password")
    page.fill("#signup-password-again", "a long password")
    page.click("#signup-submit")
    page.wait_for_selector("#signup-done")
    number = page.inner_text("[data-field=membership-number]")
    (user,) = find_users_by_email(wpdb, f"{name}@example.test")
    created["users"].append(user.id)
    created["blogs"].append(
        wpdb.fetch_value("SELECT blog_id FROM wp_blogs WHERE path = %s", (f"/{name}/",))
    )
    try:
        site_url = page.get_attribute("[data-field=site-url]", "href")
        log_in(page, site_url, name, "a long password")
        page.click("#adminmenu >> text=Account")
        page.wait_for_selector("#sidecar-membership")
        assert page.inner_text("[data-field=membership-number]") == number
        assert page.inner_text("[data-field=membership-status]") == "Pending"
        assert page.inner_text("[data-field=site-name]") == "Zoë's Flowers"
        assert page.locator("#sidecar-invoices tr[data-invoice]").count() == 1
    finally:
        reset_customer(wpdb, user.id)
