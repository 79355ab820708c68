"""The JSON API under ``/api/v1``, described by OpenAPI (flask-smorest) at
``/api/v1/openapi.json``. Every route needs ``Authorization: Bearer sk_…``."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from marshmallow import fields

from ...schemas.api_errors import ApiErrorSchema
from . import (
    customers,
    domains,
    events,
    invoices,
    limits,
    memberships,
    onboarding,
    products,
    sites,
    templates,
    webhooks,
)

API_PREFIX = "/api/v1"


class SidecarApi(Api):
    """flask-smorest's Api documenting the error body this app really sends, and amounts
    (``Decimal(as_string=True)``) as the strings they are."""

    ERROR_SCHEMA = ApiErrorSchema

    def __init__(self, app: Flask | None = None, **kwargs):
        super().__init__(app, **kwargs)
        self.ma_plugin.converter.add_attribute_function(decimal_strings)


def decimal_strings(self, field, ret, **kwargs) -> dict:
    """OpenAPI type of a marshmallow Decimal sent as a string: ``string``/``decimal``."""
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal"}
    return {}


def register(app: Flask) -> None:
    """Create the API on ``app`` and register its resources."""
    app.config.update(
        API_TITLE="Sidecar API",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = SidecarApi(app, spec_kwargs={"security": [{"ApiKey": []}]})
    api.spec.components.security_scheme(
        "ApiKey",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from `sidecar apikey create`.",
        },
    )
    for blueprint in (
        sites.blueprint,
        domains.blueprint,
        products.blueprint,
        invoices.blueprint,
        invoices.payments_blueprint,
        memberships.blueprint,
        limits.blueprint,
        templates.blueprint,
        *customers.BLUEPRINTS,
        onboarding.blueprint,
        webhooks.blueprint,
        events.blueprint,
    ):
        api.register_blueprint(blueprint, url_prefix=f"{API_PREFIX}{blueprint.url_prefix}")
