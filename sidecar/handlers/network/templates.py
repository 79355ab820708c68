"""Network Admin → Sidecar → Templates: the templates with how many sites use each (mark a site
as template, edit, unmark), Allow Template Switching, each plan's template settings, "reset site
to its template" (with a confirmation) and the engine's kept backups."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import lazy_gettext

from ...auth import current_actor
from ...context import get_wp, settings
from ...domain import catalog, site_templates, template_admin
from ...domain.sites import get_summary
from ...domain.template_rules import MODE_LABELS, get_template, list_templates, plan_templates
from ...errors import Invalid
from ...schemas.site_templates import (
    PLAN_TEMPLATES_FORM,
    SWITCH_FORM,
    SWITCHING_FORM,
    TEMPLATE_FORM,
)
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint

NOTICES = {
    "marked": lazy_gettext("The site is now a template."),
    "saved": lazy_gettext("The template was saved."),
    "unmarked": lazy_gettext(
        "The site is no longer a template. Sites made from it keep their content."
    ),
    "switching": lazy_gettext("The template switching setting was saved."),
    "plan": lazy_gettext("The plan's template settings were saved."),
    "reset": lazy_gettext("The site is being reset to its template. It takes a few moments."),
}


@blueprint.get("/templates")
def templates():
    """Templates, the network setting, the plans' settings and the backups."""
    return render_fragment(
        "network/templates.html",
        page=template_admin.templates_page(get_wp()),
        modes=MODE_LABELS,
        notice=NOTICES.get(request.args.get("done", "")),
    )


@blueprint.post("/templates/settings")
def save_template_switching():
    """Allow Template Switching on or off."""
    form = load_form(SWITCHING_FORM)
    template_admin.save_switching(get_wp(), form["allow_switching"], current_actor())
    return redirect(url_for("network.templates", done="switching"), code=303)


@blueprint.get("/templates/new")
def new_template():
    """The form that marks a site as template."""
    return _template_form(None, {"site_id": request.args.get("site_id", "")})


@blueprint.post("/templates")
def mark_template():
    """Mark a site as template; the form again with what to correct (400)."""
    try:
        template_admin.mark_template(get_wp(), load_form(TEMPLATE_FORM), current_actor())
    except Invalid as refused:
        return _template_form(None, request.form, refused.errors)
    return redirect(url_for("network.templates", done="marked"), code=303)


@blueprint.get("/templates/<int:template_id>")
def edit_template(template_id: int):
    """Edit a template's name, description and preview; the sites that use it."""
    template = get_template(get_wp().db, get_wp().network_id, template_id)
    values = {
        "site_id": template.id,
        "name": template.name,
        "description": template.description,
        "preview_url": template.preview_url,
        "sort_order": template.sort_order,
    }
    return _template_form(template, values)


@blueprint.post("/templates/<int:template_id>")
def save_template(template_id: int):
    """Save a template's name, description and preview."""
    template = get_template(get_wp().db, get_wp().network_id, template_id)
    try:
        data = {**load_form(TEMPLATE_FORM), "site_id": template_id}
        template_admin.mark_template(get_wp(), data, current_actor())
    except Invalid as refused:
        return _template_form(template, request.form, refused.errors)
    return redirect(url_for("network.templates", done="saved"), code=303)


@blueprint.post("/templates/<int:template_id>/unmark")
def unmark_template(template_id: int):
    """Stop using a site as template."""
    template_admin.unmark_template(get_wp(), template_id, current_actor())
    return redirect(url_for("network.templates", done="unmarked"), code=303)


@blueprint.get("/templates/plans/<int:plan_id>")
def plan_template_settings(plan_id: int):
    """One plan's template settings."""
    plan = catalog.get_product(get_wp().db, plan_id)
    current = plan_templates(get_wp().db, plan_id)
    values = {
        "allow_templates": current.allow_templates,
        "mode": current.mode,
        "assigned_id": current.assigned_id,
        "preselected_id": current.preselected_id,
        "available": sorted(current.available),
    }
    return _plan_form(plan, values)


@blueprint.post("/templates/plans/<int:plan_id>")
def save_plan_template_settings(plan_id: int):
    """Save one plan's template settings; the form again with what to correct (400)."""
    plan = catalog.get_product(get_wp().db, plan_id)
    form = load_form(PLAN_TEMPLATES_FORM)
    try:
        template_admin.save_plan_templates(get_wp(), plan_id, form, current_actor())
    except Invalid as refused:
        return _plan_form(plan, form, refused.errors)
    return redirect(url_for("network.templates", done="plan"), code=303)


@blueprint.get("/templates/sites/<int:site_id>/reset")
def confirm_reset(site_id: int):
    """Reset site to its template: what happens, and the confirmation."""
    site = get_summary(get_wp(), site_id)
    template = site_templates.current_template(get_wp(), site_id)
    return render_fragment("network/templates_reset.html", site=site, origin=template, errors={})


@blueprint.post("/templates/sites/<int:site_id>/reset")
def reset_site(site_id: int):
    """Replace the site's content with a fresh copy of its template (background switch)."""
    confirmed = load_form(SWITCH_FORM)["confirm"]
    try:
        site_templates.reset_to_template(
            get_wp(), settings(), site_id, current_actor(), confirmed=confirmed
        )
    except Invalid as refused:
        site = get_summary(get_wp(), site_id)
        template = site_templates.current_template(get_wp(), site_id)
        return render_fragment(
            "network/templates_reset.html",
            status=400,
            site=site,
            origin=template,
            errors=refused.errors,
        )
    return redirect(url_for("network.templates", done="reset"), code=303)


def _template_form(template, values, errors: dict | None = None):
    return render_fragment(
        "network/templates_form.html",
        status=400 if errors else 200,
        edited=template,
        values=values,
        errors=errors or {},
        sites=template_admin.sites_using(get_wp(), template.id) if template else [],
    )


def _plan_form(plan, values, errors: dict | None = None):
    return render_fragment(
        "network/templates_plan.html",
        status=400 if errors else 200,
        plan=plan,
        values=values,
        errors=errors or {},
        modes=MODE_LABELS,
        templates=list_templates(get_wp().db, get_wp().network_id),
    )
