"""Account → Change Password and account locks, over HTTP as the shim sends them, against the
real WordPress: hashes it wrote, sessions it keeps, log-ins on wp-login.php."""

import hashlib
import html

import pytest
import requests

from sidecar.wp_bridge.passwords import check_password
from sidecar.wp_bridge.phpserial import maybe_unserialize
from sidecar.wp_bridge.tables.user_accounts import stored_password_hash

from ..security_fixtures import (
    forget_customer,
    logged_in_token,
    login_error,
    new_customer,
    wp_login,
)
from .shim_double import assertion_header, csrf_in, signed_request

pytestmark = pytest.mark.integration


@pytest.fixture
def carol(network, created, wpdb):
    customer = new_customer(network, created)
    yield customer
    forget_customer(wpdb, customer["user_id"])


def call(sidecar_url, network, customer, path, method="GET", data=None, **claims):
    claims.setdefault("sub", customer["user_id"])
    claims.setdefault("blog", customer["blog_id"])
    claims.setdefault("aud", "account")
    return signed_request(sidecar_url, network, path, method, data, timeout=60, **claims)


def csrf(page) -> str:
    return csrf_in(page)


def change(sidecar_url, network, customer, current, new, again=None, **claims):
    page = call(sidecar_url, network, customer, "/account/", **claims)
    form = {
        "current_password": current,
        "new_password": new,
        "new_password_again": new if again is None else again,
        "csrf_token": csrf(page),
    }
    return call(sidecar_url, network, customer, "/account/password", "POST", form, **claims)


def sessions(wpdb, user_id) -> dict:
    value = wpdb.fetch_value(
        "SELECT meta_value FROM wp_usermeta WHERE user_id = %s AND meta_key = 'session_tokens'",
        (user_id,),
    )
    return maybe_unserialize(value) if value else {}


def test_a_password_set_by_wordpress_verifies(network, wpdb):
    alice = next(c for c in network["customers"] if c["login"] == "alice")
    stored = stored_password_hash(wpdb, alice["user_id"])
    assert stored.startswith("$wp$2y$" if network["wp_version"] >= "6.8" else "$P$B")
    assert check_password(alice["password"], stored)
    assert not check_password(alice["password"] + "x", stored)


def test_the_account_page_shows_the_new_blocks(sidecar_url, network, carol):
    page = call(sidecar_url, network, carol, "/account/")
    assert page.status_code == 200
    for text in ("Change Password", "Danger Zone", "Delete Site", "Delete Account"):
        assert text in page.text
    assert f"<code>{carol['site_title']}</code>" in page.text


def test_change_password_through_wordpress_keeps_only_this_session(
    sidecar_url, network, carol, wpdb
):
    kept, _ = wp_login(carol["site_url"], carol["login"], carol["password"])
    other, _ = wp_login(carol["site_url"], carol["login"], carol["password"])
    assert len(sessions(wpdb, carol["user_id"])) == 2
    verifier = hashlib.sha256(logged_in_token(kept).encode()).hexdigest()

    new = "a brand new password"
    answer = change(sidecar_url, network, carol, carol["password"], new, ses=verifier)
    assert answer.status_code == 303, answer.text
    assert answer.headers["Location"] == "/account/?done=password"
    assert answer.headers["X-Sidecar-Reauth"] == "1"

    stored = stored_password_hash(wpdb, carol["user_id"])
    assert stored.startswith("$wp$2y$" if network["wp_version"] >= "6.8" else "$P$B")
    assert check_password(new, stored) and not check_password(carol["password"], stored)
    assert list(sessions(wpdb, carol["user_id"])) == [verifier]
    admin = other.get(carol["site_url"] + "wp-admin/", timeout=30, allow_redirects=False)
    assert admin.status_code == 302 and "wp-login.php" in admin.headers["Location"]
    _, again = wp_login(carol["site_url"], carol["login"], new)
    assert again.status_code == 302, login_error(again)


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        ("wrong password", "a brand new password", None, "current_password", "not your current"),
        (None, "short", None, "new_password", "Use at least 10 characters."),
        (None, "{login}", None, "new_password", "cannot be your username"),
        (None, "{email}", None, "new_password", "cannot be your username or your email"),
        (None, "a brand new password", "different", "new_password_again", "do not match"),
        (None, "{password}", None, "new_password", "different from your current one"),
    ],
)
def test_refused_changes_say_why_and_change_nothing(
    sidecar_url, network, carol, wpdb, current, new, again, field, message
):
    before = stored_password_hash(wpdb, carol["user_id"])
    new = new.format(**carol)
    answer = change(sidecar_url, network, carol, current or carol["password"], new, again)
    assert answer.status_code == 400
    text = html.unescape(answer.text)
    assert f'data-error="{field}"' in text and message in text
    assert carol["password"] not in answer.text and "a brand new password" not in answer.text
    assert stored_password_hash(wpdb, carol["user_id"]) == before


