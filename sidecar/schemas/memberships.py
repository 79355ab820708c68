"""Memberships: list filters, the admin's status form, and the JSON shape."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..domain.memberships import STATUSES
from . import lazy_text


class MembershipListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(
        load_default=None,
        validate=validate.OneOf(STATUSES, error=f"must be one of {', '.join(STATUSES)}"),
    )
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))


class StatusForm(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(
        required=True,
        validate=validate.OneOf(STATUSES, error=lazy_text("Choose a status from the list.")),
    )
    version = fields.Integer(required=True, strict=False)


class MembershipPackageSchema(Schema):
    product_id = fields.Integer()
    quantity = fields.Integer()
    price = fields.Decimal(as_string=True)


class MembershipSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    customer_id = fields.Integer()
    blog_id = fields.Integer(allow_none=True)
    plan_id = fields.Integer()
    status = fields.String(metadata={"description": ", ".join(STATUSES)})
    currency = fields.String()
    initial_amount = fields.Decimal(as_string=True)
    recurring_amount = fields.Decimal(as_string=True)
    billing_period = fields.String(metadata={"description": "month, year or once"})
    times_billed = fields.Integer()
    credit = fields.Decimal(as_string=True)
    cancel_at_period_end = fields.Boolean()
    created_at = fields.DateTime()
    renewed_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    packages = fields.List(fields.Nested(MembershipPackageSchema))


class MembershipPageSchema(Schema):
    items = fields.List(fields.Nested(MembershipSchema))
    next_after = fields.Integer(allow_none=True)


MEMBERSHIP_LIST_ARGS = MembershipListArgs()
STATUS_FORM = StatusForm()
