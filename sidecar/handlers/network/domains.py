"""Network Admin → Sidecar → Domains: all domains with status and last check (Check now,
Turn off / Turn on), and the settings (Enable Domain Mapping, Add New Domain Instructions, DNS
targets, TXT proof, resolver, HTTPS check)."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import lazy_gettext

from ...auth import current_actor
from ...context import get_db, get_wp
from ...domain import domain_admin
from ...domain.clock import utcnow
from ...domain.domain_settings import PLACEHOLDERS, get_settings, save_settings
from ...domain.domain_status import describe
from ...errors import Invalid
from ...schemas.domains import DOMAIN_FILTER_ARGS, DOMAIN_SETTINGS_FORM, FILTER_STATUSES
from ..fragments import render_fragment
from ..inputs import load_form, load_query
from . import blueprint

NOTICES = {
    "checked": lazy_gettext("The domain was checked just now."),
    "disabled": lazy_gettext(
        "The domain was turned off: WordPress no longer serves the site at it."
    ),
    "enabled": lazy_gettext("The domain was turned on."),
    "saved": lazy_gettext("The domain settings were saved."),
}


@blueprint.get("/domains")
def domains():
    """Every domain of the network, filtered by status and name."""
    args = load_query(DOMAIN_FILTER_ARGS)
    page = domain_admin.domains_page(
        get_wp(), status=args["status"], text=args["q"], after_id=args["after"]
    )
    return render_fragment(
        "network/domains.html",
        page=page,
        args=args,
        statuses=FILTER_STATUSES,
        describe=describe,
        now=utcnow(),
        notice=NOTICES.get(request.args.get("done", "")),
    )


@blueprint.get("/domains/settings")
def domain_settings():
    """The settings form."""
    settings = get_settings(get_db(), get_wp().network_id)
    return _settings_page(_values(settings))


@blueprint.post("/domains/settings")
def save_domain_settings():
    """Save the settings, or show the form again with what to correct (400)."""
    try:
        save_settings(
            get_db(), get_wp().network_id, load_form(DOMAIN_SETTINGS_FORM), current_actor()
        )
    except Invalid as refused:
        posted = {key: value for key, value in request.form.items() if key != "csrf_token"}
        return _settings_page(posted, refused.errors)
    return redirect(url_for("network.domain_settings", done="saved"), code=303)


@blueprint.post("/domains/<int:domain_id>/check")
def check_domain(domain_id: int):
    """Check one domain now."""
    domain_admin.admin_recheck(get_wp(), domain_id, current_actor(), utcnow())
    return redirect(url_for("network.domains", done="checked"), code=303)


@blueprint.post("/domains/<int:domain_id>/disable")
def disable_domain(domain_id: int):
    """Turn a mapping off (WordPress stops serving the site at it)."""
    domain_admin.set_enabled(get_wp(), domain_id, False, current_actor())
    return redirect(url_for("network.domains", done="disabled"), code=303)


@blueprint.post("/domains/<int:domain_id>/enable")
def enable_domain(domain_id: int):
    """Turn a mapping back on."""
    domain_admin.set_enabled(get_wp(), domain_id, True, current_actor())
    return redirect(url_for("network.domains", done="enabled"), code=303)


def _settings_page(values: dict, errors: dict | None = None):
    return render_fragment(
        "network/domain_settings.html",
        status=400 if errors else 200,
        values=values,
        errors=errors or {},
        placeholders=PLACEHOLDERS,
        notice=NOTICES.get(request.args.get("done", "")) if not errors else None,
    )


def _values(settings) -> dict:
    """The settings as the form's inputs hold them."""
    return {
        "enabled": "1" if settings.enabled else "",
        "instructions": settings.instructions,
        "addresses": "\n".join(settings.addresses),
        "cname_target": settings.cname_target,
        "txt_required": "1" if settings.txt_required else "",
        "resolver": settings.resolver,
        "https_check": "1" if settings.https_check else "",
    }
