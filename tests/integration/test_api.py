"""The JSON API: API keys (hashed, constant-time), sites, and the OpenAPI description."""

import pytest
import requests

from sidecar.domain.api_keys import create_key
from sidecar.wp_bridge.db import connect

pytestmark = pytest.mark.integration


@pytest.fixture
def api_key(settings, migrated):
    db = connect(settings.database)
    key = create_key(db, "integration test")
    yield key
    key_id = key.split("_")[1]
    db.execute("DELETE FROM wp_sidecar_api_keys WHERE key_id = %s", (key_id,))
    db.close()


def call(sidecar_url, path, key=None, **params):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return requests.get(f"{sidecar_url}/api/v1{path}", headers=headers, params=params, timeout=10)


def test_requests_without_a_valid_key_are_refused(sidecar_url, api_key):
    assert call(sidecar_url, "/sites/").status_code == 401
    forged = api_key[:-4] + "AAAA"
    assert call(sidecar_url, "/sites/", forged).status_code == 401
    assert call(sidecar_url, "/sites/", "sk_nope").json()["code"] == "invalid_api_key"


def test_the_key_is_stored_only_as_a_hash(settings, api_key):
    db = connect(settings.database)
    rows = db.fetch_all(
        "SELECT * FROM wp_sidecar_api_keys WHERE key_id = %s", (api_key.split("_")[1],)
    )
    db.close()
    assert len(rows) == 1
    assert api_key.split("_", 2)[2] not in str(rows[0])


def test_sites_list_pages_and_reads(sidecar_url, api_key, customers):
    first = call(sidecar_url, "/sites/", api_key, limit=1).json()
    assert first["total"] >= 3 and len(first["items"]) == 1
    second = call(sidecar_url, "/sites/", api_key, limit=1, after=first["next_after"]).json()
    assert second["items"][0]["id"] > first["items"][0]["id"]
    alice = customers["alice"]
    site = call(sidecar_url, f"/sites/{alice['blog_id']}", api_key).json()
    assert site["name"] == alice["site_title"]
    assert site["owner"]["email"] == alice["email"]
    assert call(sidecar_url, "/sites/999999", api_key).status_code == 404


def test_bad_parameters_get_a_clear_422(sidecar_url, api_key):
    answer = call(sidecar_url, "/sites/", api_key, limit=0)
    assert answer.status_code == 422
    assert "between 1 and 500" in str(answer.json())


def test_openapi_describes_the_api(sidecar_url):
    spec = requests.get(f"{sidecar_url}/api/v1/openapi.json", timeout=10).json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/sites/" in spec["paths"]
    assert "ApiKey" in spec["components"]["securitySchemes"]


def test_health_endpoints(sidecar_url):
    assert requests.get(f"{sidecar_url}/healthz", timeout=5).json() == {"status": "ok"}
    ready = requests.get(f"{sidecar_url}/readyz", timeout=5)
    assert ready.status_code == 200 and ready.json()["ready"] is True
