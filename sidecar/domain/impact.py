"""What a plan change means for what the site already has: "You have 130 posts; the new plan
allows 100." Content over a lower limit stays; nothing new can be added beyond it."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext, ngettext

from ..i18n import format_number
from ..wp_bridge.db import Database
from .limit_types import POST_TYPE_PREFIX, ROLE_PREFIX, limit_type
from .meters import amount_text
from .usage import SiteUsage, live_usage


def impact(db: Database, blog_id: int | None, new_limits: Mapping[str, int | None]) -> list[str]:
    """The lines for the Change summary: one per limit the site's current usage reaches or
    passes under ``new_limits`` (posts and users counted now; disk and visits as last
    measured). Empty for a membership without a site."""
    if not blog_id:
        return []
    return impact_lines(new_limits, live_usage(db, blog_id))


def impact_lines(new_limits: Mapping[str, int | None], usage: SiteUsage) -> list[str]:
    """The sentences for each limited, measured key whose usage is at or over the new limit."""
    lines = []
    for key, allowed in new_limits.items():
        used = usage.used(key)
        if allowed is None or used is None or used < allowed:
            continue
        lines.append(_sentence(key, used, allowed))
    return lines


def _sentence(key: str, used: int | float, allowed: int) -> str:
    facts = {"usage": _usage(key, used), "allowance": _allowance(key, allowed)}
    if used == allowed:
        return gettext("%(usage)s; %(allowance)s, so you cannot add more.", **facts)
    return gettext("%(usage)s; %(allowance)s.", **facts)


def _usage(key: str, used: int | float) -> str:
    """What the site has now: "You have 130 posts"."""
    limit = limit_type(key)
    count = int(used)
    num = format_number(used)
    if key == "disk_mb":
        return gettext("You use %(amount)s of disk space", amount=amount_text(limit, used))
    if key == "visits_month":
        return ngettext(
            "You have had %(count)s visit this month",
            "You have had %(count)s visits this month",
            count,
            count=num,
        )
    if key.startswith(POST_TYPE_PREFIX):
        return ngettext(
            "You have %(count)s item of the post type %(type)s",
            "You have %(count)s items of the post type %(type)s",
            count,
            count=num,
            type=key[len(POST_TYPE_PREFIX) :],
        )
    if key.startswith(ROLE_PREFIX):
        return ngettext(
            "You have %(count)s user with the role %(role)s",
            "You have %(count)s users with the role %(role)s",
            count,
            count=num,
            role=key[len(ROLE_PREFIX) :].replace("_", " "),
        )
    if key == "posts":
        return ngettext("You have %(count)s post", "You have %(count)s posts", count, count=num)
    if key == "pages":
        return ngettext("You have %(count)s page", "You have %(count)s pages", count, count=num)
    if key == "users":
        return ngettext("You have %(count)s user", "You have %(count)s users", count, count=num)
    return gettext("You have %(count)s %(unit)s", count=num, unit=limit.unit)


def _allowance(key: str, allowed: int) -> str:
    """What the new plan allows: "the new plan allows 100"."""
    amount = format_number(allowed)
    if key == "disk_mb":
        return gettext("the new plan allows %(amount)s MB", amount=amount)
    if key == "visits_month":
        return gettext("the new plan allows %(amount)s a month", amount=amount)
    return gettext("the new plan allows %(amount)s", amount=amount)
