"""Customers click **Account** in their real wp-admin and see their own site — and only that."""

import pytest

from .conftest import log_in

pytestmark = pytest.mark.e2e


def open_account(page, customer):
    log_in(page, customer["site_url"], customer["login"], customer["password"])
    page.click("#adminmenu >> text=Account")
    page.wait_for_selector("#sidecar-about-site")


def test_alice_sees_her_site_and_email(new_page, customers, sidecar_url):
    alice = customers["alice"]
    page = new_page()
    open_account(page, alice)
    assert page.inner_text("[data-field=site-name]") == alice["site_title"]
    assert page.inner_text("[data-field=owner-email]") == alice["email"]
    assert "page=sidecar-account" in page.url


def test_bob_sees_only_his_own(new_page, customers, sidecar_url):
    alice, bob = customers["alice"], customers["bob"]
    page = new_page()
    open_account(page, bob)
    assert page.inner_text("[data-field=site-name]") == bob["site_title"]
    assert page.inner_text("[data-field=owner-email]") == bob["email"]
    assert alice["email"] not in page.content()

    page.goto(f"{alice['site_url'].rstrip('/')}/wp-admin/admin.php?page=sidecar-account")
    assert alice["email"] not in page.content()
    assert page.locator("#sidecar-about-site").count() == 0  # WordPress refused; no fragment


def test_super_admin_sees_the_sidecar_menu_in_network_admin(
    new_page, network, customers, sidecar_url
):
    page = new_page()
    log_in(page, network["url"], network["admin"]["login"], network["admin"]["password"])
    page.goto(f"{network['url'].rstrip('/')}/wp-admin/network/")
    page.click("#adminmenu >> text=Sidecar")
    page.wait_for_selector("table.wp-list-table")
    assert customers["alice"]["site_title"] in page.inner_text("table.wp-list-table")

    page.click("a.nav-tab >> text=API keys")
    page.fill("#sidecar-key-name", "browser test key")
    page.click("button >> text=Create key")
    key = page.inner_text("[data-field=new-key]")
    assert key.startswith("sk_")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has_text="browser test key").locator("button", has_text="Revoke").click()
    page.wait_for_selector("text=The key was revoked.")
