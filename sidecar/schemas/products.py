"""Products: the Network Admin form (plan groups too), the API's filters and the JSON shape.

Form fields arrive as text. Parsing problems are reported here; the catalog's rules (prices,
currencies, what a package or service may have) come from ``domain.catalog.check_product``, so
the page and direct callers get the same messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from ..domain.catalog import BILLING_PERIODS, TYPES, check_product, slugify
from ..domain.limit_types import POST_TYPE_PREFIX, is_limit_key, limit_keys, limit_type
from ..domain.money import format_money
from ..i18n import format_number
from . import lazy_text

LIMIT_PREFIX = "limit_"  # the form's limit inputs are named limit_<limit type>
NEW_POST_TYPE = "new_post_type"  # a post type to add a limit for, with its amount in …_limit
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d{1,2}$")


# What MoneyField says, by the field's label: (not a number, missing).
_MONEY_MESSAGES = {
    "Price": (
        lazy_text("Price must be a number, e.g. 9.99."),
        lazy_text("Enter the price."),
    ),
    "Setup fee": (
        lazy_text("Setup fee must be a number, e.g. 9.99."),
        lazy_text("Enter the setup fee."),
    ),
    "Amount": (
        lazy_text("Amount must be a number, e.g. 9.99."),
        lazy_text("Enter the amount."),
    ),
}


class MoneyField(fields.Decimal):
    """An amount typed by a person: ``9.99`` or ``9,99``; ``label`` (a key of
    ``_MONEY_MESSAGES``) picks its messages."""

    def __init__(self, label: str, **kwargs):
        not_a_number, missing = _MONEY_MESSAGES[label]
        super().__init__(
            places=None,
            allow_nan=False,
            error_messages={
                "invalid": not_a_number,
                "special": not_a_number,
                "required": missing,
            },
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        if isinstance(value, str) and _DECIMAL_COMMA.match(value.strip()):
            value = value.strip().replace(",", ".")
        return super()._deserialize(value, attr, data, **kwargs)


class LimitsField(fields.Field):
    """``{limit type: text}`` from the form → ``{limit type: int or None}`` (empty = None)."""

    def _deserialize(self, value, attr, data, **kwargs) -> dict[str, int | None]:
        if not isinstance(value, Mapping):
            raise ValidationError(gettext("Limits must map limit types to numbers."))
        limits, problems = {}, {}
        for key, text in value.items():
            amount = _whole_number(text)
            if amount is False:
                label = limit_type(key).label if is_limit_key(key) else key
                problems[key] = [
                    gettext(
                        "%(limit)s must be a whole number, 0 or more (empty = unlimited).",
                        limit=label,
                    )
                ]
            else:
                limits[key] = amount
        if problems:
            raise ValidationError(problems)
        return limits


def _whole_number(text: Any) -> int | bool | None:
    """Parse a limit: None when empty, an int ≥ 0, or False when it is neither."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, int) and not isinstance(text, bool):
        return text if text >= 0 else False
    cleaned = str(text).strip().replace("_", "").replace(" ", "")
    return int(cleaned) if cleaned.isdigit() and len(cleaned) < 19 else False


