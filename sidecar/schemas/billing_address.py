"""The billing address form: ISO 3166 country, postcode where the country uses one, length
limits, plain text only."""

from __future__ import annotations

import re

import pycountry
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

from . import lazy_text

# Countries without postal codes (ISO 3166-1 alpha-2); everywhere else a postcode is required.
NO_POSTCODE = frozenset(
    (
        "AE",
        "AG",
        "AO",
        "AW",
        "BF",
        "BI",
        "BJ",
        "BO",
        "BS",
        "BW",
        "BZ",
        "CD",
        "CF",
        "CG",
        "CI",
        "CK",
        "CM",
        "DJ",
        "DM",
        "ER",
        "FJ",
        "GA",
        "GD",
        "GH",
        "GM",
        "GQ",
        "GY",
        "HK",
        "JM",
        "KI",
        "KM",
        "KN",
        "KP",
        "LC",
        "ML",
        "MO",
        "MR",
        "MS",
        "MW",
        "NR",
        "NU",
        "QA",
        "RW",
        "SB",
        "SC",
        "SL",
        "SR",
        "SS",
        "ST",
        "SY",
        "TD",
        "TF",
        "TG",
        "TK",
        "TL",
        "TO",
        "TT",
        "TV",
        "UG",
        "VU",
        "YE",
        "ZW",
    )
)
COUNTRIES = sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1])
_CODES = frozenset(code for code, _ in COUNTRIES)
_MARKUP = re.compile(r"[<>]|&#?\w+;|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(label, maximum: int, *, required: bool = False) -> fields.String:
    """A plain-text field with a length limit and the person-readable messages (``label``
    and the messages are lazy strings, read in the viewer's language)."""
    too_long = lazy_text("%(field)s can be at most %(max)d characters.", field=label, max=maximum)
    missing = lazy_text("%(field)s is required.", field=label)
    checks = [validate.Length(max=maximum, error=too_long), _no_markup(label)]
    if required:
        checks.insert(0, validate.Length(min=1, error=missing))
    presence = {"required": True} if required else {"load_default": ""}
    return fields.String(validate=checks, error_messages={"required": missing}, **presence)


def _no_markup(label):
    def check(value: str) -> None:
        if _MARKUP.search(value):
            raise ValidationError(
                gettext("%(field)s cannot contain <, > or HTML entities.", field=label)
            )

    return check


class BillingAddressForm(Schema):
    class Meta:
        unknown = EXCLUDE

    billing_name = _text(lazy_text("Name"), 120, required=True)
    billing_company = _text(lazy_text("Company"), 120)
    billing_address_1 = _text(lazy_text("Address"), 200, required=True)
    billing_address_2 = _text(lazy_text("Address line 2"), 200)
    billing_city = _text(lazy_text("City"), 100, required=True)
    billing_postcode = _text(lazy_text("Postcode"), 20)
    billing_state = _text(lazy_text("State or province"), 100)
    billing_country = fields.String(
        required=True,
        validate=validate.OneOf(_CODES, error=lazy_text("Choose a country from the list.")),
        error_messages={"required": lazy_text("Country is required.")},
    )
    billing_vat_number = _text(lazy_text("VAT number"), 30)

    @pre_load
    def tidy(self, data, **_):
        tidy = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        if isinstance(tidy.get("billing_country"), str):
            tidy["billing_country"] = tidy["billing_country"].upper()
        return {k: v for k, v in tidy.items() if v != "" or k in _REQUIRED}

    @validates_schema
    def postcode_where_used(self, data, **_):
        if data.get("billing_country") not in NO_POSTCODE and not data.get("billing_postcode"):
            raise ValidationError(
                gettext("Postcode is required for this country."), "billing_postcode"
            )


_REQUIRED = {"billing_name", "billing_address_1", "billing_city", "billing_country"}
BILLING_ADDRESS_FORM = BillingAddressForm()
