"""Account → Danger Zone over HTTP against the real WordPress: Delete Site and Delete Account
delete through WordPress; the sidecar keeps what it must (membership, anonymised invoices)
and nothing personal."""

import html
import re
from pathlib import Path

import pytest
import requests

from sidecar.domain.memberships import get_membership
from sidecar.wp_bridge.tables.sites import get_site
from sidecar.wp_bridge.tables.users import get_user

from ..security_fixtures import (
    billed_customer,
    forget_customer,
    new_customer,
    personal_billing,
)
from .shim_double import assertion_header

pytestmark = pytest.mark.integration

ACTIONS = ["/account/password", "/account/delete-site", "/account/delete-account"]


@pytest.fixture
def carol(network, created, wpdb):
    customer = new_customer(network, created)
    yield customer
    forget_customer(wpdb, customer["user_id"])


def call(sidecar_url, network, customer, path, method="GET", data=None, **claims):
    claims.setdefault("sub", customer["user_id"])
    claims.setdefault("blog", customer["blog_id"])
    headers = assertion_header(network, aud="account", path=path, method=method, **claims)
    return requests.request(
        method,
        f"{sidecar_url}{path}",
        headers=headers,
        data=data,
        timeout=120,
        allow_redirects=False,
    )


def csrf(sidecar_url, network, customer, **claims) -> str:
    page = call(sidecar_url, network, customer, "/account/", **claims)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]


def uploads_dir(network, blog_id) -> Path:
    return Path(network["wp_path"]) / "wp-content" / "uploads" / "sites" / str(blog_id)


def site_tables(wpdb, blog_id) -> list[str]:
    rows = wpdb.fetch_all(
        "SELECT table_name AS name FROM information_schema.tables"
        " WHERE table_schema = DATABASE() AND table_name LIKE %s",
        (f"wp\\_{blog_id}\\_%",),
    )
    return [row["name"] for row in rows]


def everything(network, carol, wpdb, **changes):
    form = {
        "confirm_site": "1",
        "site_name": carol["site_title"],
        "confirm_account": "1",
        "password": carol["password"],
        "current_password": carol["password"],
        "new_password": "a brand new password",
        "new_password_again": "a brand new password",
    }
    return {**form, **changes}


def test_another_customers_assertion_changes_nothing(sidecar_url, network, carol, customers, wpdb):
    bob = customers["bob"]
    hash_before = wpdb.fetch_value(
        "SELECT user_pass FROM wp_users WHERE ID = %s", (carol["user_id"],)
    )
    token = csrf(sidecar_url, network, bob)
    for path in ACTIONS:
        data = everything(network, carol, wpdb, csrf_token=token)
        answer = call(sidecar_url, network, bob, path, "POST", data, blog=carol["blog_id"])
        assert answer.status_code in (403, 404), path
    assert get_site(wpdb, carol["blog_id"]) is not None and get_user(wpdb, carol["user_id"])
    after = wpdb.fetch_value("SELECT user_pass FROM wp_users WHERE ID = %s", (carol["user_id"],))
    assert after == hash_before


def test_a_super_admin_viewing_the_account_cannot_act_for_the_owner(
    sidecar_url, network, carol, wpdb
):
    admin = {"user_id": network["admin"]["user_id"], "blog_id": carol["blog_id"]}
    token = csrf(sidecar_url, network, admin)
    for path in ACTIONS:
        data = everything(network, carol, wpdb, csrf_token=token)
        assert call(sidecar_url, network, admin, path, "POST", data).status_code == 403, path
    assert get_site(wpdb, carol["blog_id"]) is not None


