"""Input loading for HTML handlers (the JSON API lets flask-smorest do it)."""

from __future__ import annotations

from flask import request
from marshmallow import Schema, ValidationError

from ..errors import Invalid


def load_query(schema: Schema) -> dict:
    """Load ``request.args`` with ``schema``. Raises Invalid with the field messages."""
    try:
        return schema.load(request.args)
    except ValidationError as error:
        raise Invalid(error.messages) from None


def load_form(schema: Schema) -> dict:
    """Load ``request.form`` (without the CSRF token) with ``schema``. Raises Invalid."""
    data = request.form.copy()  # a MultiDict: schemas may read repeated fields (getlist)
    data.pop("csrf_token", None)
    try:
        return schema.load(data)
    except ValidationError as error:
        raise Invalid(error.messages) from None
