# ruff: noqa: F811  (pytest fixtures imported from domain_fixtures are used as arguments)
"""Routing by sunrise.php in the running WordPress (php -S on loopback): requests carry
``Host: <mapped domain>:PORT`` and are sent to the network's own port. Mapped domains serve
their site, the primary is the canonical URL, everything else reaches it in one 301, wp-admin
and log-in work on the primary and on the network address, and no chain is longer than two
hops (redirects are followed by hand, with a limit)."""

from urllib.parse import urljoin, urlsplit

import pytest
import requests

from sidecar.domain import domain_verification, domains
from sidecar.domain.clock import utcnow
from sidecar.domain.domain_settings import get_settings
from sidecar.domain.events import SYSTEM
from sidecar.store import domain_settings as settings_store

from ..domain_fixtures import (  # noqa: F401  (fixtures)
    bridge,
    committed,
    dns,
    enabled_settings,
    mapping,
)

pytestmark = pytest.mark.integration
MAX_HOPS = 2
REDIRECTS = (301, 302, 303, 307, 308)


def fetch(network, url, method="GET", cookies=None, data=None):
    """One request to the network's port, with the URL's host:port as the Host header."""
    parts = urlsplit(url)
    target = f"http://127.0.0.1:{network['port']}{parts.path or '/'}"
    if parts.query:
        target += "?" + parts.query
    return requests.request(
        method,
        target,
        headers={"Host": parts.netloc},
        cookies=cookies,
        data=data,
        allow_redirects=False,
        timeout=30,
    )


def follow(network, url, cookies=None):
    """Follow redirects by hand; returns (final response, [(status, location), ...]).
    Fails when a chain is longer than MAX_HOPS."""
    hops = []
    for _ in range(MAX_HOPS + 1):
        response = fetch(network, url, cookies=cookies)
        if response.status_code not in REDIRECTS:
            return response, hops
        url = urljoin(url, response.headers["Location"])
        hops.append((response.status_code, url))
    raise AssertionError(f"more than {MAX_HOPS} redirects from {hops[0]}: {hops}")


@pytest.fixture
def routed(mapping, network):
    """alice: shop.example (primary) and www.shop.example, both verified through real DNS."""
    blog = mapping.alice["blog_id"]
    verifier = domain_verification.verifier_for(get_settings(mapping.wp.db, mapping.wp.network_id))
    for name, primary in (("shop.example", True), ("www.shop.example", False)):
        domain = domains.add_domain(mapping.wp, blog, name, primary, SYSTEM)
        mapping.point_here(name, proof=domain.token)
        checked = domain_verification.check_domain(mapping.wp, domain, verifier, utcnow())
        assert checked.routable
    port = network["port"]
    mapping.urls = {
        "primary": f"http://shop.example:{port}",
        "www": f"http://www.shop.example:{port}",
        "network": network["url"].rstrip("/"),
        "site": mapping.alice["site_url"].rstrip("/"),
    }
    return mapping


def title(response) -> str:
    start = response.text.find("<title>")
    return response.text[start + 7 : response.text.find("</title>")]


def test_the_primary_domain_serves_the_site_with_its_own_urls(network, routed):
    page, hops = follow(network, routed.urls["primary"] + "/")
    assert page.status_code == 200 and hops == []
    assert "Alice" in title(page)
    assert f'href="{routed.urls["primary"]}/' in page.text
    assert routed.urls["site"] + "/" not in page.text


def test_other_addresses_reach_the_primary_in_one_301(network, routed):
    primary = routed.urls["primary"]
    cases = [
        (routed.urls["www"] + "/sample-page/?x=1", primary + "/sample-page/?x=1"),
        (routed.urls["site"] + "/sample-page/?x=1", primary + "/sample-page/?x=1"),
        (routed.urls["site"] + "/", primary + "/"),
        (routed.urls["site"], primary + "/"),
    ]
    for start, landing in cases:
        page, hops = follow(network, start)
        assert hops == [(301, landing)], start
        assert page.status_code == 200


def test_switching_the_primary_changes_the_canonical_url(network, routed):
    blog = routed.alice["blog_id"]
    www = next(d for d in domains.site_domains(routed.wp, blog).domains if not d.is_primary)
    domains.make_primary(routed.wp, routed.alice["blog_id"], www.id, SYSTEM)
    page, hops = follow(network, routed.urls["primary"] + "/sample-page/")
    assert hops == [(301, routed.urls["www"] + "/sample-page/")]
    assert f'href="{routed.urls["www"]}/' in page.text
    _, hops = follow(network, routed.urls["site"] + "/")
    assert hops == [(301, routed.urls["www"] + "/")]


