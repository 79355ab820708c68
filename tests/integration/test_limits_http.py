"""The limits over HTTP: the Account page's Site Limits block, Network Admin → Usage (sites
near or over their limits, sortable), the overrides form and the JSON API."""

import json
import re

import pytest
import requests

from sidecar.context import Clients
from sidecar.domain.api_keys import create_key
from sidecar.domain.clock import utcnow
from sidecar.domain.sweep import SweepOptions, sweep
from sidecar.store import limit_overrides
from sidecar.wp_bridge import WordPress
from sidecar.wp_bridge.db import connect

from ..billing_fixtures import fresh_membership
from .limits_support import call, csrf

pytestmark = pytest.mark.integration


@pytest.fixture
def committed(settings, migrated):
    conn = connect(settings.database)
    yield conn
    conn.execute("DELETE FROM wp_sidecar_limit_overrides")
    conn.close()


@pytest.fixture
def swept(settings, committed, customers):
    """Alice on Business with a posts override she is at, Bob on Starter; both swept."""
    alice, bob = customers["alice"], customers["bob"]
    _, membership, _ = fresh_membership(committed, alice, "business")
    fresh_membership(committed, bob, "starter")
    posts = committed.fetch_value(
        f"SELECT COUNT(*) FROM wp_{alice['blog_id']}_posts WHERE post_type = 'post'"
        " AND post_status IN ('publish', 'private', 'future')"
    )
    limit_overrides.replace(committed, "membership", membership.id, {"posts": posts})
    clients = Clients(settings)
    wp = WordPress(committed, clients.rest, clients.shim, 1)
    sweep(wp, SweepOptions(network_id=1, uploads_dir=None, clear_caches=False), utcnow())
    return {"membership": membership, "posts": posts}


def account(sidecar_url, network, customer, path="/account/"):
    return call(
        sidecar_url, network, path, aud="account", sub=customer["user_id"], blog=customer["blog_id"]
    )


def admin(sidecar_url, network, path, method="GET", data=None):
    return call(sidecar_url, network, path, aud="network", sub=1, blog=0, method=method, data=data)


def test_account_shows_every_limit_with_usage_and_a_meter(sidecar_url, network, customers, swept):
    page = account(sidecar_url, network, customers["alice"])
    assert page.status_code == 200
    text = page.text
    posts = swept["posts"]
    meter = re.search(r'<li class="sidecar-meter[^"]*" data-meter="posts" data-state="(\w+)"', text)
    assert meter[1] == "full"
    assert (
        f'<span data-field="used">{posts}</span> / <span data-limit="posts">{posts} posts' in text
    )
    assert 'data-meter="pages" data-state="ok"' in text
    assert 'data-meter="domains" data-state="unmeasured"' in text
    assert 'data-limit="disk_mb">5,000 MB' in text
    assert "Limit reached" in text and 'role="meter"' in text
    assert text.count("<svg") >= 1 and "Visits per day" in text
    assert '<td data-field="site-plan">Business</td>' in text  # About This Site names the plan


def test_admin_usage_lists_sites_near_or_over_their_limits(sidecar_url, network, customers, swept):
    alice = customers["alice"]
    page = admin(sidecar_url, network, "/network/usage")
    assert page.status_code == 200
    assert f'<tr data-site="{alice["blog_id"]}">' in page.text
    assert "Alice&#39;s Bakery</a>" in page.text  # blogname unescaped once, linked
    assert f'<tr data-site="{customers["bob"]["blog_id"]}">' not in page.text  # far from limits
    assert 'data-field="worst">100 %' in page.text and 'data-meter="posts"' in page.text
    over = admin(sidecar_url, network, "/network/usage?show=over&sort=site&order=asc")
    assert f'data-site="{alice["blog_id"]}"' in over.text
    assert 'aria-sort="ascending"' in over.text
    assert admin(sidecar_url, network, "/network/usage?sort=nope").status_code == 400
    customer = call(
        sidecar_url, network, "/network/usage", aud="network", sub=alice["user_id"], blog=0
    )
    assert customer.status_code == 403


