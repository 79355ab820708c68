"""Per-request collaborators: one database connection per request (closed on teardown) and the
process-wide HTTP clients, bundled as a ``WordPress`` for domain functions."""

from __future__ import annotations

from flask import Flask, current_app, g

from .config import Settings
from .wp_bridge import WordPress
from .wp_bridge.db import Database, connect
from .wp_bridge.rest import RestClient
from .wp_bridge.shim import ShimClient


class Clients:
    """HTTP clients built once per process from the settings."""

    def __init__(self, settings: Settings):
        wp = settings.wordpress
        self.rest = RestClient(wp.url, auth=(wp.rest_user, wp.app_password), timeout=wp.timeout)
        shim_rest = RestClient(wp.url, timeout=wp.timeout)
        self.shim = ShimClient(shim_rest, settings.shim.secret, wp.network_id)


def settings() -> Settings:
    """Return the running app's settings."""
    return current_app.extensions["sidecar.settings"]


def get_db() -> Database:
    """Return this request's database connection, opening it on first use."""
    if "db" not in g:
        g.db = connect(settings().database)
    return g.db


def get_wp() -> WordPress:
    """Return this request's WordPress bridge."""
    if "wp" not in g:
        clients: Clients = current_app.extensions["sidecar.clients"]
        g.wp = WordPress(get_db(), clients.rest, clients.shim, settings().wordpress.network_id)
    return g.wp


def init_app(app: Flask, app_settings: Settings) -> None:
    """Attach settings and clients to ``app`` and close the connection after each request."""
    app.extensions["sidecar.settings"] = app_settings
    app.extensions["sidecar.clients"] = Clients(app_settings)

    @app.teardown_appcontext
    def close_db(_exc):
        db = g.pop("db", None)
        if db is not None:
            db.close()
