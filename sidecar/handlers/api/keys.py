"""API-key authentication for JSON blueprints."""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint

from ...context import get_db
from ...domain.api_keys import authenticate
from ...domain.events import Actor


def require_api_key(blueprint: Blueprint) -> None:
    """Refuse every request to ``blueprint`` without a valid ``Authorization: Bearer`` key."""

    @blueprint.before_request
    def _check():
        header = request.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        g.api_key = authenticate(get_db(), presented.strip() if scheme.lower() == "bearer" else "")


def api_actor() -> Actor:
    """The actor of this API request (its key), for the event log."""
    return Actor("api", g.api_key.id)
