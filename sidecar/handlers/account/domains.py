"""Account → Domains: the block on the Account page, the two steps of Add Domain (the
network's instructions → Next Step → the domain and "make primary" → Add Domain), and Remove,
Make primary and Check now on each domain."""

from __future__ import annotations

from flask import g, redirect, request
from flask_babel import lazy_gettext

from ...auth import current_actor
from ...context import get_wp
from ...domain import domain_verification, domains
from ...domain.clock import utcnow
from ...domain.domain_instructions import instructions_html
from ...domain.domain_status import describe
from ...errors import Invalid
from ...schemas.domains import ADD_DOMAIN_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint

NOTICES = {
    "domain-added": lazy_gettext(
        "The domain was added. Point its DNS at this network as shown; we check it automatically."
    ),
    "domain-removed": lazy_gettext("The domain was removed."),
    "domain-primary": lazy_gettext("The primary domain was changed."),
    "domain-checked": lazy_gettext("The domain was checked just now."),
}
DONE = "/account/?done="


@blueprint.context_processor
def _domains_context() -> dict:
    """For the overview's Domains block (its data comes with the Account overview): the notice
    after a domain action and the words for a domain's status."""
    return {
        "domains_notice": NOTICES.get(request.args.get("done", "")),
        "describe_domain": describe,
    }


@blueprint.get("/domains/new")
def add_domain_instructions():
    """Add Domain, step 1: how to update DNS (the text the network admin wrote)."""
    view = domains.addable_site_domains(get_wp(), g.viewer.site.blog_id)
    return _add_page(view, step=1)


@blueprint.get("/domains/new/details")
def add_domain_details():
    """Add Domain, step 2: the domain, and whether it becomes the primary one."""
    view = domains.addable_site_domains(get_wp(), g.viewer.site.blog_id)
    return _add_page(view, step=2)


@blueprint.post("/domains")
def add_domain():
    """Add the domain; a refused name shows step 2 again with the input and the reason."""
    try:
        form = load_form(ADD_DOMAIN_FORM)
        domains.add_domain(
            get_wp(), g.viewer.site.blog_id, form["domain"], form["primary"], current_actor()
        )
    except Invalid as refused:
        view = domains.enabled_site_domains(get_wp(), g.viewer.site.blog_id)
        return _add_page(view, step=2, errors=refused.errors, status=400)
    return redirect(DONE + "domain-added", code=303)


@blueprint.post("/domains/<int:domain_id>/remove")
def remove_domain(domain_id: int):
    """Remove one of the site's domains."""
    domains.remove_domain(get_wp(), g.viewer.site.blog_id, domain_id, current_actor())
    return redirect(DONE + "domain-removed", code=303)


@blueprint.post("/domains/<int:domain_id>/primary")
def make_primary(domain_id: int):
    """Make one of the site's domains the primary (canonical) one."""
    domains.make_primary(get_wp(), g.viewer.site.blog_id, domain_id, current_actor())
    return redirect(DONE + "domain-primary", code=303)


@blueprint.post("/domains/<int:domain_id>/check")
def check_domain(domain_id: int):
    """Check one of the site's domains now."""
    domain_verification.recheck_site_domain(
        get_wp(), g.viewer.site.blog_id, domain_id, current_actor(), utcnow()
    )
    return redirect(DONE + "domain-checked", code=303)


def _add_page(view, *, step: int, errors: dict | None = None, status: int = 200):
    return render_fragment(
        "account/domain_add.html",
        status=status,
        view=view,
        step=step,
        instructions=instructions_html(get_wp(), view.settings),
        form=request.form if errors else {},
        errors=errors or {},
    )
