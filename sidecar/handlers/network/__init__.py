"""Network Admin → Sidecar pages, for super admins. One module per tab registers its routes
on the shared blueprint."""

from __future__ import annotations

from flask import Blueprint

from ...auth import protect
from ...domain.access import network_viewer

blueprint = Blueprint("network", __name__, url_prefix="/network")
protect(blueprint, "network", network_viewer)

from . import (  # noqa: E402,F401  (registers the routes)
    add_customer,
    api_keys,
    customers,
    discounts,
    domains,
    events,
    invoices,
    limit_overrides,
    locks,
    memberships,
    onboarding,
    products,
    sites,
    templates,
    usage,
    webhooks,
)
