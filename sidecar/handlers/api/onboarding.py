"""``/api/v1/onboarding-templates``: list, read, create, update, delete, set default."""

from __future__ import annotations

from flask_smorest import Blueprint

from ...context import get_db, settings
from ...domain import onboarding
from ...schemas.onboarding import (
    OnboardingTemplateList,
    OnboardingTemplateOut,
    OnboardingTemplateSchema,
)
from .keys import api_actor, require_api_key

blueprint = Blueprint(
    "api_onboarding",
    __name__,
    url_prefix="/onboarding-templates",
    description="Onboarding (configuration) templates",
)
require_api_key(blueprint)


def _net() -> int:
    return settings().wordpress.network_id


@blueprint.get("/")
@blueprint.response(200, OnboardingTemplateList)
def list_onboarding_templates():
    """Every template, the default first."""
    return {"items": onboarding.list_templates(get_db(), _net())}


@blueprint.post("/")
@blueprint.arguments(OnboardingTemplateSchema)
@blueprint.response(201, OnboardingTemplateOut)
def create_onboarding_template(body):
    """Create a template (the network's first becomes the default)."""
    return onboarding.create_template(get_db(), _net(), body, api_actor())


@blueprint.get("/<int:template_id>")
@blueprint.response(200, OnboardingTemplateOut)
def get_onboarding_template(template_id):
    """One template."""
    return onboarding.get_template(get_db(), _net(), template_id)


@blueprint.put("/<int:template_id>")
@blueprint.arguments(OnboardingTemplateSchema)
@blueprint.response(200, OnboardingTemplateOut)
def update_onboarding_template(body, template_id):
    """Replace a template's settings (existing customers keep what they got)."""
    return onboarding.update_template(get_db(), _net(), template_id, body, api_actor())


@blueprint.post("/<int:template_id>/default")
@blueprint.response(200, OnboardingTemplateOut)
def set_default_onboarding_template(template_id):
    """Make a template the only default."""
    return onboarding.set_default(get_db(), _net(), template_id, api_actor())


@blueprint.delete("/<int:template_id>")
@blueprint.response(204)
def delete_onboarding_template(template_id):
    """Delete a template (409 for the default while other templates exist)."""
    onboarding.delete_template(get_db(), _net(), template_id, api_actor())
