"""Discount codes: the Network Admin form. The rules (percent range, currency of a fixed
discount, dates in order) come from ``domain.discounts.check_code``."""

from __future__ import annotations

from datetime import datetime, time

from flask_babel import gettext
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validates_schema

from ..domain.discounts import check_code
from ..i18n import format_money_local, format_percent
from . import lazy_text
from .products import MoneyField, blanks_dropped, domain_problems


class DayField(fields.Date):
    """A ``YYYY-MM-DD`` date as a naive UTC datetime: the start of the day, or its last second
    when ``end_of_day`` (so "valid until 31 December" includes that day)."""

    def __init__(self, *, end_of_day: bool = False, **kwargs):
        super().__init__(
            allow_none=True,
            load_default=None,
            error_messages={"invalid": lazy_text("Enter a date as YYYY-MM-DD, e.g. 2025-12-31.")},
            **kwargs,
        )
        self.end_of_day = end_of_day

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        day = super()._deserialize(value, attr, data, **kwargs)
        return datetime.combine(day, time(23, 59, 59) if self.end_of_day else time(0, 0))


class DiscountCodeForm(Schema):
    """The create/edit form of Network Admin → Discount codes."""

    class Meta:
        unknown = EXCLUDE

    code = fields.String()
    description = fields.String()
    kind = fields.String()
    amount = MoneyField("Amount")
    currency = fields.String(allow_none=True, load_default=None)
    applies_to_renewals = fields.Boolean(load_default=False)
    max_uses = fields.Integer(
        allow_none=True,
        load_default=None,
        error_messages={
            "invalid": lazy_text("Maximum uses must be a whole number (empty = no limit).")
        },
    )
    valid_from = DayField()
    valid_until = DayField(end_of_day=True)
    active = fields.Boolean(load_default=False)

    @pre_load
    def _tidy(self, data, **kwargs):
        form = blanks_dropped(data, keep=("code", "description"))
        if isinstance(form.get("currency"), str):
            form["currency"] = form["currency"].upper()
        if isinstance(form.get("code"), str):
            form["code"] = form["code"].upper()
        return form

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _discount_rules(self, data, original_data, **kwargs):
        problems = domain_problems(check_code, data, original_data)
        if problems:
            raise ValidationError(problems)


DISCOUNT_CODE_FORM = DiscountCodeForm()


def code_form_values(code) -> dict[str, str]:
    """Return a discount code as the form's text inputs hold it (dates as YYYY-MM-DD)."""
    return {
        "code": code.code,
        "description": code.description,
        "kind": code.kind,
        "amount": str(code.amount),
        "currency": code.currency or "",
        "applies_to_renewals": "1" if code.applies_to_renewals else "",
        "max_uses": "" if code.max_uses is None else str(code.max_uses),
        "valid_from": code.valid_from.strftime("%Y-%m-%d") if code.valid_from else "",
        "valid_until": code.valid_until.strftime("%Y-%m-%d") if code.valid_until else "",
        "active": "1" if code.active else "",
    }


def new_code_values() -> dict[str, str]:
    """Return the inputs of an empty form for a new code."""
    return {"kind": "percent", "currency": "EUR", "active": "1"}


def discount_label(code) -> str:
    """Return what a code takes off, for people, in the current language: ``"10% off"``,
    ``"€5.00 off"``."""
    if code.kind == "percent":
        return gettext("%(amount)s off", amount=format_percent(code.amount))
    return gettext("%(amount)s off", amount=format_money_local(code.amount, code.currency))
