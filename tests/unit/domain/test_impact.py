"""The Change summary's lines about what the site already has."""

from sidecar.domain.impact import impact_lines
from sidecar.domain.usage import MB, SiteUsage

USAGE = SiteUsage(
    blog_id=2,
    post_types={"post": 130, "page": 20, "product": 1},
    users=6,
    roles={"editor": 1},
    disk_bytes=1500 * MB,
    visits_month=12000,
)


def test_only_limits_reached_or_passed_are_named():
    lines = impact_lines(
        {
            "posts": 100,
            "pages": 20,
            "users": 5,
            "disk_mb": 1000,
            "visits_month": 10000,
            "post_type.product": 1,
            "users_role.editor": 3,
            "domains": 1,
            "sites": None,
        },
        USAGE,
    )
    assert lines == [
        "You have 130 posts; the new plan allows 100.",
        "You have 20 pages; the new plan allows 20, so you cannot add more.",
        "You have 6 users; the new plan allows 5.",
        "You use 1,500.0 MB of disk space; the new plan allows 1,000 MB.",
        "You have had 12,000 visits this month; the new plan allows 10,000 a month.",
        "You have 1 item of the post type product; the new plan allows 1, so you cannot add more.",
    ]


def test_nothing_when_everything_fits():
    assert impact_lines({"posts": 500, "users": None, "users_role.editor": 2}, USAGE) == []
