"""Network Admin → Usage: the list's query arguments."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..domain.usage_admin import FILTERS, SORTS
from . import lazy_text


class UsageListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    show = fields.String(
        load_default="near",
        validate=validate.OneOf(list(FILTERS), error=lazy_text("Choose near or over.")),
    )
    sort = fields.String(
        load_default="worst",
        validate=validate.OneOf(
            list(SORTS), error=lazy_text("Choose a column to sort by from the list.")
        ),
    )
    order = fields.String(
        load_default="desc",
        validate=validate.OneOf(["asc", "desc"], error=lazy_text("Choose asc or desc.")),
    )
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, error=lazy_text("Enter a page number of 1 or more.")),
    )


USAGE_LIST_ARGS = UsageListArgs()
PER_PAGE = 50
