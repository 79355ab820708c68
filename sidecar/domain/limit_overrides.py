"""A network admin's limit overrides on the membership page: per membership (follows the
membership) and per site (follows the site). An override replaces plan + packages for that
limit; 0 means unlimited; a blank field means no override."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext

from ..errors import Invalid
from ..store import limit_overrides as store
from ..wp_bridge import WordPress
from ..wp_bridge.db import Database
from . import catalog
from .enforcement import clear_site_caches, publish
from .events import Actor, record
from .limit_types import LimitType, effective_limits, key_problem, limit_keys, limit_type
from .memberships import Membership, get_membership


@dataclass(frozen=True)
class OverrideRow:
    """One line of the overrides form."""

    limit: LimitType
    from_plan: int | None
    membership: int | None
    site: int | None
    has_membership: bool
    has_site: bool
    effective: int | None


@dataclass(frozen=True)
class OverrideForm:
    membership: Membership
    rows: list[OverrideRow]


def override_form(db: Database, membership: Membership) -> OverrideForm:
    """Every limit of the membership with its plan value, the overrides and the result."""
    plan = catalog.get_product(db, membership.plan_id)
    packages = [
        (catalog.get_product(db, p.product_id).limits, p.quantity) for p in membership.packages
    ]
    layers = store.for_scopes(db, _scopes(membership))
    own = layers[("membership", membership.id)]
    site = layers.get(("site", membership.blog_id), {})
    base = effective_limits(plan.limits, packages)
    final = effective_limits(plan.limits, packages, [own, site])
    rows = [
        OverrideRow(
            limit_type(key),
            base.get(key),
            own.get(key),
            site.get(key),
            key in own,
            key in site,
            final.get(key),
        )
        for key in limit_keys(plan.limits, own, site)
    ]
    return OverrideForm(membership, rows)


def save_overrides(
    wp: WordPress, membership_id: int, values: dict[str, dict], actor: Actor, now: datetime
) -> None:
    """Replace the membership's and its site's overrides (``{"membership": {key: value},
    "site": {…}}``), record the change, publish the site's enforcement option at once and
    clear its caches. Raises Invalid (bad key or value, or site overrides without a site)
    and NotFound."""
    _check(values)
    with wp.db.transaction():
        membership = get_membership(wp.db, membership_id, for_update=True)
        if values.get("site") and not membership.blog_id:
            raise Invalid(
                {"site": [gettext("This membership has no site to override limits for.")]}
            )
        before = store.for_scopes(wp.db, _scopes(membership))
        store.replace(wp.db, "membership", membership.id, values.get("membership", {}))
        if membership.blog_id:
            store.replace(wp.db, "site", membership.blog_id, values.get("site", {}))
        after = store.for_scopes(wp.db, _scopes(membership))
        record(
            wp.db,
            actor,
            "membership",
            membership.id,
            "membership.limits_overridden",
            _plain(before),
            _plain(after),
        )
        if membership.blog_id:
            publish(wp.db, membership.blog_id, now)
    if membership.blog_id:
        clear_site_caches(wp.shim, [membership.blog_id], wp.db)


def _scopes(membership: Membership) -> list[tuple[str, int]]:
    scopes = [("membership", membership.id)]
    return scopes + ([("site", membership.blog_id)] if membership.blog_id else [])


def _plain(layers: dict) -> dict:
    return {f"{scope}:{scope_id}": values for (scope, scope_id), values in layers.items()}


def _check(values: dict[str, dict]) -> None:
    problems = {}
    for scope, layer in values.items():
        for key, value in layer.items():
            message = key_problem(key)
            if message is None and (
                value is not None and (not isinstance(value, int) or value < 0)
            ):
                message = gettext(
                    "Enter a whole number, 0 or more (0 = unlimited), or leave it empty."
                )
            if message:
                problems[f"{scope}:{key}"] = [message]
    if problems:
        raise Invalid(problems)
