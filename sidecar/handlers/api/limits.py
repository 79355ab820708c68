"""``/api/v1/sites/<id>/limits``: a site's effective limits and usage."""

from __future__ import annotations

from flask_smorest import Blueprint

from ...context import get_wp
from ...domain.usage_view import limits_report
from ...schemas.limits import SiteLimitsSchema
from .keys import require_api_key

blueprint = Blueprint(
    "api_limits", __name__, url_prefix="/sites", description="Limits and usage of sites"
)
require_api_key(blueprint)


@blueprint.get("/<int:site_id>/limits")
@blueprint.response(200, SiteLimitsSchema)
def site_limits(site_id):
    """A site's effective limits (plan + packages + overrides) and what it uses of them."""
    return limits_report(get_wp(), site_id)
