"""Public sign-up over HTTP (as the shim proxies /signup/): refused input creates nothing; a
good form creates the user and site through WordPress, the membership and its first invoice."""

import html
import re
import uuid

import pytest
import requests

from sidecar.domain.memberships import membership_for_site
from sidecar.wp_bridge.tables.users import find_users_by_email, user_roles

from ..billing_fixtures import reset_customer
from .shim_double import assertion_header

pytestmark = pytest.mark.integration


@pytest.fixture
def catalog(wpdb):
    from sidecar.domain.catalog_demo import seed_demo_catalog

    return seed_demo_catalog(wpdb)


def call(sidecar_url, network, method="GET", data=None):
    headers = assertion_header(
        network, aud="public", sub=0, blog=1, path="/public/signup/", method=method, ses=""
    )
    return requests.request(
        method,
        f"{sidecar_url}/public/signup/",
        headers=headers,
        data=data,
        timeout=60,
        allow_redirects=False,
    )


def form(page, catalog, **changes):
    name = f"t{uuid.uuid4().hex[:8]}"
    data = {
        "plan_id": catalog["starter"],
        "site_path": name,
        "site_title": f"Shop {name}",
        "username": name,
        "email": f"{name}@example.test",
        "password": "long enough pw",
        "password_again": "long enough pw",
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1],
    }
    return {**data, **changes}


def test_the_form_lists_active_plans(sidecar_url, network, catalog):
    page = call(sidecar_url, network)
    assert page.status_code == 200
    assert "Starter" in page.text and "Business" in page.text and "Extra 5 GB disk" in page.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "alice"}, "username", "This username is taken"),
        ({"email": "bob@example.test"}, "email", "An account with this email address exists"),
        ({"site_path": "alice"}, "site_path", "This address is taken"),
        ({"site_path": "wp-admin"}, "site_path", "This address is reserved"),
        ({"site_path": "A b"}, "site_path", "lowercase letters"),
        ({"password_again": "different!!"}, "password_again", "do not match"),
        ({"plan_id": "999999"}, "plan_id", ""),
        ({"discount_code": "NOPE"}, "discount_code", ""),
        ({"email": "not-an-email"}, "email", "valid email"),
    ],
)
def test_refused_input_names_the_field_and_creates_nothing(
    sidecar_url, network, catalog, wpdb, changes, field, message
):
    data = form(call(sidecar_url, network), catalog, **changes)
    users_before = wpdb.fetch_value("SELECT COUNT(*) FROM wp_users")
    sites_before = wpdb.fetch_value("SELECT COUNT(*) FROM wp_blogs")
    answer = call(sidecar_url, network, "POST", data)
    assert answer.status_code == 400
    assert f'data-error="{field}"' in answer.text
    assert message in html.unescape(answer.text)
    assert wpdb.fetch_value("SELECT COUNT(*) FROM wp_users") == users_before
    assert wpdb.fetch_value("SELECT COUNT(*) FROM wp_blogs") == sites_before


def test_sign_up_creates_user_site_membership_and_invoice(
    sidecar_url, network, catalog, wpdb, created
):
    data = form(
        call(sidecar_url, network),
        catalog,
        package_ids=[catalog["extra-5-gb-disk"]],
        discount_code="welcome10",
    )
    answer = call(sidecar_url, network, "POST", data)
    assert answer.status_code == 200, answer.text
    (user,) = find_users_by_email(wpdb, data["email"])
    created["users"].append(user.id)
    blog_id = wpdb.fetch_value(
        "SELECT blog_id FROM wp_blogs WHERE path = %s", (f"/{data['site_path']}/",)
    )
    created["blogs"].append(blog_id)
    assert user_roles(wpdb, user.id, blog_id) == ["administrator"]
    assert user_roles(wpdb, user.id, 1) == []
    membership = membership_for_site(wpdb, blog_id)
    assert membership.status == "pending" and membership.number in answer.text
    assert [p.product_id for p in membership.packages] == [catalog["extra-5-gb-disk"]]
    assert "€12.60" in answer.text  # (9 + 5) less 10 % on the first payment
    reset_customer(wpdb, user.id)
