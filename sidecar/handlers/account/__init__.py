"""Account pages of a site, for its owner (menu **Account** in the site's dashboard). One
module per area registers its routes on the shared blueprint."""

from __future__ import annotations

from flask import Blueprint

from ...auth import protect
from ...domain.access import account_viewer

blueprint = Blueprint("account", __name__, url_prefix="/account")
protect(blueprint, "account", account_viewer)

from . import billing_address, change, domains, invoices, overview, security, templates  # noqa: E402,F401  (registers the routes)
