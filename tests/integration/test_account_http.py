"""The Account and Network pages over HTTP: the trust model holds against tampering."""

import re
import time

import pytest
import requests

from sidecar.assertions import sign

from .shim_double import assertion_header, claims_for

pytestmark = pytest.mark.integration


def get(sidecar_url, path, headers=None, method="GET", data=None):
    return requests.request(
        method,
        f"{sidecar_url}{path}",
        headers=headers or {},
        data=data,
        timeout=10,
        allow_redirects=False,
    )


def account_headers(network, customer, **changes):
    kwargs = {
        "aud": "account",
        "sub": customer["user_id"],
        "blog": customer["blog_id"],
        "path": "/account/",
        **changes,
    }
    return assertion_header(network, **kwargs)


def test_owner_sees_their_own_site(sidecar_url, network, customers):
    alice = customers["alice"]
    answer = get(sidecar_url, "/account/", account_headers(network, alice))
    assert answer.status_code == 200
    assert answer.headers["X-Sidecar-Fragment"] == "1"
    assert alice["site_title"].replace("'", "&#39;") in answer.text
    assert alice["email"] in answer.text


def test_customer_cannot_open_another_customers_account(sidecar_url, network, customers):
    alice, bob = customers["alice"], customers["bob"]
    headers = assertion_header(
        network, aud="account", sub=bob["user_id"], blog=alice["blog_id"], path="/account/"
    )
    answer = get(sidecar_url, "/account/", headers)
    assert answer.status_code == 403
    assert alice["email"] not in answer.text and "Bakery" not in answer.text


@pytest.mark.parametrize(
    "case",
    [
        "forged",
        "expired",
        "wrong_audience",
        "wrong_path",
        "wrong_method",
        "missing",
        "wrong_network",
        "no_such_site",
    ],
)
def test_bad_assertions_are_refused_and_leak_nothing(sidecar_url, network, customers, case):
    alice = customers["alice"]
    now = int(time.time())
    headers = {
        "forged": lambda: (
            account_headers(network, alice)
            | assertion_header(
                network,
                secret="f" * 40,
                aud="account",
                sub=alice["user_id"],
                blog=alice["blog_id"],
                path="/account/",
            )
        ),
        "expired": lambda: account_headers(network, alice, iat=now - 300, exp=now - 200),
        "wrong_audience": lambda: assertion_header(
            network, aud="network", sub=alice["user_id"], blog=alice["blog_id"], path="/account/"
        ),
        "wrong_path": lambda: account_headers(network, alice, pth="/account/other"),
        "wrong_method": lambda: account_headers(network, alice, mth="POST"),
        "missing": lambda: {},
        "wrong_network": lambda: account_headers(network, alice, net=2),
        "no_such_site": lambda: account_headers(network, alice, blog=999999),
    }[case]()
    answer = get(sidecar_url, "/account/", headers)
    assert answer.status_code in (401, 403, 404)
    assert alice["email"] not in answer.text


def test_replayed_assertion_is_refused(sidecar_url, network, customers):
    headers = account_headers(network, customers["alice"])
    assert get(sidecar_url, "/account/", headers).status_code == 200
    replay = get(sidecar_url, "/account/", headers)
    assert replay.status_code == 401
    assert "already used" in replay.text


def network_headers(network, path, method="GET"):
    return assertion_header(
        network,
        aud="network",
        sub=network["admin"].get("user_id", 1),
        blog=0,
        path=path,
        method=method,
    )


def test_every_post_needs_the_csrf_token_of_this_login(sidecar_url, network):
    path = "/network/api-keys"
    page = get(sidecar_url, path, network_headers(network, path))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]

    missing = get(
        sidecar_url, path, network_headers(network, path, "POST"), "POST", {"name": "no token"}
    )
    assert missing.status_code == 400 and "expired" in missing.text

    other_login = assertion_header(
        network,
        aud="network",
        sub=network["admin"].get("user_id", 1),
        blog=0,
        path=path,
        method="POST",
        ses="1" * 64,
    )
    stolen = get(sidecar_url, path, other_login, "POST", {"name": "x", "csrf_token": token})
    assert stolen.status_code == 400

    created = get(
        sidecar_url,
        path,
        network_headers(network, path, "POST"),
        "POST",
        {"name": "csrf test key", "csrf_token": token},
    )
    assert created.status_code == 200
    key_id = re.search(r"sk_([0-9a-f]{12})_", created.text)[1]
    revoke_path = f"/network/api-keys/{key_id}/revoke"
    revoked = get(
        sidecar_url,
        revoke_path,
        network_headers(network, revoke_path, "POST"),
        "POST",
        {"csrf_token": token},
    )
    assert revoked.status_code == 303
    assert revoked.headers["Location"] == "/network/api-keys?revoked=1"


def test_invalid_form_input_is_refused_with_a_message(sidecar_url, network):
    path = "/network/api-keys"
    page = get(sidecar_url, path, network_headers(network, path))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    answer = get(
        sidecar_url,
        path,
        network_headers(network, path, "POST"),
        "POST",
        {"name": "x" * 101, "csrf_token": token},
    )
    assert answer.status_code == 400
    assert "1 to 100 characters" in answer.text


def test_network_pages_are_for_super_admins_only(sidecar_url, network, customers):
    admin_id = network["admin"].get("user_id", 1)
    ok = get(
        sidecar_url,
        "/network/",
        assertion_header(network, aud="network", sub=admin_id, blog=0, path="/network/"),
    )
    assert ok.status_code == 200
    assert customers["alice"]["site_title"].replace("'", "&#39;") in ok.text
    alice = customers["alice"]
    refused = get(
        sidecar_url,
        "/network/",
        assertion_header(network, aud="network", sub=alice["user_id"], blog=0, path="/network/"),
    )
    assert refused.status_code == 403


def test_links_point_back_into_wp_admin(sidecar_url, network):
    claims = claims_for(
        network, aud="network", sub=network["admin"].get("user_id", 1), blog=0, path="/network/"
    )
    answer = get(
        sidecar_url, "/network/?limit=1", {"X-Sidecar-Assertion": sign(network["secret"], claims)}
    )
    assert f"{claims.base}&amp;sc=%2F%3Fafter%3D" in answer.text
