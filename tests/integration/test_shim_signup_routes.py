"""The shim's sign-up routes (``POST /sidecar/v1/users`` and ``/sites``) on real WordPress.

Each test creates its own uniquely named users and sites and deletes them afterwards with
``wpmu_delete_blog``/``wpmu_delete_user`` in a short ``php`` run against the network's
``wp-load.php``. Nothing here needs the sidecar's web server.
"""

import html
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests

from sidecar.assertions import Claims, new_jti, sign
from sidecar.wp_bridge.prefix import blog_prefix, global_table
from sidecar.wp_bridge.rest import RestClient, RestError
from sidecar.wp_bridge.shim import ShimClient
from sidecar.wp_bridge.tables.options import get_option
from sidecar.wp_bridge.tables.sites import get_site, list_sites
from sidecar.wp_bridge.tables.users import get_user, user_roles

pytestmark = pytest.mark.integration


@pytest.fixture
def shim(network):
    return ShimClient(RestClient(network["url"], timeout=60), network["secret"], 1)


def _unique() -> str:
    return uuid.uuid4().hex[:10]


def _new_user(shim, created, suffix, **kw) -> int:
    user_id = shim.create_user(f"su{suffix}", f"su{suffix}@example.test", f"pw {suffix}!", **kw)
    created["users"].append(user_id)
    return user_id


def _error(call) -> RestError:
    with pytest.raises(RestError) as info:
        call()
    return info.value


def _admins(db, blog_id) -> list[int]:
    """Ids of every user with any capabilities row on the site (all members, not only admins)."""
    rows = db.fetch_all(
        f"SELECT user_id FROM {global_table(db.prefix, 'usermeta')} WHERE meta_key = %s",
        (f"{blog_prefix(db.prefix, blog_id)}capabilities",),
    )
    return sorted(int(row["user_id"]) for row in rows)


def _sites_of(db, user_id) -> list[int]:
    """Blog ids on which the user has a role, read site by site."""
    return [s.blog_id for s in list_sites(db, 1, limit=1000) if user_roles(db, user_id, s.blog_id)]


def test_user_then_site_makes_the_user_its_only_administrator(shim, wpdb, created, network):
    suffix = _unique()
    user_id = _new_user(shim, created, suffix, display_name="Zoe Baker")

    user = get_user(wpdb, user_id)
    assert (user.login, user.email, user.display_name) == (
        f"su{suffix}",
        f"su{suffix}@example.test",
        "Zoe Baker",
    )
    assert _sites_of(wpdb, user_id) == [], "a new user is a member of no site"

    path = f"t-{suffix}"
    title = "Zoë's Shop & Café"
    site = shim.create_site(path, title, user_id)
    created["blogs"].append(site["blog_id"])
    blog_id = site["blog_id"]

    assert site["url"] == f"{network['url'].rstrip('/')}/{path}/"
    row = get_site(wpdb, blog_id)
    assert (row.domain, row.path, row.public, row.is_active) == (
        urlsplit(network["url"]).netloc,
        f"/{path}/",
        True,
        True,
    )
    assert user_roles(wpdb, user_id, blog_id) == ["administrator"]
    assert _admins(wpdb, blog_id) == [user_id], "the new user is the site's only member"
    assert _sites_of(wpdb, user_id) == [blog_id], "and a member of no other site"
    assert get_option(wpdb, blog_id, "admin_email") == f"su{suffix}@example.test"
    assert html.unescape(get_option(wpdb, blog_id, "blogname")) == title

    # The password works for a real log-in, which lands on the user's own dashboard.
    answer = requests.post(
        f"{network['url'].rstrip('/')}/wp-login.php",
        data={"log": f"su{suffix}", "pwd": f"pw {suffix}!", "testcookie": "1"},
        cookies={"wordpress_test_cookie": "WP Cookie check"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302
    assert any(c.name.startswith("wordpress_logged_in_") for c in answer.cookies)
    assert answer.headers["Location"].startswith(site["url"])


def test_taken_login_email_and_path_are_conflicts(shim, created):
    suffix = _unique()
    user_id = _new_user(shim, created, suffix)

    taken_login = _error(
        lambda: shim.create_user(f"su{suffix}", f"other{suffix}@example.test", "pw")
    )
    assert (taken_login.status, taken_login.code) == (409, "sidecar_user_exists")
    assert "login" in taken_login.message

    taken_email = _error(
        lambda: shim.create_user(f"other{suffix}", f"SU{suffix}@Example.test", "pw")
    )
    assert (taken_email.status, taken_email.code) == (409, "sidecar_user_exists")
    assert "email" in taken_email.message

    site = shim.create_site(f"t-{suffix}", "First", user_id)
    created["blogs"].append(site["blog_id"])
    taken_path = _error(lambda: shim.create_site(f"t-{suffix}", "Second", user_id))
    assert (taken_path.status, taken_path.code) == (409, "sidecar_site_exists")
    existing = _error(lambda: shim.create_site("alice", "Alice again", user_id))
    assert (existing.status, existing.code) == (409, "sidecar_site_exists")


def test_identical_concurrent_sign_ups_create_one_user_and_one_site(shim, created):
    """WordPress has no unique index on logins: the shim's lock must stop double submits."""
    suffix = _unique()

    def attempt(call):
        try:
            return call()
        except RestError as error:
            return (error.status, error.code)

    with ThreadPoolExecutor(4) as pool:
        users = list(
            pool.map(
                lambda _: attempt(
                    lambda: shim.create_user(f"su{suffix}", f"su{suffix}@example.test", "pw")
                ),
                range(4),
            )
        )
    created["users"] += [u for u in users if isinstance(u, int)]
    assert sorted(users, key=str) == sorted(
        [created["users"][0]] + [(409, "sidecar_user_exists")] * 3, key=str
    )

    user_id = created["users"][0]
    with ThreadPoolExecutor(4) as pool:
        sites = list(
            pool.map(
                lambda _: attempt(lambda: shim.create_site(f"t-{suffix}", "Race", user_id)),
                range(4),
            )
        )
    created["blogs"] += [s["blog_id"] for s in sites if isinstance(s, dict)]
    assert len(created["blogs"]) == 1
    assert sites.count((409, "sidecar_site_exists")) == 3


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("ab", "sidecar_invalid_path"),
        ("a" * 64, "sidecar_invalid_path"),
        ("Shop", "sidecar_invalid_path"),
        ("my_shop", "sidecar_invalid_path"),
        ("my/shop", "sidecar_invalid_path"),
        ("2024", "sidecar_invalid_path"),
        ("wp-admin", "sidecar_reserved_path"),
        ("blog", "sidecar_reserved_path"),
        ("files", "sidecar_reserved_path"),
        ("www", "sidecar_reserved_path"),
        ("signup", "sidecar_reserved_path"),
        ("sample-page", "sidecar_reserved_path"),  # a page of the main site
    ],
)
def test_bad_site_paths_are_refused(shim, customers, path, code):
    error = _error(lambda: shim.create_site(path, "Title", customers["alice"]["user_id"]))
    assert (error.status, error.code) == (400, code)


