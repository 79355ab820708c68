"""The table-name builder: the one place table names for site N are made."""

import pytest

from sidecar.wp_bridge.prefix import InvalidBlogId, blog_prefix, blog_table, escape_like


@pytest.mark.parametrize("bad", ["5; DROP", -1, 0, "7", 7.0, True, None, "1"])
def test_refuses_anything_but_a_positive_int(bad):
    with pytest.raises(InvalidBlogId):
        blog_prefix("wp_", bad)


def test_main_site_uses_the_base_prefix_and_others_get_their_id():
    assert blog_prefix("wp_", 1) == "wp_"
    assert blog_prefix("wp_", 7) == "wp_7_"
    assert blog_table("wp_", 7, "options") == "`wp_7_options`"


def test_table_names_are_checked_too():
    with pytest.raises(ValueError):
        blog_table("wp_", 2, "options`; DROP TABLE x; --")


def test_like_patterns_escape_underscore_percent_and_backslash():
    assert escape_like("wp_7_%") == "wp\\_7\\_\\%"
    assert escape_like("a\\b") == "a\\\\b"
