"""The kinds of limit a plan sets (disk space, posts, …) and how packages extend them.

A plan stores ``{key: int or None}``; None (or 0, or a missing key) means unlimited. A package
stores the amounts it adds, ``{key: int}``. ``LIMIT_TYPES`` is the one ordered registry of the
fixed keys: the plan form, the Account page and the enforcement jobs all iterate it. Two
families of keys are dynamic, validated by pattern: ``post_type.<slug>`` (a public custom post
type) and ``users_role.<role>`` (users with one role); ``limit_type(key)`` describes any key.

What each key counts is in docs/limits.md (published, private and scheduled posts; users with a
role on the site; bytes under the uploads folder; unique visitors per day over the month).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext, lazy_gettext


@dataclass(frozen=True)
class LimitType:
    """One kind of limit: its key in ``limits``, what people call it, its unit, a hint."""

    key: str
    label: str
    unit: str
    help: str


def _registry(*types: LimitType) -> dict[str, LimitType]:
    return {limit.key: limit for limit in types}


# Labels, units and hints are lazy strings: they are read in the viewer's language.
LIMIT_TYPES: dict[str, LimitType] = _registry(
    LimitType(
        "disk_mb",
        lazy_gettext("Disk space"),
        lazy_gettext("MB"),
        lazy_gettext("Uploads and files of the site, in megabytes."),
    ),
    LimitType(
        "posts",
        lazy_gettext("Posts"),
        lazy_gettext("posts"),
        lazy_gettext("Published, private and scheduled posts (not drafts or trash)."),
    ),
    LimitType(
        "pages",
        lazy_gettext("Pages"),
        lazy_gettext("pages"),
        lazy_gettext("Published, private and scheduled pages (not drafts or trash)."),
    ),
    LimitType(
        "users",
        lazy_gettext("Users"),
        lazy_gettext("users"),
        lazy_gettext("People with a role on the site."),
    ),
    LimitType(
        "sites",
        lazy_gettext("Sites"),
        lazy_gettext("sites"),
        lazy_gettext("Sites the customer may run with this membership."),
    ),
    LimitType(
        "visits_month",
        lazy_gettext("Visits"),
        lazy_gettext("visits / month"),
        lazy_gettext("Page visits in a calendar month."),
    ),
    LimitType(
        "domains",
        lazy_gettext("Custom domains"),
        lazy_gettext("domains"),
        lazy_gettext("Own domain names mapped to the site."),
    ),
    LimitType(
        "templates",
        lazy_gettext("Site templates"),
        lazy_gettext("templates"),
        lazy_gettext("Site templates the customer may use."),
    ),
)


POST_TYPE_PREFIX = "post_type."
ROLE_PREFIX = "users_role."
_POST_TYPE = re.compile(r"^[a-z0-9_-]{1,20}$")  # WordPress post type keys: ≤ 20, sanitize_key
_ROLE = re.compile(r"^[a-z0-9_-]{1,60}$")
_BUILT_IN_TYPES = {"post": "posts", "page": "pages"}
# Keys of the enforcement option's ``limits`` array that post type slugs share (docs/limits.md).
_TAKEN_NAMES = ("users", "users_role", "disk_mb", "visits_month", "sites", "domains", "templates")


def key_problem(key: str) -> str | None:
    """Return why ``key`` is not a limit key (a sentence for people), or None when it is one."""
    if key in LIMIT_TYPES:
        return None
    if isinstance(key, str) and key.startswith(POST_TYPE_PREFIX):
        slug = key[len(POST_TYPE_PREFIX) :]
        if slug in _BUILT_IN_TYPES:
            return gettext(
                "Use the %(limit)s limit for the post type %(type)s.",
                limit=LIMIT_TYPES[_BUILT_IN_TYPES[slug]].label,
                type=slug,
            )
        if slug in _TAKEN_NAMES:
            return gettext(
                "A post type cannot be called %(type)s here (the name is taken by a limit).",
                type=slug,
            )
        if not _POST_TYPE.match(slug):
            return gettext(
                "A post type is 1 to 20 lowercase letters, digits, - or _ (e.g. product)."
            )
        return None
    if isinstance(key, str) and key.startswith(ROLE_PREFIX):
        if not _ROLE.match(key[len(ROLE_PREFIX) :]):
            return gettext("A role is 1 to 60 lowercase letters, digits, - or _ (e.g. editor).")
        return None
    return gettext("Unknown limit type %(key)s.", key=key)


def is_limit_key(key: str) -> bool:
    """True for a fixed key of ``LIMIT_TYPES`` or a well-formed dynamic key."""
    return key_problem(key) is None


@lru_cache(maxsize=1024)
def limit_type(key: str) -> LimitType:
    """Describe any limit key, fixed or dynamic. Raises KeyError for anything else."""
    if key in LIMIT_TYPES:
        return LIMIT_TYPES[key]
    if not is_limit_key(key):
        raise KeyError(key)
    if key.startswith(POST_TYPE_PREFIX):
        slug = key[len(POST_TYPE_PREFIX) :]
        return LimitType(
            key,
            lazy_gettext("Post type: %(type)s", type=slug),
            lazy_gettext("items"),
            lazy_gettext(
                "Published, private and scheduled items of the post type %(type)s.", type=slug
            ),
        )
    role = key[len(ROLE_PREFIX) :]
    return LimitType(
        key,
        lazy_gettext("Users: %(role)s", role=role.replace("_", " ")),
        lazy_gettext("users"),
        lazy_gettext("People with the role %(role)s on the site.", role=role),
    )


def limit_keys(*limit_maps: Mapping[str, object]) -> list[str]:
    """Every fixed key in registry order, then the dynamic keys found in ``limit_maps``
    (post types, then roles, each sorted); malformed keys are left out."""
    dynamic = {key for limits in limit_maps for key in limits if key not in LIMIT_TYPES}
    ordered = sorted(k for k in dynamic if is_limit_key(k))
    return [*LIMIT_TYPES, *sorted(ordered, key=lambda k: not k.startswith(POST_TYPE_PREFIX))]


def effective_limits(
    plan_limits: Mapping[str, int | None],
    packages: list[tuple[Mapping[str, int | None], int]],
    overrides: Sequence[Mapping[str, int | None]] = (),
) -> dict[str, int | None]:
    """Return every limit's allowance: the plan's value plus each package's amount times its
    quantity (None = unlimited: the plan's value is None, 0 or missing), then each layer of
    ``overrides`` in order (membership, then site) replacing the value of the keys it names
    (an override of None or 0 means unlimited). Fixed keys always appear; dynamic keys when the
    plan or an override names them.

    Raises ValueError when a quantity is negative.
    """
    for _, quantity in packages:
        if quantity < 0:
            raise ValueError(f"a package quantity cannot be negative ({quantity})")
    result: dict[str, int | None] = {}
    for key in limit_keys(plan_limits, *overrides):
        result[key] = _plan_and_packages(plan_limits.get(key), key, packages)
        for layer in overrides:
            if key in layer:
                result[key] = int(layer[key]) if layer[key] else None
    return result


def _plan_and_packages(
    base: int | None, key: str, packages: Iterable[tuple[Mapping[str, int | None], int]]
) -> int | None:
    if not base:
        return None
    return int(base) + sum(int(limits.get(key) or 0) * quantity for limits, quantity in packages)
