"""Customer A, in real wp-admin: upgrades from Account, sees the new limits and a new invoice,
buys a package, updates the billing address, downloads an invoice PDF (a real PDF)."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from sidecar.wp_bridge.db import connect

from ..billing_fixtures import fresh_membership
from .conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def alice_on_starter(settings, migrated, customers):
    db = connect(settings.database)
    _, membership, _ = fresh_membership(db, customers["alice"], "starter")
    db.close()
    return membership


def open_account(page, customer):
    log_in(page, customer["site_url"], customer["login"], customer["password"])
    page.click("#adminmenu >> text=Account")
    page.wait_for_selector("#sidecar-membership")


def test_upgrade_package_address_and_pdf(new_page, customers, sidecar_url, alice_on_starter):
    alice = customers["alice"]
    page = new_page()
    open_account(page, alice)
    assert page.inner_text("[data-field=plan-name]").startswith("Starter")
    assert page.inner_text("[data-limit=posts]") == "50 posts"
    invoices_before = page.locator("#sidecar-invoices tr[data-invoice]").count()

    page.click("#sidecar-change")
    page.click("tr[data-plan=business] >> text=Choose Business")
    page.wait_for_selector("#sidecar-change-summary")
    assert "To pay now" in page.inner_text("#sidecar-change-summary")
    page.click("#sidecar-confirm-change")
    page.wait_for_selector("#sidecar-notice")
    assert page.inner_text("[data-field=plan-name]").startswith("Business")
    assert page.inner_text("[data-limit=posts]") == "500 posts"
    assert page.locator("#sidecar-invoices tr[data-invoice]").count() == invoices_before + 1

    page.click("#sidecar-change")
    page.click("tr[data-package=extra-5-gb-disk] >> text=Buy")
    page.click("#sidecar-confirm-package")
    page.wait_for_selector("#sidecar-notice")
    assert "Extra 5 GB disk" in page.inner_text("[data-field=packages]")
    assert page.inner_text("[data-field=plan-name]").startswith("Business")
    assert page.inner_text("[data-limit=disk_mb]") == "10,120 MB"

    page.click("#sidecar-billing-update")
    page.fill("#sidecar-billing_name", "Zoë Ångström")
    page.fill("#sidecar-billing_address_1", "Veldstraat 10")
    page.fill("#sidecar-billing_city", "Gent")
    page.fill("#sidecar-billing_postcode", "9000")
    page.select_option("#sidecar-billing_country", "BE")
    page.click("#sidecar-billing-save")
    page.wait_for_selector("#sidecar-notice")
    assert "Zoë Ångström" in page.inner_text("[data-field=billing-address]")

    with page.expect_download() as download_info:
        page.locator("#sidecar-invoices tr[data-invoice]").first.locator("text=PDF").click()
    pdf_bytes = Path(download_info.value.path()).read_bytes()
    assert pdf_bytes.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert "INV-" in text
