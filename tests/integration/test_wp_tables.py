"""Typed readers over the real network's tables."""

import html

import pytest

from sidecar.domain.ownership import is_super_admin, site_owner
from sidecar.wp_bridge.tables.networks import get_network, super_admin_logins
from sidecar.wp_bridge.tables.options import get_option, get_options
from sidecar.wp_bridge.tables.sites import get_site, list_sites
from sidecar.wp_bridge.tables.users import get_user, user_roles

pytestmark = pytest.mark.integration


def test_network_and_super_admins(db, network):
    assert get_network(db, 1).domain == network["url"].split("://")[1].rstrip("/")
    assert super_admin_logins(db, 1) == [network["admin"]["login"]]


def test_sites_and_their_options(db, customers):
    alice = customers["alice"]
    site = get_site(db, alice["blog_id"])
    assert site.path == "/alice/" and site.is_active
    # WordPress stores the title HTML-escaped; the bridge returns the stored value as it is.
    assert html.unescape(get_option(db, alice["blog_id"], "blogname")) == alice["site_title"]
    assert get_option(db, alice["blog_id"], "no_such_option", "dflt") == "dflt"
    roles = get_options(db, alice["blog_id"], [f"wp_{alice['blog_id']}_user_roles"])
    assert "administrator" in next(iter(roles.values()))  # a serialized array, decoded
    ids = [s.blog_id for s in list_sites(db, 1)]
    assert ids == sorted(ids) and alice["blog_id"] in ids


def test_users_roles_and_owners(db, customers, network):
    alice, bob = customers["alice"], customers["bob"]
    assert get_user(db, alice["user_id"]).email == alice["email"]
    assert user_roles(db, alice["user_id"], alice["blog_id"]) == ["administrator"]
    assert user_roles(db, alice["user_id"], bob["blog_id"]) == []
    assert site_owner(db, alice["blog_id"]).id == alice["user_id"]
    assert site_owner(db, bob["blog_id"]).id == bob["user_id"]
    assert not is_super_admin(db, 1, get_user(db, alice["user_id"]))
