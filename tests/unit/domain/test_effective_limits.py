"""Effective limits with dynamic keys (post types, roles) and admin overrides."""

import pytest

from sidecar.domain.limit_types import (
    LIMIT_TYPES,
    effective_limits,
    is_limit_key,
    key_problem,
    limit_keys,
    limit_type,
)


def test_dynamic_keys_are_validated_by_pattern():
    assert is_limit_key("post_type.product")
    assert is_limit_key("post_type.wc-order_2")
    assert is_limit_key("users_role.shop_manager")
    assert not is_limit_key("post_type.")
    assert not is_limit_key("post_type.Product")
    assert not is_limit_key("post_type.a_very_long_post_type_name")  # > 20
    assert not is_limit_key("users_role.edit or")
    assert not is_limit_key("bogus")
    assert "Posts" in key_problem("post_type.post")
    assert "taken" in key_problem("post_type.users")


def test_limit_type_describes_dynamic_keys():
    assert limit_type("post_type.product").label == "Post type: product"
    assert limit_type("users_role.shop_manager").label == "Users: shop manager"
    assert limit_type("posts") is LIMIT_TYPES["posts"]
    with pytest.raises(KeyError):
        limit_type("post_type.NOPE")


def test_keys_are_fixed_first_then_post_types_then_roles():
    keys = limit_keys({"users_role.editor": 2, "post_type.zebra": 1, "post_type.apple": 3, "x": 1})
    assert keys == [*LIMIT_TYPES, "post_type.apple", "post_type.zebra", "users_role.editor"]


def test_packages_add_to_dynamic_keys_the_plan_limits():
    plan = {"posts": 10, "post_type.product": 50, "users_role.editor": 2}
    limits = effective_limits(plan, [({"post_type.product": 25, "users_role.author": 5}, 2)])
    assert limits["post_type.product"] == 100
    assert limits["users_role.editor"] == 2
    assert "users_role.author" not in limits  # the plan does not limit authors


def test_overrides_replace_in_order_membership_then_site():
    plan = {"posts": 10, "pages": 5, "disk_mb": 100}
    packages = [({"disk_mb": 50}, 2)]
    membership = {"posts": 20, "disk_mb": 0, "post_type.event": 3}
    site = {"posts": 30}
    limits = effective_limits(plan, packages, [membership, site])
    assert limits["posts"] == 30  # the site's override wins
    assert limits["pages"] == 5  # no override: plan
    assert limits["disk_mb"] is None  # 0 = unlimited, replacing 100 + 2 × 50
    assert limits["post_type.event"] == 3  # an override may limit what the plan does not
    assert effective_limits(plan, packages)["disk_mb"] == 200


def test_an_override_of_none_means_unlimited():
    assert effective_limits({"users": 5}, [], [{"users": None}])["users"] is None


def test_a_negative_quantity_is_refused_even_for_unlimited_keys():
    with pytest.raises(ValueError):
        effective_limits({}, [({"posts": 1}, -1)])
