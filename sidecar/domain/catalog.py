"""The catalog: plans (a membership's base, with limits), packages (add to a plan's limits) and
services (one-off work), plus the plan groups a membership may move within.

Every change is checked here (``check_product``), written through ``store.products`` and
recorded in the event log in the same transaction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext, lazy_gettext

from ..errors import Conflict, Invalid, NotFound
from ..store import plan_groups as groups_store
from ..store import products as store
from ..wp_bridge.db import Database
from . import events
from .events import Actor
from .limit_types import LIMIT_TYPES, key_problem, limit_keys, limit_type
from .money import CURRENCIES, MAX_AMOUNT, money

TYPES = ("plan", "package", "service")
BILLING_PERIODS = ("month", "year", "once")
NAME_MAX = 120
SLUG_MAX = 64
DESCRIPTION_MAX = 5000
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Product:
    """A plan, package or service. ``limits``: for plans every limit type → int or None
    (unlimited); for packages the amounts they add; for services ``{}``."""

    id: int
    type: str
    slug: str
    name: str
    description: str
    price: Decimal
    setup_fee: Decimal
    currency: str
    billing_period: str
    plan_group_id: int | None
    limits: dict = field(default_factory=dict)
    active: bool = True
    sort_order: int = 0
    allow_custom_domains: bool = False  # plans: Allow Custom Domains (how many: `domains`)

    @property
    def recurring(self) -> bool:
        """True when the product is billed every month or year."""
        return self.billing_period != "once"


@dataclass(frozen=True)
class PlanGroup:
    """A named set of plans; a membership changes plan within its plan's group."""

    id: int
    name: str


@dataclass(frozen=True)
class CatalogOverview:
    """Everything the Products page lists."""

    plans: list[Product]
    packages: list[Product]
    services: list[Product]
    groups: list[PlanGroup]

    def group_name(self, group_id: int | None) -> str:
        """Return the name of plan group ``group_id`` ("" when None or unknown)."""
        return next((g.name for g in self.groups if g.id == group_id), "")


# --- reading ---------------------------------------------------------------------------------


def overview(db: Database) -> CatalogOverview:
    """Return every product by type (withdrawn ones too) and the plan groups."""
    products = list_products(db)
    return CatalogOverview(
        plans=[p for p in products if p.type == "plan"],
        packages=[p for p in products if p.type == "package"],
        services=[p for p in products if p.type == "service"],
        groups=list_plan_groups(db),
    )


def get_product(db: Database, product_id: int) -> Product:
    """Return one product. Raises NotFound."""
    row = store.get(db, product_id)
    if row is None:
        raise NotFound(gettext("There is no product with this id."))
    return Product(**row)


def get_product_by_slug(db: Database, slug: str) -> Product:
    """Return the product with ``slug``. Raises NotFound."""
    row = store.get_by_slug(db, slug)
    if row is None:
        raise NotFound(gettext("There is no product %(slug)s.", slug=slug))
    return Product(**row)


def list_products(
    db: Database, *, type: str | None = None, active_only: bool = False
) -> list[Product]:
    """Return products (plans, then packages, then services; by sort order and name), of one
    ``type`` when given, only those on sale when ``active_only``."""
    return search_products(db, type=type, active=True if active_only else None)


def search_products(
    db: Database, *, type: str | None = None, active: bool | None = None
) -> list[Product]:
    """Like ``list_products`` but ``active`` picks on-sale (True), withdrawn (False) or all."""
    return [Product(**row) for row in store.select(db, type=type, active=active)]


def plans_in_group(db: Database, group_id: int, *, active_only: bool = True) -> list[Product]:
    """Return the plans of a plan group by sort order — by default only those on sale, which
    is what a customer may change to."""
    return [
        Product(**row) for row in store.in_group(db, group_id, active=True if active_only else None)
    ]


# --- checking --------------------------------------------------------------------------------


def check_product(data: Mapping[str, Any], *, complete: bool = False) -> dict:
    """Return the problems with a product's fields as ``{field: [message]}`` (``limits`` maps
    limit types to messages). Only the fields present are checked, unless ``complete``, which
    also asks for the required ones. Needs no database."""
    problems: dict[str, Any] = {}
    if complete:
        for name in ("type", "name", "price", "currency", "billing_period"):
            if data.get(name) in (None, ""):
                problems[name] = [_REQUIRED[name]]
    for name, check in _CHECKS.items():
        if name in data and name not in problems:
            message = check(data[name])
            if message:
                problems[name] = message if isinstance(message, dict) else [message]
    problems.update(_type_problems(data))
    return problems