def blanks_dropped(data: Mapping[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the form without empty optional inputs (so they take their defaults)."""
    return {
        key: value.strip() if isinstance(value, str) else value
        for key, value in data.items()
        if key in keep or not (isinstance(value, str) and not value.strip())
    }


def domain_problems(
    check: Callable[..., dict], data: dict, original: Mapping[str, Any]
) -> dict[str, Any]:
    """Run a domain ``check`` on loaded ``data``; keep only the problems of fields that parsed
    (a field missing from ``data`` but typed in ``original`` already has its parse error)."""
    problems = check(data, complete=True)
    return {
        name: messages
        for name, messages in problems.items()
        if name in data or not str(original.get(name, "") or "").strip()
    }


class ProductForm(Schema):
    """The plan/package/service form of Network Admin → Products."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String()
    name = fields.String()
    slug = fields.String()
    description = fields.String()
    price = MoneyField("Price")
    setup_fee = MoneyField("Setup fee", load_default=Decimal(0))
    currency = fields.String()
    billing_period = fields.String()
    plan_group_id = fields.Integer(
        allow_none=True,
        load_default=None,
        error_messages={"invalid": lazy_text("Choose a plan group from the list.")},
    )
    limits = LimitsField(load_default=dict)
    active = fields.Boolean(load_default=False)
    allow_custom_domains = fields.Boolean(load_default=False)
    sort_order = fields.Integer(
        load_default=0,
        strict=False,
        error_messages={"invalid": lazy_text("Sort order must be a whole number, e.g. 10.")},
    )

    @pre_load
    def _gather(self, data, **kwargs):
        form = blanks_dropped(data, keep=("name", "description"))
        limits = {
            key[len(LIMIT_PREFIX) :]: value
            for key, value in data.items()
            if key.startswith(LIMIT_PREFIX)
        }
        form = {k: v for k, v in form.items() if not k.startswith((LIMIT_PREFIX, NEW_POST_TYPE))}
        new_type = str(data.get(NEW_POST_TYPE) or "").strip().lower()
        if new_type:
            limits[POST_TYPE_PREFIX + new_type] = data.get(f"{NEW_POST_TYPE}_limit", "")
        if limits:
            form["limits"] = limits
        if form.get("slug"):
            form["slug"] = slugify(form["slug"])
        if isinstance(form.get("currency"), str):
            form["currency"] = form["currency"].upper()
        return form

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _catalog_rules(self, data, original_data, **kwargs):
        problems = domain_problems(check_product, data, original_data)
        if problems:
            raise ValidationError(problems)


class PlanGroupForm(Schema):
    """The small "new plan group" form on the Products page."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(
        required=True,
        validate=validate.Length(
            1,
            120,
            error=lazy_text("Give the plan group a name of 1 to %(max)d characters.", max=120),
        ),
        error_messages={"required": lazy_text("Give the plan group a name, e.g. Website plans.")},
    )


class ProductArgs(Schema):
    """Filters of ``GET /api/v1/products/``."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String(
        validate=validate.OneOf(TYPES, error="must be plan, package or service"),
        metadata={"description": "Only products of this type: plan, package or service."},
    )
    active = fields.Boolean(
        metadata={"description": "true: only products on sale; false: only withdrawn ones."}
    )


class ProductSchema(Schema):
    """A product as the API shows it. Amounts are decimal strings in ``currency``."""

    id = fields.Integer()
    type = fields.String(metadata={"description": "plan, package or service."})
    slug = fields.String()
    name = fields.String()
    description = fields.String()
    price = fields.Decimal(as_string=True, metadata={"description": "Price per period."})
    setup_fee = fields.Decimal(as_string=True, metadata={"description": "Charged once."})
    currency = fields.String(metadata={"description": "ISO 4217 code."})
    billing_period = fields.String(
        metadata={"description": f"One of {', '.join(BILLING_PERIODS)}."}
    )
    display_price = fields.Method("_display_price", metadata={"description": "e.g. € 9.00 / month"})
    plan_group_id = fields.Integer(allow_none=True)
    limits = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(allow_none=True),
        metadata={
            "description": "Plans: every limit type, null = unlimited. Packages: what they add."
        },
    )
    active = fields.Boolean(metadata={"description": "On sale."})
    sort_order = fields.Integer()
    allow_custom_domains = fields.Boolean(
        metadata={"description": "Plans: customers may add their own domains (`domains` limit)."}
    )

    def _display_price(self, product) -> str:
        return price_label(product)


class ProductListSchema(Schema):
    items = fields.List(fields.Nested(ProductSchema))
    total = fields.Integer()


def price_label(product) -> str:
    """Return a product's price for people: ``"€ 9.00 / month"``, ``"€ 149.00 once"``."""
    amount = format_money(product.price, product.currency)
    if product.billing_period == "once":
        return f"{amount} once"
    return f"{amount} / {product.billing_period}"


PRODUCT_FORM = ProductForm()
PLAN_GROUP_FORM = PlanGroupForm()


def product_form_values(product) -> dict[str, str]:
    """Return a product as the form's text inputs hold it (limits as ``limit_<key>``)."""
    values = {
        "type": product.type,
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "price": str(product.price),
        "setup_fee": str(product.setup_fee),
        "currency": product.currency,
        "billing_period": product.billing_period,
        "plan_group_id": str(product.plan_group_id or ""),
        "active": "1" if product.active else "",
        "sort_order": str(product.sort_order),
        "allow_custom_domains": "1" if product.allow_custom_domains else "",
    }
    for key in limit_keys(product.limits):
        amount = product.limits.get(key)
        values[f"{LIMIT_PREFIX}{key}"] = "" if amount is None else str(amount)
    return values


def limit_keys_in(values: Mapping[str, Any]) -> list[str]:
    """The limit keys of a form's ``limit_<key>`` inputs."""
    return [name[len(LIMIT_PREFIX) :] for name in values if name.startswith(LIMIT_PREFIX)]


def new_product_values(kind: str) -> dict[str, str]:
    """Return the inputs of an empty form for a new ``kind`` (plan, package or service)."""
    return {
        "type": kind,
        "currency": "EUR",
        "billing_period": "once" if kind == "service" else "month",
        "price": "",
        "setup_fee": "0.00",
        "active": "1",
        "sort_order": "0",
    }


def limit_amount(limit, amount: int | None, *, added: bool = False) -> str:
    """Write a limit for people, in the current language: ``"1,000 MB"``, ``"50"``,
    ``"10,000 / month"``, ``"Unlimited"``; with ``added`` a package's amount: ``"+5,120 MB"``.
    Words of the unit that the label already says are left out ("Posts: 50", not "Posts: 50
    posts")."""
    if amount is None:
        return gettext("Unlimited")
    said = set(str(limit.label).lower().split())
    unit = " ".join(word for word in str(limit.unit).split() if word.lower() not in said)
    text = f"{format_number(amount)} {unit}".strip()
    return f"+{text}" if added else text
