# ruff: noqa: F811  (pytest fixtures imported from template_fixtures are used as arguments)
"""In real wp-admin: a customer opens Account → Change Site Template, chooses the Bakery
template, confirms with the toggle and Process Switch, follows the progress page until it says
the site uses the new template, and sees the template's content on her front end; Restore
previous site then brings her own content back. The network admin sees the Templates tab."""

import os
from pathlib import Path

import pytest

from ..template_fixtures import (  # noqa: F401  (fixtures)
    BAKERY_POST,
    CAROL_POST,
    template_world,
    templating,
)
from .conftest import log_in

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("SIDECAR_SCREENSHOTS", "")
SWITCH_SECONDS = 120_000


def shot(page, name: str) -> None:
    """Save a full-page screenshot when SIDECAR_SCREENSHOTS names a folder."""
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def front_page_text(page, url: str) -> str:
    page.goto(url)
    return page.inner_text("body")


def test_customer_switches_template_sees_it_and_restores(
    new_page, network, sidecar_url, templating
):
    t = templating
    carol = t.world.carol
    site_url = carol["site_url"].rstrip("/") + "/"

    visitor = new_page()
    before = front_page_text(visitor, site_url)
    assert CAROL_POST in before and BAKERY_POST not in before

    page = new_page()
    log_in(page, site_url, carol["login"], carol["password"])
    page.click("#adminmenu >> text=Account")
    block = page.wait_for_selector("#sidecar-templates")
    assert "Change Site Template" in block.inner_text()
    assert page.locator(f'[data-template="{t.world.studio}"]').count() == 0  # Not Available
    shot(page, "account-change-site-template")
    page.click(f'[data-template="{t.world.bakery}"] [data-action=choose-template]')

    page.wait_for_selector("#sidecar-template-confirm")
    assert page.is_disabled("#sidecar-process-switch-button")
    page.check("input[name=confirm]")
    assert page.is_enabled("#sidecar-process-switch-button")
    shot(page, "account-template-confirm")
    page.click("#sidecar-process-switch-button")

    page.wait_for_selector("#sidecar-template-progress")
    assert page.locator("#sidecar-steps li").count() == 7
    page.wait_for_selector("text=Your site now uses the new template.", timeout=SWITCH_SECONDS)
    assert page.locator("#sidecar-steps li.is-done").count() == 7
    shot(page, "account-template-done")

    after = front_page_text(visitor, site_url)
    assert BAKERY_POST in after and CAROL_POST not in after

    page.click("#sidecar-back-to-account")
    page.wait_for_selector("[data-field=current-template]")
    assert "Bakery" in page.inner_text("[data-field=current-template]")
    page.click("#sidecar-restore-previous")
    page.wait_for_selector("#sidecar-template-undo-confirm")
    assert page.is_disabled("#sidecar-process-undo-button")
    page.check("input[name=confirm]")
    page.click("#sidecar-process-undo-button")
    page.wait_for_selector("text=Your previous site is back.", timeout=SWITCH_SECONDS)
    shot(page, "account-template-restored")

    restored = front_page_text(visitor, site_url)
    assert CAROL_POST in restored and BAKERY_POST not in restored


def test_network_admin_sees_the_templates_tab(new_page, network, sidecar_url, templating):
    t = templating
    admin = new_page()
    log_in(admin, network["url"], network["admin"]["login"], network["admin"]["password"])
    admin.goto(f"{network['url'].rstrip('/')}/wp-admin/network/admin.php?page=sidecar-network")
    admin.click("a.nav-tab >> text=Templates")
    admin.wait_for_selector("#sidecar-templates-list")
    assert admin.locator(f'tr[data-template="{t.world.bakery}"]').count() == 1
    assert admin.is_checked("#sidecar-allow-switching")
    shot(admin, "network-templates")
    admin.click('tr[data-plan="business"] [data-action=plan-settings]')
    admin.wait_for_selector("#sidecar-plan-templates")
    row = admin.locator(f'tr[data-template="{t.world.studio}"]')
    row.locator('input[value="1"]').check()
    admin.click("#sidecar-plan-templates-save")
    admin.wait_for_selector("text=The plan's template settings were saved.")


def test_signup_shows_the_chosen_plans_templates_only(new_page, network, sidecar_url, templating):
    t = templating
    page = new_page()
    page.goto(f"{network['url'].rstrip('/')}/signup/")
    page.check("text=Business")
    bakery = page.locator(f'#signup-templates [data-template="{t.world.bakery}"]')
    assert bakery.is_visible() and bakery.locator("input").is_checked()  # pre-selected
    assert page.locator(f'[data-template="{t.world.studio}"]').count() == 0  # Not Available
    page.check("text=Starter")  # a plan without templates: no design step
    assert page.locator("#signup-templates").is_hidden()
    page.check("text=Business")
    assert page.locator("#signup-templates").is_visible()
