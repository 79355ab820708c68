"""Account → Change: the confirmation forms carry the membership version that was shown."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from . import lazy_text


class ConfirmChangeForm(Schema):
    class Meta:
        unknown = EXCLUDE

    version = fields.Integer(
        required=True,
        strict=False,
        validate=validate.Range(min=0),
        error_messages={
            "required": lazy_text("This form is incomplete. Please reload the page."),
            "invalid": lazy_text("This form is incomplete. Please reload the page."),
        },
    )


CONFIRM_CHANGE_FORM = ConfirmChangeForm()