def test_posts_without_csrf_are_refused(sidecar_url, network, carol, wpdb):
    for path in ACTIONS:
        answer = call(sidecar_url, network, carol, path, "POST", everything(network, carol, wpdb))
        assert answer.status_code == 400, path
        assert "This form has expired" in answer.text
    assert get_site(wpdb, carol["blog_id"]) is not None and get_user(wpdb, carol["user_id"])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"confirm_site": ""}, "confirm_site", "Turn on the confirmation"),
        ({"site_name": "Not the name"}, "site_name", "Type the site's name exactly"),
    ],
)
def test_delete_site_needs_the_toggle_and_the_name(
    sidecar_url, network, carol, wpdb, changes, field, message
):
    data = {
        "confirm_site": "1",
        "site_name": carol["site_title"],
        "csrf_token": csrf(sidecar_url, network, carol),
        **changes,
    }
    answer = call(sidecar_url, network, carol, "/account/delete-site", "POST", data)
    assert answer.status_code == 400
    text = html.unescape(answer.text)
    assert f'data-error="{field}"' in text and message in text
    assert f'value="{html.escape(data["site_name"])}"' in answer.text  # the input is kept
    assert get_site(wpdb, carol["blog_id"]) is not None


def test_delete_site_deletes_it_through_wordpress_and_keeps_the_membership(
    sidecar_url, network, carol, wpdb
):
    billed = billed_customer(wpdb, carol)
    upload = uploads_dir(network, carol["blog_id"]) / "2024" / "01" / "photo.txt"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text("a customer's upload")
    assert site_tables(wpdb, carol["blog_id"])

    data = {
        "confirm_site": "1",
        "site_name": f"  {carol['site_title']} ",
        "csrf_token": csrf(sidecar_url, network, carol),
    }
    answer = call(sidecar_url, network, carol, "/account/delete-site", "POST", data)
    assert answer.status_code == 303, answer.text
    assert (
        answer.headers["Location"] == f"{network['url'].rstrip('/')}/?sidecar_notice=site-deleted"
    )

    assert get_site(wpdb, carol["blog_id"]) is None
    assert site_tables(wpdb, carol["blog_id"]) == []
    assert not uploads_dir(network, carol["blog_id"]).exists()
    roles = wpdb.fetch_value(
        "SELECT COUNT(*) FROM wp_usermeta WHERE meta_key LIKE %s", (f"wp\\_{carol['blog_id']}\\_%",)
    )
    assert roles == 0
    membership = get_membership(wpdb, billed["membership_id"])
    assert membership.blog_id is None and membership.status == "active"
    assert wpdb.fetch_value(
        "SELECT COUNT(*) FROM wp_sidecar_customers WHERE id = %s", (billed["customer_id"],)
    )
    assert get_user(wpdb, carol["user_id"]) is not None

    notice = requests.get(answer.headers["Location"], timeout=30)
    assert "Your site was deleted." in notice.text
    network_page = requests.get(
        f"{sidecar_url}/network/memberships/{billed['membership_id']}",
        headers=assertion_header(
            network,
            aud="network",
            sub=network["admin"]["user_id"],
            blog=0,
            path=f"/network/memberships/{billed['membership_id']}",
        ),
        timeout=30,
    )
    assert "No site" in network_page.text


def test_delete_account_needs_the_toggle_and_the_password(sidecar_url, network, carol, wpdb):
    token = csrf(sidecar_url, network, carol)
    data = {"confirm_account": "", "password": "wrong password", "csrf_token": token}
    answer = call(sidecar_url, network, carol, "/account/delete-account", "POST", data)
    assert answer.status_code == 400
    text = html.unescape(answer.text)
    assert 'data-error="confirm_account"' in text and "not your current password" in text
    assert "wrong password" not in answer.text
    assert get_user(wpdb, carol["user_id"]) and get_site(wpdb, carol["blog_id"])


