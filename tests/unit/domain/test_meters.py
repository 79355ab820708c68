"""Meters: percent, states at 80 % and 100 %, texts, the worst limit."""

from sidecar.domain.meters import meters, worst
from sidecar.domain.usage import MB, SiteUsage


def usage(**changes):
    base = {
        "blog_id": 7,
        "post_types": {"post": 79, "page": 80, "product": 101},
        "users": 3,
        "roles": {"editor": 2},
        "disk_bytes": 512 * MB,
        "visits_month": 0,
    }
    return SiteUsage(**{**base, **changes})


def by_key(limits, site_usage):
    return {m.key: m for m in meters(limits, site_usage)}


def test_states_at_the_thresholds():
    found = by_key(
        {"posts": 100, "pages": 100, "post_type.product": 100, "users": 3, "sites": 1},
        usage(),
    )
    assert (found["posts"].percent, found["posts"].state) == (79, "ok")
    assert (found["pages"].percent, found["pages"].state) == (80, "warning")
    assert (found["post_type.product"].percent, found["post_type.product"].state) == (101, "full")
    assert found["users"].state == "full"  # exactly at the limit: nothing more fits
    assert found["sites"].state == "unmeasured" and found["sites"].used is None


def test_unlimited_and_disk_in_megabytes():
    found = by_key({"posts": None, "disk_mb": 1000, "users_role.editor": 2}, usage())
    assert found["posts"].state == "unlimited" and found["posts"].allowed_text == "Unlimited"
    assert found["disk_mb"].used == 512.0 and found["disk_mb"].percent == 51
    assert found["disk_mb"].used_text == "512.0 MB" and found["disk_mb"].allowed_text == "1,000 MB"
    assert found["users_role.editor"].state == "full"


def test_disk_not_measured():
    assert by_key({"disk_mb": 10}, usage(disk_bytes=None))["disk_mb"].state == "unmeasured"


def test_worst_picks_the_highest_percentage():
    site_meters = meters({"posts": 100, "pages": 100, "disk_mb": None}, usage())
    assert worst(site_meters) == (80, "pages")
    assert worst(meters({"posts": None}, usage())) == (None, "")
