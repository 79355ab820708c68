# ruff: noqa: F811  (pytest fixtures imported from domain_fixtures are used as arguments)
"""Account → Domains, Network Admin → Domains and the JSON API over HTTP against the running
sidecar (as the shim sends them), with the real database and a real DNS server."""

import html
import re

import pytest
import requests

from sidecar.domain import domains
from sidecar.domain.api_keys import create_key
from sidecar.domain.domain_settings import get_settings
from sidecar.domain.events import SYSTEM

from ..domain_fixtures import (  # noqa: F401  (fixtures)
    CNAME_TARGET,
    ELSEWHERE_IP,
    bridge,
    committed,
    dns,
    map_directly,
    mapping,
)
from ..unit.domain.test_domain_names import BAD
from .shim_double import csrf_in, signed_request

pytestmark = pytest.mark.integration


def call(sidecar_url, network, user, blog, path, method="GET", data=None, aud="account"):
    return signed_request(
        sidecar_url, network, path, method, data, timeout=20, aud=aud, sub=user, blog=blog
    )


def as_alice(sidecar_url, network, mapping, path, method="GET", data=None):
    alice = mapping.alice
    return call(sidecar_url, network, alice["user_id"], alice["blog_id"], path, method, data)


def as_admin(sidecar_url, network, path, method="GET", data=None):
    return call(
        sidecar_url, network, network["admin"]["user_id"], 0, path, method, data, aud="network"
    )


def csrf(page) -> str:
    return csrf_in(page)


def text(page) -> str:
    return html.unescape(page.text)


def stored(mapping) -> list[str]:
    return [d.domain for d in domains.site_domains(mapping.wp, mapping.alice["blog_id"]).domains]


def test_add_domain_in_two_steps_and_see_it_in_the_block(sidecar_url, network, mapping):
    page = as_alice(sidecar_url, network, mapping, "/account/")
    assert 'id="sidecar-domains"' in page.text and "No custom domains yet." in page.text
    assert "Your plan allows 3 custom domains; this site uses 0." in text(page)

    step1 = as_alice(sidecar_url, network, mapping, "/account/domains/new")
    assert step1.status_code == 200
    assert "Bakery test instructions: point your domain at" in text(step1)
    assert "<code>198.51.100.7</code>" in step1.text and "<strong>TXT</strong>" in step1.text
    assert "sc=%2Fdomains%2Fnew%2Fdetails" in step1.text  # Next Step

    step2 = as_alice(sidecar_url, network, mapping, "/account/domains/new/details")
    assert 'name="domain"' in step2.text and "Make this the primary domain" in step2.text
    done = as_alice(
        sidecar_url,
        network,
        mapping,
        "/account/domains",
        "POST",
        {"domain": "Shop.Example", "primary": "1", "csrf_token": csrf(step2)},
    )
    assert done.status_code == 303 and done.headers["Location"] == "/account/?done=domain-added"

    page = as_alice(sidecar_url, network, mapping, "/account/?done=domain-added")
    row = re.search(r'<tr data-domain="shop.example".*?data-action="remove"', page.text, re.S)[0]
    assert "Primary" in row and "Waiting for DNS" in row
    token = domains.site_domains(mapping.wp, mapping.alice["blog_id"]).domains[0].token
    assert "_sidecar-challenge.shop.example" in row and token in row
    assert "The domain was added." in page.text


def test_check_now_shows_the_reason_then_active(sidecar_url, network, mapping):
    added = domains.add_domain(mapping.wp, mapping.alice["blog_id"], "shop.example", True, SYSTEM)
    page = as_alice(sidecar_url, network, mapping, "/account/")
    path = f"/account/domains/{added.id}/check"
    mapping.zone.add("shop.example", "A", ELSEWHERE_IP)
    assert as_alice(sidecar_url, network, mapping, path, "POST", {"csrf_token": csrf(page)})
    page = as_alice(sidecar_url, network, mapping, "/account/")
    assert "the A record points to 203.0.113.9; expected 198.51.100.7" in text(page)
    mapping.zone.clear()
    mapping.point_here("shop.example", proof=added.token)
    answer = as_alice(sidecar_url, network, mapping, path, "POST", {"csrf_token": csrf(page)})
    assert answer.status_code == 303
    page = as_alice(sidecar_url, network, mapping, "/account/")
    assert re.search(r'data-field="domain-status">Active<', page.text)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        *BAD,
        (CNAME_TARGET, "sites.network.test is this network's own address"),
        ("shop." + CNAME_TARGET, "is part of this network's own address (sites.network.test)"),
        ("bikes.example", "bikes.example is already mapped to another site of this network."),
        ("mine.example", "mine.example is already one of this site's domains."),
    ],
)
def test_bad_domains_are_refused_with_their_own_message_and_nothing_is_stored(
    sidecar_url, network, mapping, typed, message
):
    map_directly(mapping.wp, mapping.bob["blog_id"], "bikes.example")
    domains.add_domain(mapping.wp, mapping.alice["blog_id"], "mine.example", False, SYSTEM)
    form = as_alice(sidecar_url, network, mapping, "/account/domains/new/details")
    answer = as_alice(
        sidecar_url,
        network,
        mapping,
        "/account/domains",
        "POST",
        {"domain": typed, "csrf_token": csrf(form)},
    )
    assert answer.status_code == 400
    assert message in text(answer)
    kept = re.search(r'id="sidecar-domain" name="domain" value="([^"]*)"', answer.text)[1]
    assert html.unescape(kept) == typed
    assert stored(mapping) == ["mine.example"]