def test_delete_account_is_refused_to_an_admin_of_another_customers_site(
    sidecar_url, network, carol, customers, wpdb
):
    bob = customers["bob"]
    key = f"wp_{bob['blog_id']}_capabilities"
    wpdb.execute(
        "INSERT INTO wp_usermeta (user_id, meta_key, meta_value) VALUES (%s, %s, %s)",
        (carol["user_id"], key, 'a:1:{s:13:"administrator";b:1;}'),
    )
    try:
        data = {
            "confirm_account": "1",
            "password": carol["password"],
            "csrf_token": csrf(sidecar_url, network, carol),
        }
        answer = call(sidecar_url, network, carol, "/account/delete-account", "POST", data)
    finally:
        wpdb.execute(
            "DELETE FROM wp_usermeta WHERE user_id = %s AND meta_key = %s", (carol["user_id"], key)
        )
    assert answer.status_code == 400
    text = html.unescape(answer.text)
    assert "administer sites of other customers" in text and bob["site_title"] in text
    assert get_user(wpdb, carol["user_id"]) and get_site(wpdb, carol["blog_id"])


def test_delete_account_erases_personal_data_and_keeps_anonymised_invoices(
    sidecar_url, network, carol, wpdb
):
    billed = billed_customer(wpdb, carol)
    personal = [carol["email"], carol["login"], carol["display_name"]]
    personal += [v for v in personal_billing(carol).values() if len(v) > 4]
    before = find_anywhere(wpdb, personal)
    for where in (
        "wp_users.",
        "wp_sidecar_customers.",
        "wp_sidecar_invoices.",
        "wp_sidecar_events.",
    ):
        assert any(hit.startswith(where) for hit in before), where
    data = {
        "confirm_account": "1",
        "password": carol["password"],
        "csrf_token": csrf(sidecar_url, network, carol),
    }
    answer = call(sidecar_url, network, carol, "/account/delete-account", "POST", data)
    assert answer.status_code == 303, answer.text
    assert answer.headers["Location"].endswith("/?sidecar_notice=account-deleted")

    assert get_user(wpdb, carol["user_id"]) is None
    assert get_site(wpdb, carol["blog_id"]) is None and site_tables(wpdb, carol["blog_id"]) == []
    assert find_anywhere(wpdb, personal) == []

    invoices = wpdb.fetch_all(
        "SELECT id, status, billing_address FROM wp_sidecar_invoices WHERE customer_id = %s"
        " ORDER BY id",
        (billed["customer_id"],),
    )
    assert [(i["id"], i["status"]) for i in invoices] == [
        (billed["paid_invoice"], "paid"),
        (billed["pending_invoice"], "cancelled"),
    ]
    for invoice in invoices:
        assert f"Deleted customer #{billed['customer_id']}" in invoice["billing_address"]
    assert wpdb.fetch_value(
        "SELECT COUNT(*) FROM wp_sidecar_payments WHERE invoice_id = %s", (billed["paid_invoice"],)
    )
    membership = get_membership(wpdb, billed["membership_id"])
    assert (membership.status, membership.blog_id) == ("cancelled", None)
    assert wpdb.fetch_value(
        "SELECT COUNT(*) FROM wp_sidecar_events WHERE subject_type = 'user' AND subject_id = %s"
        " AND action = 'account.deleted'",
        (carol["user_id"],),
    )


def find_anywhere(wpdb, needles: list[str]) -> list[str]:
    """Every sidecar table and wp_users/wp_usermeta cell that contains one of ``needles``."""
    tables = [
        row["name"]
        for row in wpdb.fetch_all(
            "SELECT table_name AS name FROM information_schema.tables"
            " WHERE table_schema = DATABASE() AND (table_name LIKE %s"
            " OR table_name IN ('wp_users', 'wp_usermeta'))",
            ("wp\\_sidecar\\_%",),
        )
    ]
    found = []
    for name in tables:
        columns = [
            row["name"]
            for row in wpdb.fetch_all(
                "SELECT column_name AS name FROM information_schema.columns WHERE table_schema ="
                " DATABASE() AND table_name = %s AND data_type IN"
                " ('char', 'varchar', 'text', 'mediumtext', 'longtext', 'tinytext')",
                (name,),
            )
        ]
        for column in columns:
            for needle in needles:
                hits = wpdb.fetch_value(
                    f"SELECT COUNT(*) FROM `{name}` WHERE `{column}` LIKE %s",
                    (f"%{needle}%",),
                )
                if hits:
                    found.append(f"{name}.{column}: {needle}")
    return found