def log_in(network, login_url, customer):
    form = {"log": customer["login"], "pwd": customer["password"], "wp-submit": "Log In"}
    answer = fetch(network, login_url, "POST", data=form)
    assert answer.status_code == 302, answer.text[:300]
    return answer, {cookie.name: cookie.value for cookie in answer.cookies}


def test_wp_admin_and_log_in_work_on_the_primary(network, routed):
    primary = routed.urls["primary"]
    login_page, hops = follow(network, primary + "/wp-admin/")
    assert hops[0][1].startswith(primary + "/wp-login.php") and login_page.status_code == 200
    answer, cookies = log_in(network, primary + "/wp-login.php", routed.alice)
    assert answer.headers["Location"] == primary + "/wp-admin/"
    dashboard, hops = follow(network, answer.headers["Location"], cookies)
    assert dashboard.status_code == 200 and hops == []
    assert 'id="adminmenu"' in dashboard.text and f"{primary}/wp-admin/" in dashboard.text


def test_wp_admin_and_log_in_keep_working_on_the_network_address(network, routed):
    site = routed.urls["site"]
    _, hops = follow(network, site + "/wp-admin/")
    assert len(hops) == 1 and hops[0][1].startswith(site + "/wp-login.php")
    answer, cookies = log_in(network, site + "/wp-login.php", routed.alice)
    assert answer.headers["Location"] == site + "/wp-admin/"
    dashboard, hops = follow(network, site + "/wp-admin/", cookies)
    assert dashboard.status_code == 200 and hops == []
    rest, hops = follow(network, site + "/?rest_route=/")
    assert rest.status_code == 200 and hops == [] and rest.json()["name"]


def test_domains_that_are_not_routed(network, routed, dns):
    blog = routed.alice["blog_id"]
    www = next(d for d in domains.site_domains(routed.wp, blog).domains if not d.is_primary)
    domains.set_enabled(routed.wp, www.id, False, SYSTEM)
    page, hops = follow(network, routed.urls["www"] + "/")
    assert hops[0] == (302, routed.urls["network"] + "/")  # WordPress: no such site
    pending = domains.add_domain(routed.wp, blog, "new.shop.example", False, SYSTEM)
    _, hops = follow(network, f"http://new.shop.example:{network['port']}/")
    assert hops[0] == (302, routed.urls["network"] + "/")
    assert pending.status == "pending"

    settings_store.save(routed.wp.db, routed.wp.network_id, enabled_settings(dns, enabled=0))
    domains.forget_routes(routed.wp, blog, ["shop.example"])
    page, hops = follow(network, routed.urls["site"] + "/")
    assert page.status_code == 200 and hops == []
    _, hops = follow(network, routed.urls["primary"] + "/")
    assert hops[0] == (302, routed.urls["network"] + "/")


def test_removing_the_site_mappings_unroutes_at_once(network, routed):
    domains.remove_for_site(routed.wp, routed.alice["blog_id"])
    page, hops = follow(network, routed.urls["site"] + "/")
    assert page.status_code == 200 and hops == []
    _, hops = follow(network, routed.urls["primary"] + "/")
    assert hops[0] == (302, routed.urls["network"] + "/")


def test_no_address_takes_more_than_two_hops(network, routed):
    hosts = [routed.urls[k] for k in ("primary", "www", "site", "network")]
    paths = ["/", "/sample-page/", "/wp-admin/", "/wp-login.php", "/?p=1", "/wp-json/", "/nope/"]
    for host in hosts:
        for path in paths:
            follow(network, host + path)  # fails on a longer chain


def test_a_new_primary_takes_over_only_once_verified(network, routed):
    blog = routed.alice["blog_id"]
    new = domains.add_domain(routed.wp, blog, "new.example", True, SYSTEM)
    for start in (routed.urls["primary"], routed.urls["www"], routed.urls["site"]):
        start += "/"
        page, hops = follow(network, start)
        assert page.status_code == 200 and hops == [], start  # each serves as it is
    routed.point_here("new.example", proof=new.token)
    verifier = domain_verification.verifier_for(get_settings(routed.wp.db, routed.wp.network_id))
    domain_verification.check_domain(routed.wp, new, verifier, utcnow())
    _, hops = follow(network, routed.urls["primary"] + "/")
    assert hops == [(301, f"http://new.example:{network['port']}/")]
