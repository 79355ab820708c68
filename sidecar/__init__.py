"""The sidecar: a Flask service beside a WordPress multisite network.

``create_app(settings=None)`` is the only factory; importing this package does no I/O.
"""

from __future__ import annotations

from flask import Flask

from .config import Settings, load_settings
from .logging_setup import configure_from_settings

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app. With no ``settings`` the configuration is loaded (and checked) from
    ``SIDECAR_CONFIG`` and the environment; raises ConfigError when it is unusable."""
    from . import context, handlers, i18n

    settings = settings or load_settings()
    configure_from_settings(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    context.init_app(app, settings)
    i18n.init_app(app)
    _template_helpers(app)
    handlers.register(app)
    return app


def _template_helpers(app: Flask) -> None:
    """Globals and filters the page templates share."""
    from . import auth
    from .domain.limit_types import LIMIT_TYPES

    app.jinja_env.globals.update(
        csrf_token=auth.csrf_token,
        wp_url=auth.wp_url,
        limit_types=LIMIT_TYPES,
    )
