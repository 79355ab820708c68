"""Customers: the edit form (customer page, grid inline edit, JSON API update), mass actions,
groups, saved views, and the JSON shapes."""

from __future__ import annotations

import re
from datetime import date

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
)

from ..domain.customer_columns import CUSTOMER_TYPES, GENDERS
from ..domain.customer_mass import ACTIONS
from . import lazy_text
from .billing_address import COUNTRIES

_CODES = [code for code, _ in COUNTRIES]
_MARKUP = re.compile(r"[<>]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^[0-9+()./ -]*$")
_VAT = re.compile(r"^[A-Za-z0-9 .-]*$")
_NULLABLE = ("group_id", "website_blog_id", "sales_rep_user_id")
CHECKBOXES = ("email_confirmed", "newsletter", "active")


def _no_markup(value: str) -> None:
    if _MARKUP.search(value):
        raise ValidationError(lazy_text("Remove the characters < > and control characters."))


def _text(maximum: int, pattern: re.Pattern | None = None, message=None) -> fields.String:
    checks = [
        validate.Length(max=maximum, error=lazy_text("Use at most %(n)d characters.", n=maximum)),
        _no_markup,
    ]
    if pattern is not None:
        checks.append(validate.Regexp(pattern, error=message))
    return fields.String(validate=checks)


