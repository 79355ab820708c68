"""Account → Change Site Template: the confirmation page (a toggle and **Process Switch**), the
progress page (polls the JSON status route, refreshes without JavaScript), and **Restore
previous site** (undo) with its own confirmation. The block itself comes with the Account
overview (``domain/account.py``)."""

from __future__ import annotations

from flask import g, jsonify, redirect, request
from flask_babel import gettext, lazy_gettext

from ...auth import current_actor
from ...context import get_wp, settings
from ...domain import site_templates
from ...domain.sites import get_summary
from ...domain.template_rules import require_allowed
from ...errors import Forbidden, Invalid, NotFound
from ...schemas.site_templates import SWITCH_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint

# The steps the progress page lists, in the engine's order (template_switch.STEPS).
STEP_LABELS = (
    ("queued", lazy_gettext("Waiting to start")),
    ("copying_tables", lazy_gettext("Copying the template's content")),
    ("rewriting_urls", lazy_gettext("Rewriting addresses for your site")),
    ("copying_media", lazy_gettext("Copying images and files")),
    ("swapping", lazy_gettext("Putting the new site in place")),
    ("clearing_caches", lazy_gettext("Clearing caches")),
    ("done", lazy_gettext("Finished")),
)
PROGRESS = "/account/templates/progress"


@blueprint.get("/templates/<int:template_id>")
def confirm_switch(template_id: int):
    """Step 2 of Change Site Template: what will happen, the toggle and Process Switch."""
    state = _visible_state()
    template = require_allowed(get_wp().db, get_wp().network_id, state.options, template_id)
    return _confirm_page(state, template)


@blueprint.post("/templates/<int:template_id>")
def process_switch(template_id: int):
    """Process Switch: queue the switch and start it, then show the progress page."""
    try:
        form = load_form(SWITCH_FORM)
        site_templates.start_switch(
            get_wp(),
            settings(),
            g.viewer.site.blog_id,
            template_id,
            current_actor(),
            source="account",
            confirmed=form["confirm"],
        )
    except Invalid as refused:
        state = _visible_state()
        template = require_allowed(get_wp().db, get_wp().network_id, state.options, template_id)
        return _confirm_page(state, template, refused.errors, status=400)
    return redirect(PROGRESS, code=303)


@blueprint.get("/templates/progress")
def switch_progress():
    """The latest switch or undo of the site, step by step, and its result."""
    state = _visible_state()
    return render_fragment(
        "account/template_progress.html",
        state=state,
        latest=state.latest,
        steps=STEP_LABELS,
        status_url="/templates/status",
        site_url=get_summary(get_wp(), g.viewer.site.blog_id).url,
    )


@blueprint.get("/templates/status")
def switch_status_json():
    """The latest switch or undo as JSON (polled by the progress page)."""
    _visible_state()
    latest = site_templates.switch_status(get_wp(), g.viewer.site.blog_id)
    if latest is None:
        return jsonify({"state": "none"})
    return jsonify(_public_status(latest))


@blueprint.get("/templates/undo")
def confirm_undo():
    """Restore previous site: what will happen and the toggle."""
    state = _visible_state()
    if not state.restorable:
        raise NotFound(gettext("There is no previous site to restore any more."))
    return render_fragment("account/template_undo.html", state=state, errors={})


@blueprint.post("/templates/undo")
def process_undo():
    """Restore the previous site (swap the kept backup back in), then show the progress."""
    try:
        form = load_form(SWITCH_FORM)
        _visible_state()
        site_templates.start_undo(
            get_wp(),
            settings(),
            g.viewer.site.blog_id,
            current_actor(),
            source="account",
            confirmed=form["confirm"],
        )
    except Invalid as refused:
        state = _visible_state()
        return render_fragment(
            "account/template_undo.html", status=400, state=state, errors=refused.errors
        )
    return redirect(PROGRESS, code=303)


def _visible_state():
    """The site's template state. Raises Forbidden when the block is not shown (switching off
    on the network, or the plan lets the customer choose no template)."""
    state = site_templates.site_template_state(get_wp(), g.viewer.site.blog_id)
    if not state.options.visible:
        raise Forbidden(state.options.reason)
    return state


def _confirm_page(state, template, errors: dict | None = None, status: int = 200):
    return render_fragment(
        "account/template_switch.html",
        status=status,
        state=state,
        chosen=template,
        errors=errors or {},
        form=request.form if errors else {},
    )


def _public_status(latest: dict) -> dict:
    """What the page needs (the engine's error text is for the log, not for customers)."""
    return {
        "id": latest["id"],
        "kind": latest["kind"],
        "state": latest["state"],
        "step": latest["step"],
        "percent": latest["percent"],
    }
