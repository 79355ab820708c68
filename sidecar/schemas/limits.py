"""The JSON shape of a site's limits and usage (``GET /api/v1/sites/<id>/limits``)."""

from __future__ import annotations

from marshmallow import Schema, fields


class MeterSchema(Schema):
    key = fields.String(
        metadata={"description": "Limit key, e.g. posts, disk_mb, post_type.product."}
    )
    label = fields.Function(lambda meter: meter.limit.label)
    used = fields.Function(
        lambda meter: round(meter.used, 1) if isinstance(meter.used, float) else meter.used,
        allow_none=True,
        metadata={"type": "number", "description": "Disk in MB (1 decimal); null: not measured."},
    )
    allowed = fields.Integer(allow_none=True, metadata={"description": "null: unlimited."})
    percent = fields.Integer(allow_none=True)
    state = fields.String(
        metadata={"description": "unlimited, unmeasured, ok, warning (>= 80 %) or full (>= 100 %)."}
    )


class SiteLimitsSchema(Schema):
    site_id = fields.Integer()
    membership_id = fields.Integer(allow_none=True)
    plan = fields.String(allow_none=True, metadata={"description": "The plan's name."})
    limits = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(allow_none=True),
        metadata={
            "description": "Effective limits: plan + packages + overrides; null = unlimited."
        },
    )
    usage = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True, metadata={"type": "number"}),
        metadata={"description": "Usage per limit key (disk in MB); null = not measured here."},
    )
    meters = fields.List(fields.Nested(MeterSchema))
    measured_at = fields.DateTime(
        allow_none=True, metadata={"description": "When disk and visits were last measured (UTC)."}
    )
