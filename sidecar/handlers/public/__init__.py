"""Public pages of the network (the shim proxies ``/signup/`` on the main site), for anyone."""

from __future__ import annotations

from flask import Blueprint

from ...auth import protect
from ...domain.access import public_viewer

blueprint = Blueprint("public", __name__, url_prefix="/public")
protect(blueprint, "public", public_viewer)

from . import signup  # noqa: E402,F401  (registers the routes)
