"""The sidecar_enforcement option's shape (docs/limits.md) and its fingerprint."""

from datetime import datetime

from sidecar.domain.enforcement import digest, enforced_limits, payload
from sidecar.domain.usage import SiteUsage
from sidecar.wp_bridge import phpserial

NOW = datetime(2025, 3, 15, 12, 0, 0)


def test_limits_by_slug_roles_nested_unlimited_left_out():
    limits = {
        "disk_mb": 1000,
        "posts": 100,
        "pages": 20,
        "users": 5,
        "sites": 1,
        "visits_month": 10000,
        "domains": 2,
        "templates": None,
        "post_type.product": 50,
        "users_role.editor": 2,
        "users_role.author": None,
    }
    assert enforced_limits(limits) == {
        "disk_mb": 1000,
        "post": 100,
        "page": 20,
        "users": 5,
        "visits_month": 10000,
        "product": 50,
        "users_role": {"editor": 2},
    }


def test_payload_shape_and_php_serialisation():
    usage = SiteUsage(blog_id=2, disk_bytes=123456789, visits_month=10000, measured_at=NOW)
    value = payload({"visits_month": 10000, "posts": None}, usage, NOW)
    assert list(value) == ["v", "limits", "disk_used_bytes", "visits_blocked", "updated"]
    assert value["v"] == 1 and value["limits"] == {"visits_month": 10000}
    assert value["visits_blocked"] is True
    assert value["updated"] == 1742040000
    assert phpserial.loads(phpserial.dumps(value)) == value


def test_visits_unblock_in_a_new_month_and_disk_left_out_when_not_measured():
    usage = SiteUsage(blog_id=2, visits_month=99999, measured_at=datetime(2025, 2, 28, 23, 50))
    value = payload({"visits_month": 10}, usage, NOW)
    assert value["visits_blocked"] is False
    assert "disk_used_bytes" not in value
    assert payload({}, None, NOW)["visits_blocked"] is False


def test_the_fingerprint_ignores_the_time_only():
    one = payload({"posts": 5}, None, NOW)
    later = payload({"posts": 5}, None, datetime(2025, 3, 16))
    other = payload({"posts": 6}, None, NOW)
    assert digest(one) == digest(later) != digest(other)