def test_bad_site_and_user_input_is_refused(shim, network, customers):
    alice = customers["alice"]["user_id"]
    suffix = _unique()
    site_cases = {
        "sidecar_invalid_user_id": {"path": f"t-{suffix}", "title": "T", "user_id": 99999999},
        "sidecar_invalid_title": {"path": f"t-{suffix}", "title": "  <b></b> ", "user_id": alice},
        "sidecar_invalid_public": {
            "path": f"t-{suffix}",
            "title": "T",
            "user_id": alice,
            "public": "yes",
        },
    }
    for code, body in site_cases.items():
        error = _error(lambda body=body: shim._call("POST", "/sites", body))
        assert (error.status, error.code) == (400, code), body

    good = {"login": f"su{suffix}", "email": f"su{suffix}@example.test", "password": "pw"}
    user_cases = [
        ({"login": "has space"}, "sidecar_invalid_login"),
        ({"login": "ünïcode"}, "sidecar_invalid_login"),
        ({"login": "x" * 61}, "sidecar_invalid_login"),
        ({"login": "admin"}, "sidecar_invalid_login"),  # the network's illegal_names
        ({"login": 5}, "sidecar_invalid_login"),
        ({"email": "not-an-email"}, "sidecar_invalid_email"),
        ({"password": " padded "}, "sidecar_invalid_password"),
        ({"password": "back\\slash"}, "sidecar_invalid_password"),
        ({"password": ""}, "sidecar_invalid_password"),
        ({"display_name": 5}, "sidecar_invalid_display_name"),
    ]
    for change, code in user_cases:
        error = _error(lambda change=change: shim._call("POST", "/users", {**good, **change}))
        assert (error.status, error.code) == (400, code), change
    missing = {k: v for k, v in good.items() if k != "password"}
    error = _error(lambda: shim._call("POST", "/users", missing))
    assert (error.status, error.code) == (400, "sidecar_invalid_password")


def _token(secret, route, **changes):
    now = int(time.time())
    fields = dict(
        aud="shim",
        sub=0,
        blog=0,
        net=1,
        iat=now,
        exp=now + 60,
        jti=new_jti(),
        mth="POST",
        pth=route,
    )
    return sign(secret, Claims(**{**fields, **changes}))


def _post(network, route, token, body):
    return requests.post(
        network["url"],
        params={"rest_route": route},
        headers={"X-Sidecar-Assertion": token},
        json=body,
        timeout=30,
    )


@pytest.mark.parametrize("route", ["/sidecar/v1/users", "/sidecar/v1/sites"])
def test_forged_replayed_and_misdirected_assertions_are_refused(network, route):
    secret = network["secret"]
    invalid = {"path": "ab", "login": ""}  # valid assertions get a 400, never a creation
    other = "/sidecar/v1/sites" if route == "/sidecar/v1/users" else "/sidecar/v1/users"
    refused = {
        "forged": _token("f" * 40, route),
        "wrong audience": _token(secret, route, aud="public"),
        "other route": _token(secret, other),
        "GET token": _token(secret, route, mth="GET"),
        "blog not 0": _token(secret, route, blog=1),
    }
    for name, token in refused.items():
        answer = _post(network, route, token, invalid)
        assert answer.status_code == 401, (name, answer.text)
    assert _post(network, route, "", invalid).status_code == 401

    good = _token(secret, route)
    first = _post(network, route, good, invalid)
    assert first.status_code == 400, first.text
    replay = _post(network, route, good, invalid)
    assert (replay.status_code, replay.json()["code"]) == (401, "sidecar_replay")
