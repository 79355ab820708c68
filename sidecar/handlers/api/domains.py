"""``/api/v1/sites/<site_id>/domains``: a site's custom domains — list, add, remove, set the
primary, status, check now. The same rules as the Account page apply (mapping on, the plan's
allowance, every name rule)."""

from __future__ import annotations

from flask_smorest import Blueprint

from ...context import get_wp
from ...domain import domain_verification, domains
from ...domain.clock import utcnow
from ...schemas.domains import AddDomainForm, DomainListSchema, DomainSchema
from .keys import api_actor, require_api_key

blueprint = Blueprint(
    "api_domains", __name__, url_prefix="/sites", description="Custom domains of a site"
)
require_api_key(blueprint)


@blueprint.get("/<int:site_id>/domains")
@blueprint.response(200, DomainListSchema)
def list_domains(site_id):
    """The site's domains, the primary first."""
    return {"items": domains.list_for_site(get_wp(), site_id)}


@blueprint.post("/<int:site_id>/domains")
@blueprint.arguments(AddDomainForm)
@blueprint.response(201, DomainSchema)
def add_domain(body, site_id):
    """Add a domain (its first DNS check is due at once). 400 with the reason when refused."""
    return domains.add_site_domain(get_wp(), site_id, body["domain"], body["primary"], api_actor())


@blueprint.get("/<int:site_id>/domains/<int:domain_id>")
@blueprint.response(200, DomainSchema)
def get_domain(site_id, domain_id):
    """One domain with its status and the reason of its last failed check."""
    return domains.get_site_domain(get_wp(), site_id, domain_id)


@blueprint.delete("/<int:site_id>/domains/<int:domain_id>")
@blueprint.response(204)
def remove_domain(site_id, domain_id):
    """Remove a domain (the next one becomes primary if it was)."""
    domains.remove_domain(get_wp(), site_id, domain_id, api_actor())


@blueprint.post("/<int:site_id>/domains/<int:domain_id>/primary")
@blueprint.response(200, DomainSchema)
def make_primary(site_id, domain_id):
    """Make a domain the site's primary (canonical) domain."""
    return domains.make_primary(get_wp(), site_id, domain_id, api_actor())


@blueprint.post("/<int:site_id>/domains/<int:domain_id>/check")
@blueprint.response(200, DomainSchema)
def check_domain(site_id, domain_id):
    """Check a domain's DNS now and return its new status."""
    return domain_verification.recheck_site_domain(
        get_wp(), site_id, domain_id, api_actor(), utcnow()
    )
