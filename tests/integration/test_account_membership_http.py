"""Account → Your Membership, Change and Billing address over HTTP, as the shim sends them."""

import html

import pytest

from sidecar.domain.memberships import membership_for_site
from sidecar.wp_bridge.db import connect

from ..billing_fixtures import fresh_membership
from .shim_double import csrf_in, signed_request

pytestmark = pytest.mark.integration


@pytest.fixture
def committed(settings, migrated):
    conn = connect(settings.database)
    yield conn
    conn.close()


def call(sidecar_url, network, customer, path, method="GET", data=None, blog=None, **claims):
    return signed_request(
        sidecar_url,
        network,
        path,
        method,
        data,
        timeout=15,
        aud="account",
        sub=customer["user_id"],
        blog=blog or customer["blog_id"],
        **claims,
    )


def csrf(page):
    return csrf_in(page)


def test_your_membership_block_shows_the_membership(sidecar_url, network, customers, committed):
    alice = customers["alice"]
    _, membership, _ = fresh_membership(committed, alice, "business")
    page = call(sidecar_url, network, alice, "/account/")
    assert page.status_code == 200
    for text in (membership.number, "Business", "€29.00", "Monthly", "Active"):
        assert text in page.text
    assert 'data-limit="posts">500 posts' in page.text


def test_upgrade_over_http_with_confirmation(sidecar_url, network, customers, committed):
    alice = customers["alice"]
    products, membership, _ = fresh_membership(committed, alice, "starter")
    options = call(sidecar_url, network, alice, "/account/change")
    assert "Choose Business" in options.text and "Buy Extra 5 GB disk" in options.text
    path = f"/account/change/plan/{products['business']}"
    summary = call(sidecar_url, network, alice, path)
    assert summary.status_code == 200 and "To pay now" in summary.text
    token = csrf(summary)
    missing = call(sidecar_url, network, alice, path, "POST", {"version": membership.version})
    assert missing.status_code == 400
    done = call(
        sidecar_url,
        network,
        alice,
        path,
        "POST",
        {"version": membership.version, "csrf_token": token},
    )
    assert done.status_code == 303 and done.headers["Location"] == "/account/?done=plan"
    stale = call(
        sidecar_url,
        network,
        alice,
        path,
        "POST",
        {"version": membership.version, "csrf_token": token},
    )
    assert stale.status_code == 409
    assert membership_for_site(committed, alice["blog_id"]).plan_id == products["business"]


def test_another_customer_cannot_touch_alices_membership(
    sidecar_url, network, customers, committed
):
    alice, bob = customers["alice"], customers["bob"]
    products, membership, _ = fresh_membership(committed, alice, "starter")
    for path, method in [
        ("/account/", "GET"),
        ("/account/change", "GET"),
        (f"/account/change/plan/{products['business']}", "POST"),
        (f"/account/change/package/{products['extra-5-gb-disk']}", "POST"),
        ("/account/billing-address", "POST"),
    ]:
        answer = call(
            sidecar_url,
            network,
            bob,
            path,
            method,
            {"version": membership.version},
            blog=alice["blog_id"],
        )
        assert answer.status_code == 403, path
        assert membership.number not in answer.text
    assert membership_for_site(committed, alice["blog_id"]).version == membership.version


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"billing_country": "XX"}, "billing_country", "Choose a country from the list."),
        ({"billing_postcode": ""}, "billing_postcode", "Postcode is required for this country."),
        ({"billing_name": "<script>x</script>"}, "billing_name", "cannot contain <, >"),
        ({"billing_city": "x" * 101}, "billing_city", "at most 100 characters"),
        ({"billing_address_1": ""}, "billing_address_1", "Address"),
    ],
)
def test_bad_billing_address_is_refused_and_nothing_is_written(
    sidecar_url, network, customers, committed, changes, field, message
):
    alice = customers["alice"]
    fresh_membership(committed, alice, "starter")
    before = committed.fetch_one(
        "SELECT * FROM wp_sidecar_customers WHERE user_id = %s", (alice["user_id"],)
    )
    page = call(sidecar_url, network, alice, "/account/")
    form = {
        "billing_name": "Alice Baker",
        "billing_address_1": "Veldstraat 10",
        "billing_city": "Gent",
        "billing_postcode": "9000",
        "billing_country": "BE",
        "csrf_token": csrf(page),
        **changes,
    }
    answer = call(sidecar_url, network, alice, "/account/billing-address", "POST", form)
    assert answer.status_code == 400
    assert message in html.unescape(answer.text)
    assert 'data-open="1"' in answer.text  # the dialog opens again with the input kept
    after = committed.fetch_one(
        "SELECT * FROM wp_sidecar_customers WHERE user_id = %s", (alice["user_id"],)
    )
    assert after == before


def test_good_billing_address_is_saved(sidecar_url, network, customers, committed):
    alice = customers["alice"]
    fresh_membership(committed, alice, "starter")
    page = call(sidecar_url, network, alice, "/account/")
    form = {
        "billing_name": "Zoë Ångström",
        "billing_address_1": "Veldstraat 10",
        "billing_city": "Gent",
        "billing_postcode": "9000",
        "billing_country": "be",
        "csrf_token": csrf(page),
    }
    answer = call(sidecar_url, network, alice, "/account/billing-address", "POST", form)
    assert answer.status_code == 303
    shown = call(sidecar_url, network, alice, "/account/?done=billing")
    assert "Zoë Ångström" in shown.text and "Belgium" in shown.text