def test_wrong_passwords_lock_the_account_until_an_admin_unlocks_it(
    sidecar_url, network, carol, wpdb
):
    for _ in range(4):
        answer = change(sidecar_url, network, carol, "wrong password", "a brand new password")
        assert "not your current password" in html.unescape(answer.text)
    answer = change(sidecar_url, network, carol, "wrong password", "a brand new password")
    assert "Your account is locked" in html.unescape(answer.text)
    right = change(sidecar_url, network, carol, carol["password"], "a brand new password")
    assert right.status_code == 400 and "Your account is locked" in html.unescape(right.text)

    _, refused = wp_login(carol["site_url"], carol["login"], carol["password"])
    assert refused.status_code == 200 and "locked" in login_error(refused)

    locks = admin_call(sidecar_url, network, "/network/locks")
    assert f'data-user-id="{carol["user_id"]}"' in locks.text and carol["login"] in locks.text
    unlock = f"/network/locks/{carol['user_id']}/unlock"
    assert admin_call(sidecar_url, network, unlock, "POST", {}).status_code == 400  # no CSRF
    done = admin_call(sidecar_url, network, unlock, "POST", {"csrf_token": csrf(locks)})
    assert done.status_code == 303
    _, allowed = wp_login(carol["site_url"], carol["login"], carol["password"])
    assert allowed.status_code == 302, login_error(allowed)


def test_failed_wp_logins_lock_the_account_until_the_lock_expires(
    sidecar_url, network, carol, wpdb
):
    for attempt in range(5):
        _, answer = wp_login(carol["site_url"], carol["login"], f"wrong {attempt}")
        assert answer.status_code == 200
    _, refused = wp_login(carol["site_url"], carol["email"], carol["password"])
    assert "locked after too many failed log-ins" in login_error(refused)
    assert "Try again in 30 minutes" in login_error(refused)
    wpdb.execute(
        "UPDATE wp_sidecar_account_locks SET locked_until = UTC_TIMESTAMP() - INTERVAL 1 SECOND"
        " WHERE user_id = %s",
        (carol["user_id"],),
    )
    _, allowed = wp_login(carol["site_url"], carol["login"], carol["password"])
    assert allowed.status_code == 302, login_error(allowed)


def test_only_super_admins_see_and_unlock_locks(sidecar_url, network, carol, customers):
    bob = customers["bob"]
    answer = admin_call(sidecar_url, network, "/network/locks", sub=bob["user_id"])
    assert answer.status_code == 403
    answer = admin_call(
        sidecar_url,
        network,
        f"/network/locks/{carol['user_id']}/unlock",
        "POST",
        {},
        sub=bob["user_id"],
    )
    assert answer.status_code == 403


def test_failure_reports_need_a_valid_assertion(sidecar_url, network, carol):
    path = "/auth/login-failed"
    forged = assertion_header(
        network, "x" * 40, aud="auth", sub=carol["user_id"], blog=0, path=path, method="POST"
    )
    assert requests.post(sidecar_url + path, headers=forged, timeout=10).status_code == 401
    wrong_aud = assertion_header(
        network, aud="account", sub=carol["user_id"], blog=0, path=path, method="POST"
    )
    assert requests.post(sidecar_url + path, headers=wrong_aud, timeout=10).status_code == 401
    unknown = assertion_header(network, aud="auth", sub=987654321, blog=0, path=path, method="POST")
    assert requests.post(sidecar_url + path, headers=unknown, timeout=10).status_code == 404
    good = assertion_header(
        network, aud="auth", sub=carol["user_id"], blog=0, path=path, method="POST"
    )
    answer = requests.post(sidecar_url + path, headers=good, timeout=10)
    assert answer.status_code == 200 and answer.json() == {"locked": False, "locked_until": None}


def admin_call(sidecar_url, network, path, method="GET", data=None, sub=None):
    headers = assertion_header(
        network,
        aud="network",
        sub=sub or network["admin"]["user_id"],
        blog=0,
        path=path,
        method=method,
        base=f"{network['url']}wp-admin/network/admin.php?page=sidecar-network",
    )
    return requests.request(
        method,
        f"{sidecar_url}{path}",
        headers=headers,
        data=data,
        timeout=30,
        allow_redirects=False,
    )
