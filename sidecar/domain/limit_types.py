"""The kinds of limit a plan sets (disk space, posts, …) and how packages extend them.

A plan stores ``{key: int or None}``; None (or 0, or a missing key) means unlimited. A package
stores the amounts it adds, ``{key: int}``. ``LIMIT_TYPES`` is the one ordered registry: the
plan form, the Account page and the enforcement jobs all iterate it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class LimitType:
    """One kind of limit: its key in ``limits``, what people call it, its unit, a hint."""

    key: str
    label: str
    unit: str
    help: str


def _registry(*types: LimitType) -> dict[str, LimitType]:
    return {limit.key: limit for limit in types}


LIMIT_TYPES: dict[str, LimitType] = _registry(
    LimitType("disk_mb", "Disk space", "MB", "Uploads and files of the site, in megabytes."),
    LimitType("posts", "Posts", "posts", "Published and draft posts."),
    LimitType("pages", "Pages", "pages", "Published and draft pages."),
    LimitType("users", "Users", "users", "People with an account on the site."),
    LimitType("sites", "Sites", "sites", "Sites the customer may run with this membership."),
    LimitType("visits_month", "Visits", "visits / month", "Page visits in a calendar month."),
    LimitType("domains", "Custom domains", "domains", "Own domain names mapped to the site."),
    LimitType("templates", "Site templates", "templates", "Site templates the customer may use."),
)


def effective_limits(
    plan_limits: Mapping[str, int | None], packages: list[tuple[Mapping[str, int | None], int]]
) -> dict[str, int | None]:
    """Return every limit type's allowance: the plan's value plus each package's amount times
    its quantity; None means unlimited (the plan's value is None, 0 or missing).

    Raises ValueError when a quantity is negative.
    """
    result: dict[str, int | None] = {}
    for key in LIMIT_TYPES:
        base = plan_limits.get(key)
        if not base:
            result[key] = None
            continue
        result[key] = int(base) + sum(
            _added(limits, key, quantity) for limits, quantity in packages
        )
    return result


def _added(package_limits: Mapping[str, int | None], key: str, quantity: int) -> int:
    if quantity < 0:
        raise ValueError(f"a package quantity cannot be negative ({quantity})")
    return int(package_limits.get(key) or 0) * quantity