class CustomerForm(Schema):
    """Every editable field; only the fields present are changed."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(
        validate=[
            validate.Length(
                min=1, max=250, error=lazy_text("Type a name (at most 250 characters).")
            ),
            _no_markup,
        ]
    )
    email = fields.Email(
        validate=validate.Length(max=100, error=lazy_text("Use at most 100 characters.")),
        error_messages={"invalid": lazy_text("Type a valid email address, like name@example.com.")},
    )
    group_id = fields.Integer(
        allow_none=True,
        error_messages={"invalid": lazy_text("Choose a customer group from the list.")},
    )
    phone = _text(40, _PHONE, lazy_text("Use digits, spaces and + ( ) . / - only."))
    fax = _text(40, _PHONE, lazy_text("Use digits, spaces and + ( ) . / - only."))
    zip = _text(20)
    country = fields.String(
        validate=validate.OneOf(["", *_CODES], error=lazy_text("Choose a country from the list."))
    )
    state = _text(100)
    street = _text(200)
    city = _text(100)
    website_blog_id = fields.Integer(
        allow_none=True,
        error_messages={"invalid": lazy_text("Choose one of the customer's sites.")},
    )
    created_in = _text(120)
    email_confirmed = fields.Boolean()
    birth = fields.String(validate=validate.Length(max=10))
    vat_number = _text(30, _VAT, lazy_text("Use letters, digits, spaces, dots and dashes only."))
    gender = fields.String(
        validate=validate.OneOf(GENDERS, error=lazy_text("Choose a gender from the list."))
    )
    company = _text(120)
    customer_type = fields.String(
        validate=validate.OneOf(CUSTOMER_TYPES, error=lazy_text("Choose a customer type."))
    )
    sales_rep_user_id = fields.Integer(allow_none=True)
    newsletter = fields.Boolean()
    active = fields.Boolean()
    billing_first_name = _text(60)
    billing_last_name = _text(60)
    shipping_address = _text(500)
    billing_name = _text(120)
    billing_company = _text(120)
    billing_address_1 = _text(200)
    billing_address_2 = _text(200)
    billing_city = _text(100)
    billing_postcode = _text(20)
    billing_state = _text(100)
    billing_country = fields.String(
        validate=validate.OneOf(["", *_CODES], error=lazy_text("Choose a country from the list."))
    )
    billing_vat_number = _text(
        30, _VAT, lazy_text("Use letters, digits, spaces, dots and dashes only.")
    )

    @pre_load
    def tidy(self, data, **_):
        """Trim texts; empty choices of nullable references become None."""
        data = {
            key: value.strip() if isinstance(value, str) else value for key, value in data.items()
        }
        for key in _NULLABLE:
            if data.get(key) == "":
                data[key] = None
        if data.get("group_id") is None and "group_id" in data:
            data.pop("group_id")
        return data

    @validates("birth")
    def check_birth(self, value: str, **_) -> None:
        if value and _birth_value(value) is None:
            raise ValidationError(lazy_text("Type a year (YYYY) or a date (YYYY-MM-DD)."))

    @post_load
    def birth_value(self, data, **_):
        """``birth`` becomes a year (int), a date, or None."""
        if "birth" in data:
            data["birth"] = _birth_value(data["birth"]) if data["birth"] else None
        return data


def _birth_value(text: str):
    """A year (int) or a date from ``text``, or None when it is neither or not plausible."""
    today = date.today()
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return year if 1900 <= year <= today.year else None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if date(1900, 1, 1) <= day <= today else None


class MassActionForm(Schema):
    class Meta:
        unknown = EXCLUDE

    action = fields.String(
        required=True, validate=validate.OneOf(ACTIONS, error=lazy_text("Choose an action."))
    )
    group_id = fields.Integer(load_default=None, allow_none=True)
    ids = fields.List(fields.Integer(), load_default=list)
    all_matching = fields.Boolean(load_default=False)
    confirmed = fields.Boolean(load_default=False)

    @pre_load
    def lists(self, data, **_):
        """Repeated ``ids`` fields of the HTML form become a list."""
        if hasattr(data, "getlist"):
            data = {**data.to_dict(), "ids": data.getlist("ids")}
        if data.get("group_id") == "":
            data["group_id"] = None
        return data


class GroupForm(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True)


class ViewForm(Schema):
    class Meta:
        unknown = EXCLUDE

    view_name = fields.String(required=True)
    default = fields.Boolean(load_default=False)


class CustomerSchema(Schema):
    """A customer in the JSON API."""

    id = fields.Integer()
    user_id = fields.Integer()
    # None when the WordPress user was deleted outside the sidecar (the record stays).
    name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    group_id = fields.Integer()
    group = fields.String(allow_none=True)
    phone = fields.String()
    zip = fields.String()
    country = fields.String()
    state = fields.String()
    since = fields.DateTime()
    website_blog_id = fields.Integer(allow_none=True)
    email_confirmed = fields.Boolean()
    created_in = fields.String()
    birth = fields.String(allow_none=True)
    vat_number = fields.String()
    gender = fields.String()
    company = fields.String(allow_none=True)
    street = fields.String()
    city = fields.String()
    fax = fields.String()
    billing_first_name = fields.String()
    billing_last_name = fields.String()
    shipping_address = fields.String()
    active = fields.Boolean()
    customer_type = fields.String()
    sales_rep_user_id = fields.Integer(allow_none=True)
    newsletter = fields.Boolean()


class CustomerPageSchema(Schema):
    items = fields.List(fields.Nested(CustomerSchema))
    total = fields.Integer(metadata={"description": "at most 10000 when capped"})
    capped = fields.Boolean()
    page = fields.Integer()


class CustomerListArgs(Schema):
    """The grid's query string: q, f.<column>, f.<column>.from/.to, sort, dir, page, per_page
    (read by the domain's parse_state; listed here for the OpenAPI description)."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(metadata={"description": "search in name, email, phone, ZIP, VAT, city"})
    sort = fields.String()
    dir = fields.String(validate=validate.OneOf(["asc", "desc"]))
    page = fields.Integer(validate=validate.Range(min=1))
    per_page = fields.Integer(validate=validate.OneOf([20, 50, 100, 200]))


class GroupSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True)
    customers = fields.Integer(dump_only=True)


CUSTOMER_FORM = CustomerForm()
MASS_ACTION_FORM = MassActionForm()
GROUP_FORM = GroupForm()
VIEW_FORM = ViewForm()
