"""API keys: the Network Admin form."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from . import lazy_text


class ApiKeyForm(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(
        required=True,
        validate=validate.Length(
            1, 100, error=lazy_text("Give the key a name of 1 to 100 characters.")
        ),
        error_messages={
            "required": lazy_text("Give the key a name, e.g. the system that will use it.")
        },
    )


API_KEY_FORM = ApiKeyForm()
