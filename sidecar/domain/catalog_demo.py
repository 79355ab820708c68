"""Demo catalog for ``make demo``: three plans in one group, two packages, a service and a
welcome discount. Idempotent: what already exists (by slug, group name or code) is kept as is,
so an admin's edits survive a second run."""

from __future__ import annotations

from typing import Any

from ..errors import NotFound
from ..wp_bridge.db import Database
from . import catalog, discounts
from .events import SYSTEM

GROUP = "Website plans"

_PLANS: list[dict[str, Any]] = [
    {
        "slug": "starter",
        "name": "Starter",
        "description": "A small website to get started.",
        "price": "9",
        "billing_period": "month",
        "limits": {
            "disk_mb": 1000,
            "posts": 50,
            "pages": 20,
            "users": 3,
            "visits_month": 10000,
            "domains": 1,
        },
    },
    {
        "slug": "business",
        "allow_custom_domains": True,
        "name": "Business",
        "description": "Room to grow: more content, more people, more visitors.",
        "price": "29",
        "billing_period": "month",
        "limits": {
            "disk_mb": 5000,
            "posts": 500,
            "pages": 100,
            "users": 10,
            "visits_month": 100000,
            "domains": 3,
        },
    },
    {
        "slug": "agency",
        "allow_custom_domains": True,
        "name": "Agency",
        "description": "Unlimited posts and pages for busy sites, billed yearly.",
        "price": "290",
        "billing_period": "year",
        "limits": {
            "disk_mb": 20000,
            "posts": None,
            "pages": None,
            "users": 50,
            "visits_month": 1000000,
            "domains": 10,
        },
    },
]

_OTHERS: list[dict[str, Any]] = [
    {
        "type": "package",
        "slug": "extra-5-gb-disk",
        "name": "Extra 5 GB disk",
        "description": "5 GB more disk space.",
        "price": "5",
        "billing_period": "month",
        "limits": {"disk_mb": 5120},
    },
    {
        "type": "package",
        "slug": "extra-50000-visits",
        "name": "Extra 50,000 visits",
        "description": "50,000 more visits each month.",
        "price": "4",
        "billing_period": "month",
        "limits": {"visits_month": 50000},
    },
    {
        "type": "service",
        "slug": "logo-design",
        "name": "Logo design",
        "description": "A designer draws a logo for your site.",
        "price": "149",
        "billing_period": "once",
        "limits": {},
    },
]

WELCOME = {
    "code": "WELCOME10",
    "description": "10 % off the first payment.",
    "kind": "percent",
    "amount": "10",
    "applies_to_renewals": False,
}


def seed_demo_catalog(db: Database) -> dict[str, int]:
    """Create the demo catalog where missing (as the system actor); return product ids by
    slug. Raises Invalid only if the demo data itself were wrong."""
    with db.transaction():
        group_id = _group_id(db)
        ids = {}
        for position, plan in enumerate(_PLANS):
            data = {**plan, "type": "plan", "plan_group_id": group_id, "sort_order": position}
            ids[plan["slug"]] = _product_id(db, data)
        for position, other in enumerate(_OTHERS):
            ids[other["slug"]] = _product_id(db, {**other, "sort_order": position})
        _welcome_code(db)
    return ids


def _group_id(db: Database) -> int:
    for group in catalog.list_plan_groups(db):
        if group.name == GROUP:
            return group.id
    return catalog.create_plan_group(db, GROUP, SYSTEM).id


def _product_id(db: Database, data: dict[str, Any]) -> int:
    try:
        return catalog.get_product_by_slug(db, data["slug"]).id
    except NotFound:
        return catalog.create_product(db, {**data, "currency": "EUR"}, SYSTEM).id


def _welcome_code(db: Database) -> None:
    if not any(code.code == WELCOME["code"] for code in discounts.list_codes(db)):
        discounts.create_code(db, WELCOME, SYSTEM)
