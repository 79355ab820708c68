"""HTTP handlers: load input with a schema → call one domain function → render or dump.

- ``account``: a site's Account pages, proxied into wp-admin by the shim (audience ``account``);
- ``network``: Network Admin → Sidecar pages (audience ``network``);
- ``api``: the JSON API under ``/api/v1`` (API keys, OpenAPI);
- ``health``: ``/healthz`` and ``/readyz`` for load balancers.
"""

from __future__ import annotations

from flask import Flask

from . import account, api, auth_reports, errors, health, network, public


def register(app: Flask) -> None:
    """Attach every blueprint and the error handlers to ``app``."""
    app.register_blueprint(account.blueprint)
    app.register_blueprint(network.blueprint)
    app.register_blueprint(public.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(auth_reports.blueprint)
    api.register(app)
    errors.register(app)
