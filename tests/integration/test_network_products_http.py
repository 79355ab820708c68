"""Network Admin → Products and Discount codes over HTTP, signed as the shim signs."""

import re
import uuid

import pytest
import requests

from sidecar.wp_bridge.db import connect

from .shim_double import assertion_header

pytestmark = pytest.mark.integration

TAG = f"httptest-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def database(settings, migrated):
    """A committing connection; removes what the tests created over HTTP."""
    db = connect(settings.database)
    yield db
    db.execute("DELETE FROM wp_sidecar_products WHERE slug LIKE %s", (f"{TAG}%",))
    db.execute("DELETE FROM wp_sidecar_discount_codes WHERE code LIKE %s", (f"{TAG.upper()}%",))
    db.execute("DELETE FROM wp_sidecar_plan_groups WHERE name LIKE %s", (f"{TAG}%",))
    db.close()


def call(sidecar_url, network, path, *, data=None, user_id=None, with_token=True):
    """GET (or POST ``data``, with a fresh CSRF token unless told not to) as a super admin."""
    sub = user_id or network["admin"].get("user_id", 1)
    method = "POST" if data is not None else "GET"
    if data is not None and with_token:
        data = {**data, "csrf_token": _token(sidecar_url, network, sub)}
    signed_path = path.split("?", 1)[0]
    headers = assertion_header(
        network, aud="network", sub=sub, blog=0, path=signed_path, method=method
    )
    return requests.request(
        method,
        f"{sidecar_url}{path}",
        headers=headers,
        data=data,
        timeout=10,
        allow_redirects=False,
    )


def _token(sidecar_url, network, sub):
    page = call(sidecar_url, network, "/network/products", user_id=sub)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]


def plan_form(**changes):
    form = {
        "type": "plan",
        "name": f"{TAG} Pro",
        "slug": f"{TAG}-pro",
        "description": "For testing",
        "price": "19,50",
        "setup_fee": "",
        "currency": "EUR",
        "billing_period": "month",
        "plan_group_id": "",
        "sort_order": "3",
        "active": "1",
        "limit_disk_mb": "2000",
        "limit_posts": "100",
        "limit_pages": "",
        "limit_visits_month": "0",
    }
    return {**form, **changes}


def product_row(db, slug):
    return db.fetch_one("SELECT * FROM wp_sidecar_products WHERE slug = %s", (slug,))


def count_products(db):
    return db.fetch_value("SELECT COUNT(*) FROM wp_sidecar_products")


def test_create_then_edit_a_plan_with_limits(sidecar_url, network, database):
    form = call(sidecar_url, network, "/network/products/new/plan")
    assert form.status_code == 200
    assert 'name="limit_disk_mb"' in form.text and "Disk space" in form.text

    created = call(sidecar_url, network, "/network/products", data=plan_form())
    assert created.status_code == 303, created.text
    assert created.headers["Location"] == "/network/products?done=created"
    row = product_row(database, f"{TAG}-pro")
    assert str(row["price"]) == "19.50" and row["sort_order"] == 3
    assert '"disk_mb": 2000' in row["limits"] and '"pages": null' in row["limits"]
    assert '"visits_month": null' in row["limits"]  # 0 = unlimited
    event = database.fetch_one(
        "SELECT * FROM wp_sidecar_events WHERE subject_type = 'product' AND subject_id = %s",
        (row["id"],),
    )
    assert event["action"] == "product.created" and event["actor_type"] == "admin"

    listing = call(sidecar_url, network, "/network/products?done=created")
    assert "The product was created." in listing.text
    assert f"{TAG} Pro" in listing.text and "€19.50 / month" in listing.text

    path = f"/network/products/{row['id']}"
    edit = call(sidecar_url, network, path)
    assert 'value="2000"' in edit.text and 'value="19.50"' in edit.text
    saved = call(sidecar_url, network, path, data=plan_form(price="25", limit_posts="", active=""))
    assert saved.status_code == 303
    row = product_row(database, f"{TAG}-pro")
    assert str(row["price"]) == "25.00" and row["active"] == 0
    assert '"posts": null' in row["limits"]


