"""The network admin, in real Network Admin: filters the customers grid, saves the view,
reloads and still sees it, exports CSV and XLSX through the shim (the files parse and hold
exactly the filtered rows), then assigns a group to every row of the page."""

import csv
import io
import uuid
from pathlib import Path

import openpyxl
import pytest

from sidecar.store import customers as customer_store
from sidecar.wp_bridge.db import connect

from ..security_fixtures import shim_client
from .conftest import log_in

pytestmark = pytest.mark.e2e

TAG = f"cusb{uuid.uuid4().hex[:6]}"


@pytest.fixture
def database(settings, migrated):
    db = connect(settings.database)
    yield db
    db.close()


@pytest.fixture
def tagged(network, created, database):
    """Three tagged customers (two in NL, one in DE) and a group to assign."""
    shim = shim_client(network)
    ids = {}
    for key, country in (("nl1", "NL"), ("nl2", "NL"), ("de1", "DE")):
        login = f"{TAG}{key}"
        name = f"Zoë Ångström {TAG} {key}"
        user_id = shim.create_user(login, f"{login}@example.test", f"pw {login} 123", name)
        created["users"].append(user_id)
        ids[key] = customer_store.insert(database, user_id, {"billing_name": name})
        customer_store.update_fields(database, ids[key], {"country": country})
    group = database.insert(
        "INSERT INTO wp_sidecar_customer_groups (name, created_at) VALUES (%s, UTC_TIMESTAMP())",
        (f"{TAG} Partners",),
    )
    yield ids, group
    database.execute(
        "DELETE FROM wp_sidecar_customers WHERE id IN (%s, %s, %s)", tuple(ids.values())
    )
    database.execute("DELETE FROM wp_sidecar_customer_groups WHERE id = %s", (group,))
    database.execute("DELETE FROM wp_sidecar_customer_views WHERE name LIKE %s", (f"{TAG}%",))


def grid_ids(page) -> set[int]:
    return {
        int(v)
        for v in page.locator("#sidecar-customers tbody tr[data-customer]").evaluate_all(
            "rows => rows.map(r => r.dataset.customer)"
        )
    }


def download(page, selector) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def test_filter_save_view_export_and_mass_assign(new_page, network, sidecar_url, tagged, database):
    ids, group = tagged
    nl = {ids["nl1"], ids["nl2"]}
    admin = network["admin"]
    page = new_page()
    log_in(page, network["url"], admin["login"], admin["password"])
    page.goto(
        f"{network['url'].rstrip('/')}/wp-admin/network/admin.php?page=sidecar-network"
        "&sc=%2Fcustomers"
    )
    page.wait_for_selector("#sidecar-customers")

    # filter: search for the tag, country NL
    page.fill("#sidecar-search", TAG)
    page.select_option("select[name='f.country']", "NL")
    page.click("#sidecar-apply-filters")
    page.wait_for_selector("#sidecar-count")
    assert grid_ids(page) == nl

    # save the view as the default one; reloading shows it again
    page.fill("#sidecar-save-view input[name=view_name]", f"{TAG} Dutch")
    page.check("#sidecar-save-view input[name=default]")
    page.click("#sidecar-save-view button[type=submit]")
    page.wait_for_selector("#sidecar-done")
    page.reload()
    page.wait_for_selector("#sidecar-customers")
    assert page.locator(f"#sidecar-views a.current[data-view='{TAG} Dutch']").count() == 1
    assert grid_ids(page) == nl
    page.click("#adminmenu >> text=Sidecar")  # the bare grid opens with the default view
    page.click("nav.nav-tab-wrapper >> text=Customers")
    page.wait_for_selector("#sidecar-customers")
    assert grid_ids(page) == nl

    # exports through the shim: files parse, rows are exactly the filtered ones
    data = download(page, "#sidecar-export-csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["ID", "Name"]
    assert {int(r[0]) for r in rows[1:]} == nl
    assert all(r[1].startswith(f"Zoë Ångström {TAG}") for r in rows[1:])
    data = download(page, "#sidecar-export-xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    xrows = list(sheet.iter_rows(values_only=True))
    assert {int(r[0]) for r in xrows[1:]} == nl

    # mass-assign a group to the rows of the page, with confirmation
    page.check("#sidecar-select-page")
    page.select_option("#sidecar-action", "assign_group")
    page.select_option("#sidecar-mass-group", str(group))
    page.click("#sidecar-mass-apply")
    page.wait_for_selector("#sidecar-confirm-text")
    assert "Assign 2 customers" in page.inner_text("#sidecar-confirm-text")
    page.click("#sidecar-confirm")
    page.wait_for_selector("#sidecar-done")
    in_group = database.fetch_all(
        "SELECT id FROM wp_sidecar_customers WHERE group_id = %s", (group,)
    )
    assert {row["id"] for row in in_group} == nl
