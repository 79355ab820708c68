"""Sites: paging arguments and the JSON shape of a site."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class SitePageArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, error="must be a site id (0 for the first page)"),
        metadata={"description": "Return sites with an id above this one (keyset paging)."},
    )
    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(1, 500, error="must be between 1 and 500"),
        metadata={"description": "Page size, 1 to 500."},
    )


class OwnerSchema(Schema):
    id = fields.Integer()
    login = fields.String()
    email = fields.String()
    display_name = fields.String()


class SiteSchema(Schema):
    id = fields.Integer(metadata={"description": "WordPress blog id."})
    name = fields.String(metadata={"description": "The site's title (blogname)."})
    url = fields.String(metadata={"description": "The site's home URL."})
    registered = fields.DateTime(allow_none=True)
    status = fields.String(metadata={"description": "active, archived, spam or deleted."})
    owner = fields.Nested(OwnerSchema, allow_none=True)


class SitePageSchema(Schema):
    items = fields.List(fields.Nested(SiteSchema))
    total = fields.Integer(metadata={"description": "Sites in the network."})
    next_after = fields.Integer(
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null at the end."},
    )


SITE_PAGE_ARGS = SitePageArgs()