def test_refused_form_keeps_the_input_names_the_field_and_writes_nothing(
    sidecar_url, network, database
):
    before = count_products(database)
    answer = call(
        sidecar_url,
        network,
        "/network/products",
        data=plan_form(price="-3", currency="XYZ", limit_posts="lots", name=f"{TAG} Kept"),
    )
    assert answer.status_code == 400
    assert "Price must be 0 or more." in answer.text
    assert "Unknown currency XYZ." in answer.text
    assert "Posts must be a whole number" in answer.text
    assert f'value="{TAG} Kept"' in answer.text and 'value="lots"' in answer.text
    assert count_products(database) == before


def test_a_package_cannot_join_a_plan_group(sidecar_url, network, database):
    group = call(sidecar_url, network, "/network/products/groups", data={"name": f"{TAG} grp"})
    assert group.status_code == 303
    group_id = database.fetch_value(
        "SELECT id FROM wp_sidecar_plan_groups WHERE name = %s", (f"{TAG} grp",)
    )
    form = plan_form(type="package", slug=f"{TAG}-pkg", plan_group_id=str(group_id))
    answer = call(sidecar_url, network, "/network/products", data=form)
    assert answer.status_code == 400
    assert "A package cannot belong to a plan group." in answer.text
    assert product_row(database, f"{TAG}-pkg") is None

    duplicate = call(sidecar_url, network, "/network/products/groups", data={"name": f"{TAG} GRP"})
    assert duplicate.status_code == 400 and "already exists" in duplicate.text


def test_deactivate_takes_a_product_off_sale(sidecar_url, network, database):
    call(sidecar_url, network, "/network/products", data=plan_form(slug=f"{TAG}-off"))
    row = product_row(database, f"{TAG}-off")
    listing = call(sidecar_url, network, "/network/products")
    assert "confirm(" in listing.text
    path = f"/network/products/{row['id']}/deactivate"
    answer = call(sidecar_url, network, path, data={})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/network/products?done=deactivated"
    assert product_row(database, f"{TAG}-off")["active"] == 0


def test_post_without_csrf_token_is_refused(sidecar_url, network, database):
    before = count_products(database)
    answer = call(sidecar_url, network, "/network/products", data=plan_form(), with_token=False)
    assert answer.status_code == 400 and "expired" in answer.text
    assert count_products(database) == before


def test_customers_get_403(sidecar_url, network, customers):
    alice = customers["alice"]["user_id"]
    for path in ("/network/products", "/network/discount-codes"):
        assert call(sidecar_url, network, path, user_id=alice).status_code == 403


def test_discount_codes_create_edit_and_refuse(sidecar_url, network, database):
    code = f"{TAG.upper()}-SPRING"
    form = {
        "code": code.lower(),
        "description": "Spring sale",
        "kind": "percent",
        "amount": "15",
        "currency": "",
        "max_uses": "100",
        "valid_from": "2030-03-01",
        "valid_until": "2030-05-31",
        "active": "1",
    }
    created = call(sidecar_url, network, "/network/discount-codes", data=form)
    assert created.status_code == 303, created.text
    row = database.fetch_one("SELECT * FROM wp_sidecar_discount_codes WHERE code = %s", (code,))
    assert str(row["amount"]) == "15.00" and row["max_uses"] == 100
    assert str(row["valid_until"]) == "2030-05-31 23:59:59"

    listing = call(sidecar_url, network, "/network/discount-codes")
    assert code in listing.text and "15% off" in listing.text

    path = f"/network/discount-codes/{row['id']}"
    refused = call(sidecar_url, network, path, data={**form, "amount": "150"})
    assert refused.status_code == 400
    assert "A percentage must be more than 0 and at most 100." in refused.text
    fixed = {**form, "kind": "fixed", "amount": "5", "currency": ""}
    refused = call(sidecar_url, network, path, data=fixed)
    assert "Choose the currency of a fixed discount." in refused.text
    unchanged = database.fetch_one(
        "SELECT amount FROM wp_sidecar_discount_codes WHERE id = %s", (row["id"],)
    )
    assert str(unchanged["amount"]) == "15.00"

    saved = call(sidecar_url, network, path, data={**fixed, "currency": "USD"})
    assert saved.status_code == 303
    row = database.fetch_one("SELECT * FROM wp_sidecar_discount_codes WHERE id = %s", (row["id"],))
    assert row["kind"] == "fixed" and row["currency"] == "USD"
    off = call(sidecar_url, network, f"{path}/deactivate", data={})
    assert off.status_code == 303
    assert (
        database.fetch_value(
            "SELECT active FROM wp_sidecar_discount_codes WHERE id = %s", (row["id"],)
        )
        == 0
    )
