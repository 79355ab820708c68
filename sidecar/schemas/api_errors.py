"""The JSON API's error body, as ``handlers/errors.py`` writes it (the spec's default answer)."""

from __future__ import annotations

from marshmallow import Schema, fields


class ApiErrorSchema(Schema):
    code = fields.String(
        required=True, metadata={"description": "What went wrong, for programs, e.g. not_found."}
    )
    message = fields.String(required=True, metadata={"description": "What went wrong, for people."})
    errors = fields.Dict(
        metadata={"description": "Messages per location and field (invalid input only)."}
    )
