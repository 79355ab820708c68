"""Network Admin → Memberships and /api/v1/memberships."""

import re

import pytest
import requests

from sidecar.domain.api_keys import create_key
from sidecar.domain.memberships import get_membership
from sidecar.wp_bridge.db import connect

from ..billing_fixtures import fresh_membership
from .shim_double import assertion_header

pytestmark = pytest.mark.integration


@pytest.fixture
def committed(settings, migrated):
    conn = connect(settings.database)
    yield conn
    conn.close()


def admin_call(sidecar_url, network, path, method="GET", data=None, sub=None):
    headers = assertion_header(
        network,
        aud="network",
        sub=sub or network["admin"].get("user_id", 1),
        blog=0,
        path=path.split("?")[0],
        method=method,
    )
    return requests.request(
        method,
        f"{sidecar_url}{path}",
        headers=headers,
        data=data,
        timeout=15,
        allow_redirects=False,
    )


def test_list_filter_detail_and_status_change(sidecar_url, network, customers, committed):
    _, membership, _ = fresh_membership(committed, customers["alice"], "business")
    listing = admin_call(sidecar_url, network, "/network/memberships?status=active")
    assert membership.number in listing.text and customers["alice"]["email"] in listing.text
    assert (
        membership.number
        not in admin_call(sidecar_url, network, "/network/memberships?status=cancelled").text
    )
    bad = admin_call(sidecar_url, network, "/network/memberships?status=bogus")
    assert bad.status_code == 400

    path = f"/network/memberships/{membership.id}"
    detail = admin_call(sidecar_url, network, path)
    assert "membership.created" in detail.text and "INV-" in detail.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', detail.text)[1]
    form = {"status": "on_hold", "version": membership.version, "csrf_token": token}
    done = admin_call(sidecar_url, network, f"{path}/status", "POST", form)
    assert done.status_code == 303
    assert get_membership(committed, membership.id).status == "on_hold"
    stale = admin_call(sidecar_url, network, f"{path}/status", "POST", form)
    assert stale.status_code == 409
    assert "changed in the meantime" in stale.text


def test_customers_cannot_open_network_memberships(sidecar_url, network, customers):
    alice = customers["alice"]
    answer = admin_call(sidecar_url, network, "/network/memberships", sub=alice["user_id"])
    assert answer.status_code == 403


def test_memberships_api(sidecar_url, customers, committed):
    _, membership, _ = fresh_membership(committed, customers["bob"], "starter")
    key = create_key(committed, "memberships api test")
    try:
        headers = {"Authorization": f"Bearer {key}"}
        assert requests.get(f"{sidecar_url}/api/v1/memberships/", timeout=10).status_code == 401
        listing = requests.get(
            f"{sidecar_url}/api/v1/memberships/",
            headers=headers,
            params={"status": "active"},
            timeout=10,
        ).json()
        assert membership.number in [m["number"] for m in listing["items"]]
        one = requests.get(
            f"{sidecar_url}/api/v1/memberships/{membership.id}", headers=headers, timeout=10
        ).json()
        assert one["recurring_amount"] == "9.00" and one["status"] == "active"
        missing = requests.get(
            f"{sidecar_url}/api/v1/memberships/999999", headers=headers, timeout=10
        )
        assert missing.status_code == 404
    finally:
        committed.execute("DELETE FROM wp_sidecar_api_keys WHERE key_id = %s", (key.split("_")[1],))