def test_admin_sets_overrides_on_the_membership_page(sidecar_url, network, customers, swept):
    membership = swept["membership"]
    path = f"/network/memberships/{membership.id}"
    page = admin(sidecar_url, network, path)
    assert page.status_code == 200 and 'id="sidecar-limit-overrides"' in page.text
    assert f'name="membership:posts" value="{swept["posts"]}"' in page.text
    form = {
        "csrf_token": csrf(page),
        "membership:posts": "",
        "membership:pages": "7",
        "site:users": "0",
        "new_key": "post_type.product",
        "new_membership": "12",
    }
    saved = admin(sidecar_url, network, f"{path}/limits", "POST", form)
    assert saved.status_code == 303
    page = admin(sidecar_url, network, path)
    assert 'name="membership:pages" value="7"' in page.text
    assert 'name="membership:posts" value=""' in page.text
    assert 'name="membership:post_type.product" value="12"' in page.text
    assert 'name="site:users" value="0"' in page.text
    bad = admin(
        sidecar_url,
        network,
        f"{path}/limits",
        "POST",
        {"csrf_token": csrf(page), "new_key": "post_type.BAD", "new_membership": "1"},
    )
    assert bad.status_code == 400


@pytest.fixture
def api_key(committed):
    key = create_key(committed, "limits test")
    yield key
    committed.execute("DELETE FROM wp_sidecar_api_keys WHERE key_id = %s", (key.split("_")[1],))


def test_api_gives_effective_limits_and_usage(sidecar_url, customers, swept, api_key):
    alice = customers["alice"]
    url = f"{sidecar_url}/api/v1/sites/{alice['blog_id']}/limits"
    body = requests.get(url, headers={"Authorization": f"Bearer {api_key}"}, timeout=10).json()
    assert body["site_id"] == alice["blog_id"] and body["plan"] == "Business"
    assert body["limits"]["posts"] == swept["posts"] and body["limits"]["pages"] == 100
    assert body["usage"]["posts"] == swept["posts"] and body["usage"]["sites"] is None
    posts = next(m for m in body["meters"] if m["key"] == "posts")
    assert posts["state"] == "full" and posts["percent"] == 100 and posts["label"] == "Posts"
    assert body["measured_at"]
    assert requests.get(url, timeout=10).status_code == 401
    missing = f"{sidecar_url}/api/v1/sites/999999/limits"
    auth = {"Authorization": f"Bearer {api_key}"}
    assert requests.get(missing, headers=auth, timeout=10).status_code == 404


def test_the_plan_form_takes_limits_per_role_and_post_type(sidecar_url, network, committed):
    form_page = admin(sidecar_url, network, "/network/products/new/plan")
    assert 'name="limit_users_role.editor"' in form_page.text  # one input per network role
    assert 'name="new_post_type"' in form_page.text
    slug = "limits-http-plan"
    committed.execute("DELETE FROM wp_sidecar_products WHERE slug = %s", (slug,))
    form = {
        "csrf_token": csrf(form_page),
        "type": "plan",
        "name": "Limits HTTP plan",
        "slug": slug,
        "price": "5",
        "currency": "EUR",
        "billing_period": "month",
        "limit_posts": "10",
        "limit_users_role.editor": "2",
        "new_post_type": "product",
        "new_post_type_limit": "25",
        "active": "1",
    }
    try:
        created = admin(sidecar_url, network, "/network/products", "POST", form)
        assert created.status_code == 303
        row = committed.fetch_one(
            "SELECT id, limits FROM wp_sidecar_products WHERE slug = %s", (slug,)
        )
        limits = json.loads(row["limits"])
        assert limits["posts"] == 10 and limits["users_role.editor"] == 2
        assert limits["post_type.product"] == 25 and limits["pages"] is None
        edit = admin(sidecar_url, network, f"/network/products/{row['id']}")
        assert 'name="limit_post_type.product" value="25"' in edit.text
        listing = admin(sidecar_url, network, "/network/products")
        assert 'data-limit="post_type.product"' in listing.text
        refused = admin(
            sidecar_url,
            network,
            "/network/products",
            "POST",
            {**form, "slug": slug + "-2", "new_post_type": "post", "csrf_token": csrf(listing)},
        )
        assert refused.status_code == 400 and "Use the Posts limit" in refused.text
    finally:
        committed.execute("DELETE FROM wp_sidecar_products WHERE slug LIKE %s", (slug + "%",))
