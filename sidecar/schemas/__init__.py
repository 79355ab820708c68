"""Marshmallow schemas, one module per resource; instantiated once at import.

Messages are ``lazy_text(...)``: a ``str`` that translates itself when marshmallow formats it
or a template shows it. Importing this package first also makes marshmallow's own messages
("Missing data for required field.", "Not a valid integer.", …) translatable (fields copy their
messages when they are built, so this runs before any schema here is defined)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext
from marshmallow import Schema, fields, validate


class TextMessage(str):
    """A translatable message that is a ``str`` — for marshmallow fields that insist on one
    (``Email``, ``Url``). Its ``str`` value is the English text; formatting it (marshmallow's
    validators call ``.format``), ``str()`` and rendering it in a template translate it."""

    def __new__(cls, lazy):
        message = super().__new__(cls, str(lazy))  # built at import: English
        message._lazy = lazy
        return message

    def __str__(self) -> str:
        return str(self._lazy)

    def __html__(self) -> str:
        return str(self._lazy)

    def format(self, *args, **kwargs) -> str:
        return str(self._lazy).format(*args, **kwargs)


def lazy_text(message: str, **variables) -> TextMessage:
    """A translatable marshmallow message (``lazy_gettext`` as a ``str``). Marshmallow keeps
    a plain ``str`` message in a list of messages, as the forms expect."""
    return TextMessage(lazy_gettext(message, **variables))


def _translate_marshmallow_messages() -> None:
    """Swap marshmallow's built-in English messages for translatable ones (messages without
    ``{placeholders}`` for fields: marshmallow only formats plain ``str`` messages there)."""
    field_messages = {
        fields.Field: {
            "required": lazy_text("This field is required."),
            "null": lazy_text("This field cannot be empty."),
            "validator_failed": lazy_text("This value is not valid."),
        },
        fields.String: {
            "invalid": lazy_text("Enter text."),
            "invalid_utf8": lazy_text("Enter valid text."),
        },
        fields.Integer: {"invalid": lazy_text("Enter a whole number.")},
        fields.Number: {
            "invalid": lazy_text("Enter a number."),
            "too_large": lazy_text("This number is too large."),
        },
        fields.Decimal: {"special": lazy_text("Enter a number.")},
        fields.Float: {"special": lazy_text("Enter a number.")},
        fields.Boolean: {"invalid": lazy_text("Choose yes or no.")},
        fields.Email: {"invalid": lazy_text("Enter a valid email address.")},
        fields.Date: {"invalid": lazy_text("Enter a valid date.")},
        fields.DateTime: {"invalid": lazy_text("Enter a valid date and time.")},
        fields.List: {"invalid": lazy_text("Enter a list.")},
        fields.Mapping: {"invalid": lazy_text("Enter a mapping.")},
        fields.Url: {"invalid": lazy_text("Enter a valid URL.")},
    }
    for cls, messages in field_messages.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    Schema._default_error_messages = {
        "type": lazy_text("The input is not valid."),
        "unknown": lazy_text("Unknown field."),
    }
    # Validators format their message with str.format ({min}, {max}, {choices}).
    validate.Length.message_min = lazy_text("Use at least {min} characters.")
    validate.Length.message_max = lazy_text("Use at most {max} characters.")
    validate.Length.message_all = lazy_text("Use {min} to {max} characters.")
    validate.Length.message_equal = lazy_text("Use exactly {equal} characters.")
    validate.OneOf.default_message = lazy_text("Choose one of: {choices}.")
    validate.Regexp.default_message = lazy_text("This value does not have the right form.")


_translate_marshmallow_messages()


def _utc_isoformat(value: datetime) -> str:
    """ISO 8601 with its zone: the database's naive datetimes are UTC (``domain/clock.py``)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


# JSON answers say which zone their times are in (RFC 3339, as OpenAPI's date-time requires).
fields.DateTime.SERIALIZATION_FUNCS = {
    **fields.DateTime.SERIALIZATION_FUNCS,
    "iso": _utc_isoformat,
    "iso8601": _utc_isoformat,
}


def _boolean(self, value, attr, obj, **kwargs):
    """A boolean as JSON's ``true``/``false``: marshmallow 4 passes the value through, and
    MySQL's TINYINT flags would be sent as 0/1 against the spec's ``boolean``."""
    return None if value is None else bool(value)


fields.Boolean._serialize = _boolean
