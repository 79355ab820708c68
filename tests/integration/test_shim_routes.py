"""The shim's signed REST routes, called by the bridge's ShimClient: real WordPress, real shim."""

import time

import pytest
import requests

from sidecar.assertions import Claims, new_jti, sign
from sidecar.wp_bridge.rest import RestAuthError, RestClient
from sidecar.wp_bridge.shim import ShimClient
from sidecar.wp_bridge.tables.options import get_option

pytestmark = pytest.mark.integration


@pytest.fixture
def shim(network):
    return ShimClient(RestClient(network["url"], timeout=10), network["secret"], 1)


def _raw_call(network, token, route="/sidecar/v1/ping", method="GET"):
    return requests.request(
        method,
        network["url"],
        params={"rest_route": route},
        headers={"X-Sidecar-Assertion": token},
        json={} if method == "POST" else None,
        timeout=10,
    )


def _token(secret, **changes):
    now = int(time.time())
    fields = dict(
        aud="shim",
        sub=0,
        blog=0,
        net=1,
        iat=now,
        exp=now + 60,
        jti=new_jti(),
        mth="GET",
        pth="/sidecar/v1/ping",
    )
    return sign(secret, Claims(**{**fields, **changes}))


def test_ping_answers_with_versions(shim, network):
    answer = shim.ping()
    assert answer["ok"] is True
    assert answer["wp_version"].startswith(network["wp_version"][:3])


def test_forged_expired_replayed_and_misdirected_assertions_are_refused(network):
    secret = network["secret"]
    now = int(time.time())
    cases = {
        "forged": _token("f" * 40),
        "expired": _token(secret, iat=now - 200, exp=now - 100),
        "wrong audience": _token(secret, aud="account"),
        "wrong route": _token(secret, pth="/sidecar/v1/cache/clear"),
    }
    for name, token in cases.items():
        assert _raw_call(network, token).status_code == 401, name
    assert _raw_call(network, "").status_code == 401
    good = _token(secret)
    assert _raw_call(network, good).status_code == 200
    assert _raw_call(network, good).status_code == 401, "a replayed assertion must be refused"


def test_wrong_secret_client_is_refused(network):
    shim = ShimClient(RestClient(network["url"], timeout=10), "w" * 40, 1)
    with pytest.raises(RestAuthError):
        shim.ping()


def test_cache_clear_makes_a_direct_write_visible(shim, settings, customers, network):
    """Write blogdescription straight into the table, clear caches, and WordPress serves it."""
    from sidecar.wp_bridge.db import connect

    alice = customers["alice"]
    db = connect(settings.database)
    table = f"wp_{alice['blog_id']}_options"
    old = get_option(db, alice["blog_id"], "blogdescription")
    try:
        db.execute(
            f"UPDATE {table} SET option_value = %s WHERE option_name = 'blogdescription'",
            ("Fresh bread daily",),
        )
        answer = shim.clear_caches(
            blog_id=alice["blog_id"], user_ids=[alice["user_id"]], options=True
        )
        assert answer["ok"] is True
        page = requests.get(alice["site_url"], timeout=10).text
        assert "Fresh bread daily" in page
    finally:
        db.execute(
            f"UPDATE {table} SET option_value = %s WHERE option_name = 'blogdescription'", (old,)
        )
        shim.clear_caches(blog_id=alice["blog_id"], options=True)
        db.close()
