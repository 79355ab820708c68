"""A customer in real wp-admin: changes the password on Account (stays logged in), logs out
and back in with the new one; then deletes the site after the confirmation."""

import os

import pytest

from sidecar.wp_bridge.tables.sites import get_site

from ..security_fixtures import forget_customer, new_customer
from .conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def carol(network, created, wpdb):
    customer = new_customer(network, created, tag="web")
    yield customer
    forget_customer(wpdb, customer["user_id"])


def open_account(page, customer, password):
    log_in(page, customer["site_url"], customer["login"], password)
    page.click("#adminmenu >> text=Account")
    page.wait_for_selector("#sidecar-password")


def test_change_password_then_delete_site(new_page, carol, sidecar_url, wpdb):
    page = new_page()
    open_account(page, carol, carol["password"])
    if os.environ.get("SIDECAR_SCREENSHOTS"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.locator("#sidecar-password").screenshot(
            path=os.environ["SIDECAR_SCREENSHOTS"] + "/password.png"
        )
        page.locator("#sidecar-danger-zone").screenshot(
            path=os.environ["SIDECAR_SCREENSHOTS"] + "/danger.png"
        )

    new = "a new and long password"
    page.fill("#sidecar-current_password", carol["password"])
    page.fill("#sidecar-new_password", new)
    page.fill("#sidecar-new_password_again", new)
    page.click("#sidecar-password-save")
    page.wait_for_selector("text=Your password was changed.")
    assert "page=sidecar-account" in page.url  # still logged in, on the Account page

    page.goto(page.get_attribute("#wp-admin-bar-logout a", "href"))
    page.wait_for_selector("#loginform")
    page.fill("#user_login", carol["login"])
    page.fill("#user_pass", carol["password"])
    page.click("#wp-submit")
    page.wait_for_selector("#login_error")
    open_account(page, carol, new)

    button = page.locator("#sidecar-delete-site-button")
    assert button.is_disabled()
    page.check("#sidecar-delete-site input[name=confirm_site]")
    assert button.is_enabled()
    page.fill("#sidecar-site_name", carol["site_title"])
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    button.click()
    page.wait_for_selector("text=Your site was deleted.")
    assert carol["site_title"] in dialogs[0] and "cannot be undone" in dialogs[0]
    assert "sidecar_notice=site-deleted" in page.url
    assert get_site(wpdb, carol["blog_id"]) is None


def test_dismissing_the_confirmation_keeps_the_site(new_page, carol, sidecar_url, wpdb):
    page = new_page()
    open_account(page, carol, carol["password"])
    page.check("#sidecar-delete-site input[name=confirm_site]")
    page.fill("#sidecar-site_name", carol["site_title"])
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#sidecar-delete-site-button")
    page.wait_for_timeout(500)
    assert "page=sidecar-account" in page.url
    assert get_site(wpdb, carol["blog_id"]) is not None