_REQUIRED = {
    "type": lazy_gettext("Choose whether this is a plan, a package or a service."),
    "name": lazy_gettext("Give the product a name."),
    "price": lazy_gettext("Enter a price (0 for free)."),
    "currency": lazy_gettext("Choose a currency."),
    "billing_period": lazy_gettext("Choose how often the product is billed."),
}


def _check_type(value: Any) -> str | None:
    return None if value in TYPES else gettext("The type must be plan, package or service.")


def _check_name(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return gettext("Give the product a name.")
    if len(value.strip()) > NAME_MAX:
        return gettext("The name can have at most %(max)d characters.", max=NAME_MAX)
    return None


def _check_slug(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > SLUG_MAX or not _SLUG.match(value):
        return gettext(
            "The slug may hold lowercase letters, digits and single hyphens"
            " (at most %(max)d characters), e.g. business-plan.",
            max=SLUG_MAX,
        )
    return None


def _check_description(value: Any) -> str | None:
    if value is not None and (not isinstance(value, str) or len(value) > DESCRIPTION_MAX):
        return gettext("The description can have at most %(max)d characters.", max=DESCRIPTION_MAX)
    return None


def _amount_check(not_a_number, negative, too_large, *, optional: bool = False):
    """A check of an amount of money with its three messages (lazy strings)."""

    def check(value: Any) -> str | None:
        if value in (None, "") and optional:
            return None
        try:
            amount = money(value)
        except ValueError:
            return str(not_a_number)
        if amount < 0:
            return str(negative)
        if amount > MAX_AMOUNT:
            return str(too_large)
        return None

    return check


def _check_currency(value: Any) -> str | None:
    code = value.upper() if isinstance(value, str) else value
    return None if code in CURRENCIES else gettext("Unknown currency %(code)s.", code=value)


def _check_period(value: Any) -> str | None:
    if value in BILLING_PERIODS:
        return None
    return gettext("The billing period must be month, year or once.")


def _check_sort_order(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**31
    return None if ok or value is None else gettext("Sort order must be a whole number.")


def _check_active(value: Any) -> str | None:
    return None if isinstance(value, bool) else gettext("Active must be yes or no.")


def _check_group_id(value: Any) -> str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
        return None
    return gettext("Choose a plan group from the list.")


def _check_limits(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return gettext("Limits must map limit types to numbers.")
    problems = {}
    for key, amount in value.items():
        if key_problem(key):
            problems[key] = [key_problem(key)]
        elif _limit_value(amount) is False:
            label = limit_type(key).label
            problems[key] = [
                gettext(
                    "%(limit)s must be a whole number, 0 or more (empty = unlimited).", limit=label
                )
            ]
    return problems or None


_CHECKS = {
    "type": _check_type,
    "name": _check_name,
    "slug": _check_slug,
    "description": _check_description,
    "price": _amount_check(
        lazy_gettext("Price must be a number, e.g. 9.99."),
        lazy_gettext("Price must be 0 or more."),
        lazy_gettext("Price must be less than 10,000,000,000."),
    ),
    "setup_fee": _amount_check(
        lazy_gettext("Setup fee must be a number, e.g. 9.99."),
        lazy_gettext("Setup fee must be 0 or more."),
        lazy_gettext("Setup fee must be less than 10,000,000,000."),
        optional=True,
    ),
    "currency": _check_currency,
    "billing_period": _check_period,
    "plan_group_id": _check_group_id,
    "limits": _check_limits,
    "active": _check_active,
    "sort_order": _check_sort_order,
}


def _type_problems(data: Mapping[str, Any]) -> dict:
    kind = data.get("type")
    problems: dict[str, list[str]] = {}
    if kind in ("package", "service") and data.get("plan_group_id"):
        problems["plan_group_id"] = [
            gettext("A package cannot belong to a plan group.")
            if kind == "package"
            else gettext("A service cannot belong to a plan group.")
        ]
    limits = data.get("limits")
    if kind == "service" and isinstance(limits, Mapping) and any(limits.values()):
        problems["limits"] = [gettext("A service has no limits; make it a package to add to them.")]
    return problems


def _limit_value(value: Any) -> int | bool | None:
    """Return a limit amount as int (None when empty), or False when it is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    return False


# --- writing ---------------------------------------------------------------------------------


def create_product(db: Database, data: Mapping[str, Any], actor: Actor) -> Product:
    """Create a product from ``data`` (type, name, price, currency, billing_period; optional
    slug — derived from the name when empty —, description, setup_fee, plan_group_id, limits,
    active, sort_order) and record ``product.created``. Raises Invalid with per-field messages.
    """
    with db.transaction():
        fields = _cleaned(db, data, product_id=None)
        product_id = store.insert(db, fields)
        product = get_product(db, product_id)
        events.record(db, actor, "product", product.id, "product.created", None, product)
    return product


def update_product(db: Database, data: Mapping[str, Any], actor: Actor) -> Product:
    """Change the product ``data["id"]``: the fields given replace the current ones (an empty
    slug is derived again from the name); records ``product.updated``. The type cannot change.
    Raises NotFound, or Invalid with per-field messages."""
    product_id = data.get("id")
    with db.transaction():
        row = store.get(db, product_id, for_update=True) if isinstance(product_id, int) else None
        if row is None:
            raise NotFound(gettext("There is no product with this id."))
        before = Product(**row)
        if data.get("type", before.type) != before.type:
            raise Invalid(
                {
                    "type": [
                        gettext(
                            "The type of a product cannot change; create a new product instead."
                        )
                    ]
                }
            )
        merged = {**asdict(before), **{k: v for k, v in data.items() if k != "id"}}
        store.update(db, before.id, _cleaned(db, merged, product_id=before.id))
        after = get_product(db, before.id)
        events.record(db, actor, "product", after.id, "product.updated", before, after)
    return after


def deactivate_product(db: Database, product_id: int, actor: Actor) -> Product:
    """Take a product off sale (existing memberships keep it); records
    ``product.deactivated``. Raises NotFound."""
    return _set_active(db, product_id, False, actor)


def activate_product(db: Database, product_id: int, actor: Actor) -> Product:
    """Put a withdrawn product back on sale; records ``product.activated``. Raises NotFound."""
    return _set_active(db, product_id, True, actor)


def _set_active(db: Database, product_id: int, active: bool, actor: Actor) -> Product:
    with db.transaction():
        row = store.get(db, product_id, for_update=True)
        if row is None:
            raise NotFound(gettext("There is no product with this id."))
        before = Product(**row)
        if before.active == active:
            return before
        store.set_active(db, product_id, active)
        after = get_product(db, product_id)
        action = "product.activated" if active else "product.deactivated"
        events.record(db, actor, "product", product_id, action, before, after)
    return after


def _cleaned(db: Database, data: Mapping[str, Any], *, product_id: int | None) -> dict:
    """Check ``data`` (raising Invalid) and return the row to store."""
    problems = check_product(data, complete=True)
    group_id = data.get("plan_group_id")
    if "plan_group_id" not in problems and group_id and groups_store.get(db, group_id) is None:
        problems["plan_group_id"] = ["This plan group does not exist (any more)."]
    slug = data.get("slug") or ""
    if slug and "slug" not in problems and _slug_taken(db, slug, product_id):
        problems["slug"] = [gettext("Another product already uses the slug %(slug)s.", slug=slug)]
    if problems:
        raise Invalid(problems)
    kind = data["type"]
    name = data["name"].strip()
    fields = {
        "type": kind,
        "slug": slug,
        "name": name,
        "description": (data.get("description") or "").strip(),
        "price": money(data["price"]),
        "setup_fee": money(data.get("setup_fee") or 0),
        "currency": data["currency"].upper(),
        "billing_period": data["billing_period"],
        "plan_group_id": (group_id or None) if kind == "plan" else None,
        "limits": normalise_limits(kind, data.get("limits") or {}),
        "active": data.get("active", True),
        "sort_order": data.get("sort_order") or 0,
        "allow_custom_domains": kind == "plan" and bool(data.get("allow_custom_domains")),
    }
    fields["slug"] = _unique_slug(db, slug, name, product_id)
    return fields


def normalise_limits(kind: str, limits: Mapping[str, Any]) -> dict[str, int | None]:
    """Return the limits to store for a product of type ``kind``: for a plan every limit type,
    0 or empty becoming None (unlimited); for a package only the positive amounts it adds; for
    a service nothing. Expects limits that passed ``check_product``."""
    if kind == "plan":
        plan = {key: _limit_value(limits.get(key)) or None for key in LIMIT_TYPES}
        extra = {key: _limit_value(limits[key]) for key in limit_keys(limits) if key not in plan}
        return {**plan, **{key: amount for key, amount in extra.items() if amount}}
    if kind == "package":
        amounts = {key: _limit_value(limits.get(key)) for key in limit_keys(limits)}
        return {key: amount for key, amount in amounts.items() if amount}
    return {}


def _slug_taken(db: Database, slug: str, product_id: int | None) -> bool:
    row = store.get_by_slug(db, slug)
    return row is not None and row["id"] != product_id


def _unique_slug(db: Database, slug: str, name: str, product_id: int | None) -> str:
    """Return ``slug`` when given (already checked free), else a free slug made from ``name``
    (``name-2``, ``name-3``, … when taken)."""
    if slug:
        return slug
    stem = slugify(name)
    candidate, number = stem, 2
    while _slug_taken(db, candidate, product_id):
        suffix = f"-{number}"
        candidate = stem[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate


def slugify(text: str) -> str:
    """Return a slug for ``text``: ASCII lowercase letters and digits joined by single hyphens,
    at most 64 characters (``"product"`` when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "product"


# --- plan groups -----------------------------------------------------------------------------


def list_plan_groups(db: Database) -> list[PlanGroup]:
    """Return every plan group, by name."""
    return [PlanGroup(row["id"], row["name"]) for row in groups_store.list_all(db)]


def get_plan_group(db: Database, group_id: int) -> PlanGroup:
    """Return one plan group. Raises NotFound."""
    row = groups_store.get(db, group_id)
    if row is None:
        raise NotFound(gettext("There is no plan group with this id."))
    return PlanGroup(row["id"], row["name"])


def create_plan_group(db: Database, name: str, actor: Actor) -> PlanGroup:
    """Create a plan group; records ``plan_group.created``. Raises Invalid (empty, too long or
    taken name)."""
    with db.transaction():
        clean = _group_name(db, name, group_id=None)
        group = PlanGroup(groups_store.insert(db, clean), clean)
        events.record(db, actor, "plan_group", group.id, "plan_group.created", None, group)
    return group


def rename_plan_group(db: Database, group_id: int, name: str, actor: Actor) -> PlanGroup:
    """Rename a plan group; records ``plan_group.renamed``. Raises NotFound or Invalid."""
    with db.transaction():
        before = get_plan_group(db, group_id)
        clean = _group_name(db, name, group_id=group_id)
        groups_store.rename(db, group_id, clean)
        after = PlanGroup(group_id, clean)
        events.record(db, actor, "plan_group", group_id, "plan_group.renamed", before, after)
    return after


def delete_plan_group(db: Database, group_id: int, actor: Actor) -> None:
    """Delete an empty plan group; records ``plan_group.deleted``. Raises NotFound, or Conflict
    while products still belong to it."""
    with db.transaction():
        before = get_plan_group(db, group_id)
        if store.count_in_group(db, group_id):
            raise Conflict(
                gettext("Move the plans out of %(group)s before deleting it.", group=before.name)
            )
        groups_store.delete(db, group_id)
        events.record(db, actor, "plan_group", group_id, "plan_group.deleted", before, None)


def _group_name(db: Database, name: Any, *, group_id: int | None) -> str:
    clean = name.strip() if isinstance(name, str) else ""
    if not clean or len(clean) > NAME_MAX:
        raise Invalid(
            {
                "name": [
                    gettext("Give the plan group a name of 1 to %(max)d characters.", max=NAME_MAX)
                ]
            }
        )
    existing = groups_store.find_by_name(db, clean)
    if existing and existing["id"] != group_id:
        raise Invalid(
            {
                "name": [
                    gettext("A plan group called %(name)s already exists.", name=existing["name"])
                ]
            }
        )
    return clean
