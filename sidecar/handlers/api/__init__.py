"""The JSON API under ``/api/v1``, described by OpenAPI (flask-smorest) at
``/api/v1/openapi.json``. Every route needs ``Authorization: Bearer sk_…``."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from . import domains, invoices, limits, memberships, products, sites

API_PREFIX = "/api/v1"


def register(app: Flask) -> None:
    """Create the API on ``app`` and register its resources."""
    app.config.update(
        API_TITLE="Sidecar API",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = Api(app, spec_kwargs={"security": [{"ApiKey": []}]})
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
    ):
        api.register_blueprint(blueprint, url_prefix=f"{API_PREFIX}{blueprint.url_prefix}")
