"""``/api/v1/templates`` (the site templates) and ``/api/v1/sites/<site_id>/template`` (a site's
template: state, start a switch, its status, undo). The same rules as the Account page apply
(the network's Allow Template Switching, the plan's Available templates, the ``templates``
limit); switches run in the background — poll the status."""

from __future__ import annotations

from flask_babel import gettext
from flask_smorest import Blueprint

from ...context import get_wp, settings
from ...domain import site_templates
from ...domain.template_rules import list_templates
from ...errors import NotFound
from ...schemas.site_templates import (
    SiteTemplateSchema,
    StartSwitchBody,
    SwitchSchema,
    TemplateListArgs,
    TemplateListSchema,
)
from .keys import api_actor, require_api_key

blueprint = Blueprint(
    "api_templates", __name__, url_prefix="", description="Site templates and switches"
)
require_api_key(blueprint)


@blueprint.get("/templates")
@blueprint.arguments(TemplateListArgs, location="query")
@blueprint.response(200, TemplateListSchema)
def list_site_templates(args):
    """Every template; with ``site_id`` only those that site may switch to now."""
    wp = get_wp()
    if args["site_id"]:
        state = site_templates.api_site_state(wp, args["site_id"])
        return {"items": list(state.options.templates) if state.options.allowed else []}
    return {"items": list_templates(wp.db, wp.network_id)}


@blueprint.get("/sites/<int:site_id>/template")
@blueprint.response(200, SiteTemplateSchema)
def site_template(site_id):
    """The site's template, whether it may switch (and why not), its latest switch and until
    when undo is possible."""
    return _state(site_id)


@blueprint.post("/sites/<int:site_id>/template/switch")
@blueprint.arguments(StartSwitchBody)
@blueprint.response(202, SwitchSchema)
def start_switch(body, site_id):
    """Start switching the site onto a template (403: switching off, the template is Not
    Available for the plan or the limit is used up; 409: a switch is running)."""
    wp = get_wp()
    switch_id = site_templates.start_switch(
        wp, settings(), site_id, body["template_id"], api_actor(), source="api", confirmed=True
    )
    return _switch(site_id, switch_id)


@blueprint.get("/sites/<int:site_id>/template/switch")
@blueprint.response(200, SwitchSchema)
def switch_status(site_id):
    """The site's latest switch or undo (404 when there was none)."""
    return _switch(site_id, None)


@blueprint.post("/sites/<int:site_id>/template/undo")
@blueprint.response(202, SwitchSchema)
def undo_switch(site_id):
    """Restore the site's previous content (404 when no backup is kept any more)."""
    switch_id = site_templates.start_undo(
        get_wp(), settings(), site_id, api_actor(), source="api", confirmed=True
    )
    return _switch(site_id, switch_id)


def _state(site_id: int) -> dict:
    state = site_templates.api_site_state(get_wp(), site_id)
    return {
        "site_id": site_id,
        "current_template_id": state.current.id if state.current else None,
        "can_switch": state.can_switch,
        "reason": state.options.reason,
        "available_template_ids": [t.id for t in state.options.templates],
        "latest": state.latest,
        "undo_until": state.restorable["undo_until"] if state.restorable else None,
    }


def _switch(site_id: int, switch_id: int | None) -> dict:
    site_templates.api_site_state(get_wp(), site_id)  # 404 for a site not in this network
    latest = site_templates.switch_status(get_wp(), site_id, switch_id)
    if latest is None:
        raise NotFound(gettext("This site has no template switch."))
    return latest