def test_more_domains_than_the_plan_allows(sidecar_url, network, mapping):
    for name in ("a.example", "b.example", "c.example"):
        domains.add_domain(mapping.wp, mapping.alice["blog_id"], name, False, SYSTEM)
    page = as_alice(sidecar_url, network, mapping, "/account/")
    assert 'id="sidecar-add-domain"' not in page.text
    answer = as_alice(
        sidecar_url,
        network,
        mapping,
        "/account/domains",
        "POST",
        {"domain": "d.example", "csrf_token": csrf(page)},
    )
    assert answer.status_code == 400
    assert "Your plan allows 3 custom domains and this site has 3" in text(answer)
    assert len(stored(mapping)) == 3


def test_another_customers_domain_cannot_be_touched(sidecar_url, network, mapping):
    bobs = map_directly(mapping.wp, mapping.bob["blog_id"], "bikes.example")
    page = as_alice(sidecar_url, network, mapping, "/account/")
    for action in ("remove", "primary", "check"):
        answer = as_alice(
            sidecar_url,
            network,
            mapping,
            f"/account/domains/{bobs.id}/{action}",
            "POST",
            {"csrf_token": csrf(page)},
        )
        assert answer.status_code == 404, action
        assert "bikes.example" not in answer.text
    after = domains.get_domain(mapping.wp, bobs.id)
    assert (after.blog_id, after.is_primary, after.checked_at) == (
        bobs.blog_id,
        True,
        bobs.checked_at,
    )


def test_every_post_needs_the_csrf_token(sidecar_url, network, mapping):
    mine = domains.add_domain(mapping.wp, mapping.alice["blog_id"], "mine.example", True, SYSTEM)
    other = domains.add_domain(mapping.wp, mapping.alice["blog_id"], "two.example", False, SYSTEM)
    for path, data in [
        ("/account/domains", {"domain": "new.example"}),
        (f"/account/domains/{other.id}/primary", {}),
        (f"/account/domains/{mine.id}/check", {}),
        (f"/account/domains/{mine.id}/remove", {}),
    ]:
        answer = as_alice(sidecar_url, network, mapping, path, "POST", data)
        assert answer.status_code == 400 and "This form has expired" in answer.text, path
    for path in (
        "/network/domains/settings",
        f"/network/domains/{mine.id}/check",
        f"/network/domains/{mine.id}/disable",
        f"/network/domains/{mine.id}/enable",
    ):
        answer = as_admin(sidecar_url, network, path, "POST", {"enabled": "1"})
        assert answer.status_code == 400 and "This form has expired" in answer.text, path
    assert stored(mapping) == ["mine.example", "two.example"]
    assert domains.get_domain(mapping.wp, mine.id).checked_at is None


def test_admin_settings_form(sidecar_url, network, mapping):
    page = as_admin(sidecar_url, network, "/network/domains/settings")
    assert page.status_code == 200 and "Bakery test instructions" in page.text
    before = get_settings(mapping.wp.db, mapping.wp.network_id)
    bad = {
        "csrf_token": csrf(page),
        "enabled": "1",
        "instructions": "See {nope}",
        "addresses": "198.51.100.7\n300.1.1.1",
        "cname_target": "*.bad",
        "resolver": "resolver.example",
    }
    answer = as_admin(sidecar_url, network, "/network/domains/settings", "POST", bad)
    assert answer.status_code == 400
    body = text(answer)
    for message in (
        "Unknown placeholder {nope}",
        "300.1.1.1 is not an IPv4 or IPv6 address.",
        "The CNAME host is not usable: Wildcard domains",
        "resolver.example is not an IP address",
    ):
        assert message in body
    assert "300.1.1.1" in answer.text and "See {nope}" in body  # input kept
    assert get_settings(mapping.wp.db, mapping.wp.network_id) == before

    good = {
        **bad,
        "instructions": "New text for {cname}",
        "addresses": "198.51.100.8",
        "cname_target": "edge.network.test",
        "resolver": before.resolver,
        "txt_required": "",
        "https_check": "1",
    }
    answer = as_admin(sidecar_url, network, "/network/domains/settings", "POST", good)
    assert answer.status_code == 303
    after = get_settings(mapping.wp.db, mapping.wp.network_id)
    assert (after.addresses, after.cname_target, after.txt_required, after.https_check) == (
        ("198.51.100.8",),
        "edge.network.test",
        False,
        True,
    )


