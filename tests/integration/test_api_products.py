"""``/api/v1/products``: list with filters, one product, the OpenAPI description."""

import uuid

import pytest
import requests

from sidecar.domain import catalog
from sidecar.domain.api_keys import create_key
from sidecar.domain.events import SYSTEM
from sidecar.wp_bridge.db import connect

pytestmark = pytest.mark.integration

TAG = f"apitest-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def api_key(settings, migrated):
    db = connect(settings.database)
    key = create_key(db, "products api test")
    yield key
    db.execute("DELETE FROM wp_sidecar_api_keys WHERE key_id = %s", (key.split("_")[1],))
    db.close()


@pytest.fixture
def products(settings, migrated):
    """A plan, a withdrawn package and a service, committed; removed afterwards."""
    db = connect(settings.database)
    made = {
        "plan": catalog.create_product(
            db,
            {
                "type": "plan",
                "slug": f"{TAG}-plan",
                "name": "API plan",
                "price": "9.99",
                "currency": "EUR",
                "billing_period": "month",
                "limits": {"disk_mb": 1000},
            },
            SYSTEM,
        ),
        "package": catalog.create_product(
            db,
            {
                "type": "package",
                "slug": f"{TAG}-package",
                "name": "API package",
                "price": "5",
                "currency": "EUR",
                "billing_period": "month",
                "limits": {"disk_mb": 5120},
                "active": False,
            },
            SYSTEM,
        ),
        "service": catalog.create_product(
            db,
            {
                "type": "service",
                "slug": f"{TAG}-service",
                "name": "API service",
                "price": "149",
                "currency": "USD",
                "billing_period": "once",
            },
            SYSTEM,
        ),
    }
    yield made
    db.execute("DELETE FROM wp_sidecar_products WHERE slug LIKE %s", (f"{TAG}%",))
    db.close()


def call(sidecar_url, path, key=None, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return requests.get(f"{sidecar_url}/api/v1{path}", headers=headers, params=params, timeout=10)


def ours(answer):
    return {item["slug"]: item for item in answer.json()["items"] if item["slug"].startswith(TAG)}


def test_a_key_is_required(sidecar_url):
    assert call(sidecar_url, "/products/").status_code == 401


def test_list_and_filter_products(sidecar_url, api_key, products):
    everything = call(sidecar_url, "/products/", api_key)
    assert everything.status_code == 200
    assert set(ours(everything)) == {f"{TAG}-plan", f"{TAG}-package", f"{TAG}-service"}
    assert everything.json()["total"] == len(everything.json()["items"])

    plans = call(sidecar_url, "/products/", api_key, type="plan").json()["items"]
    assert {p["type"] for p in plans} == {"plan"}
    on_sale = ours(call(sidecar_url, "/products/", api_key, active="true"))
    assert f"{TAG}-package" not in on_sale and f"{TAG}-plan" in on_sale
    withdrawn = ours(call(sidecar_url, "/products/", api_key, active="false"))
    assert set(withdrawn) == {f"{TAG}-package"}


def test_one_product(sidecar_url, api_key, products):
    plan = call(sidecar_url, f"/products/{products['plan'].id}", api_key).json()
    assert plan["price"] == "9.99" and plan["currency"] == "EUR"
    assert plan["display_price"] == "€ 9.99 / month"
    assert plan["limits"]["disk_mb"] == 1000 and plan["limits"]["posts"] is None
    service = call(sidecar_url, f"/products/{products['service'].id}", api_key).json()
    assert service["limits"] == {} and service["display_price"] == "$149.00 once"
    missing = call(sidecar_url, "/products/999999", api_key)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_bad_filters_get_a_clear_422(sidecar_url, api_key):
    answer = call(sidecar_url, "/products/", api_key, type="gadget")
    assert answer.status_code == 422
    assert "plan, package or service" in str(answer.json())


def test_openapi_describes_products(sidecar_url):
    spec = requests.get(f"{sidecar_url}/api/v1/openapi.json", timeout=10).json()
    assert "/api/v1/products/" in spec["paths"]
    assert "/api/v1/products/{product_id}" in spec["paths"]