def test_admin_list_check_disable_enable(sidecar_url, network, mapping):
    mine = domains.add_domain(mapping.wp, mapping.alice["blog_id"], "shop.example", True, SYSTEM)
    bobs = map_directly(mapping.wp, mapping.bob["blog_id"], "bikes.example")
    page = as_admin(sidecar_url, network, "/network/domains")
    assert page.status_code == 200
    assert 'data-domain="shop.example" data-status="pending"' in page.text
    assert 'data-domain="bikes.example" data-status="verified"' in page.text
    token = csrf(page)
    mapping.zone.add("shop.example", "A", ELSEWHERE_IP)
    assert (
        as_admin(
            sidecar_url, network, f"/network/domains/{mine.id}/check", "POST", {"csrf_token": token}
        )
        .headers["Location"]
        .endswith("done=checked")
    )
    page = as_admin(sidecar_url, network, "/network/domains?status=pending")
    assert "the A record points to 203.0.113.9" in text(page)
    assert "bikes.example" not in page.text
    as_admin(
        sidecar_url, network, f"/network/domains/{bobs.id}/disable", "POST", {"csrf_token": token}
    )
    assert not domains.get_domain(mapping.wp, bobs.id).routable
    page = as_admin(sidecar_url, network, "/network/domains?status=disabled&q=bikes")
    assert 'data-domain="bikes.example"' in page.text and "Turned off" in page.text
    as_admin(
        sidecar_url, network, f"/network/domains/{bobs.id}/enable", "POST", {"csrf_token": token}
    )
    assert domains.get_domain(mapping.wp, bobs.id).routable
    missing = "/network/domains/999999/check"
    assert as_admin(sidecar_url, network, missing, "POST", {"csrf_token": token}).status_code == 404


@pytest.fixture
def api_key(committed):
    key = create_key(committed, "domains test")
    yield key
    committed.execute("DELETE FROM wp_sidecar_api_keys WHERE key_id = %s", (key.split("_")[1],))


def api(sidecar_url, key, method, path, **kwargs):
    return requests.request(
        method,
        f"{sidecar_url}/api/v1{path}",
        headers={"Authorization": f"Bearer {key}"},
        timeout=20,
        **kwargs,
    )


def test_json_api(sidecar_url, mapping, api_key):
    site = mapping.alice["blog_id"]
    base = f"/sites/{site}/domains"
    assert api(sidecar_url, api_key, "GET", base).json() == {"items": []}
    added = api(sidecar_url, api_key, "POST", base, json={"domain": "Shop.Example"})
    assert added.status_code == 201
    body = added.json()
    assert (body["domain"], body["primary"], body["status"], body["site_id"]) == (
        "shop.example",
        True,
        "pending",
        site,
    )
    assert body["txt_name"] == "_sidecar-challenge.shop.example"
    refused = api(sidecar_url, api_key, "POST", base, json={"domain": "192.0.2.1"})
    assert refused.status_code == 400
    assert "is an IP address" in refused.json()["errors"]["domain"][0]
    second = api(sidecar_url, api_key, "POST", base, json={"domain": "www.shop.example"}).json()
    primary = api(sidecar_url, api_key, "POST", f"{base}/{second['id']}/primary")
    assert primary.json()["primary"] is True
    mapping.point_here("www.shop.example", proof=second["txt_value"])
    checked = api(sidecar_url, api_key, "POST", f"{base}/{second['id']}/check").json()
    assert (checked["status"], checked["routed"]) == ("verified", True)
    status = api(sidecar_url, api_key, "GET", f"{base}/{body['id']}").json()
    assert status["primary"] is False
    listed = api(sidecar_url, api_key, "GET", base).json()["items"]
    assert [d["domain"] for d in listed] == ["www.shop.example", "shop.example"]
    bobs = map_directly(mapping.wp, mapping.bob["blog_id"], "bikes.example")
    assert api(sidecar_url, api_key, "DELETE", f"{base}/{bobs.id}").status_code == 404
    assert api(sidecar_url, api_key, "GET", "/sites/999999/domains").status_code == 404
    assert api(sidecar_url, api_key, "DELETE", f"{base}/{body['id']}").status_code == 204
    assert stored(mapping) == ["www.shop.example"]
    assert requests.get(f"{sidecar_url}/api/v1{base}", timeout=10).status_code == 401


def test_the_plan_form_sets_allow_custom_domains(sidecar_url, network, mapping):
    from sidecar.domain import catalog
    from sidecar.schemas.products import product_form_values

    plan_id = mapping.products["business"]
    path = f"/network/products/{plan_id}"
    page = as_admin(sidecar_url, network, path)
    assert 'name="allow_custom_domains" value="1" checked' in page.text
    values = product_form_values(catalog.get_product(mapping.wp.db, plan_id))
    values = {key: value for key, value in values.items() if value != ""}
    for ticked in ("", "1"):
        form = {**values, "allow_custom_domains": ticked, "csrf_token": csrf(page)}
        answer = as_admin(sidecar_url, network, path, "POST", form)
        assert answer.status_code == 303, text(answer)[:2000]
        assert catalog.get_product(mapping.wp.db, plan_id).allow_custom_domains is bool(ticked)
    listing = as_admin(sidecar_url, network, "/network/products")
    assert 'data-limit="domains"><span>Custom domains</span> <strong>3' in listing.text
