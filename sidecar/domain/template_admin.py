"""Network Admin → Templates: mark and unmark sites as templates (name, description, preview),
the network's Allow Template Switching, each plan's template settings, the templates list with
how many sites use each, and the engine's kept backups. Every change records an event."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext

from ..errors import Invalid, NotFound
from ..store import site_template_uses as uses_store
from ..store import site_templates as store
from ..wp_bridge import WordPress
from ..wp_bridge.tables.networks import get_network
from ..wp_bridge.tables.sites import get_site
from . import catalog, events, template_switch
from .catalog import Product
from .events import Actor
from .memberships import membership_for_site
from .site_templates import settle_all
from .sites import summarize
from .template_rules import (
    MODES,
    PlanTemplates,
    Template,
    get_template,
    list_templates,
    plan_templates,
    switching_enabled,
)

NAME_MAX = 120
DESCRIPTION_MAX = 2000
URL_MAX = 2000


@dataclass(frozen=True)
class TemplatesPage:
    """What the Templates tab shows."""

    templates: list[tuple[Template, int]]  # with the number of sites using it
    allow_switching: bool
    plans: list[tuple[Product, PlanTemplates]]
    backups: list[dict]


def templates_page(wp: WordPress) -> TemplatesPage:
    """Read the whole tab (settles finished switches first, so the counts are current)."""
    settle_all(wp.db)
    counts = uses_store.usage_counts(wp.db)
    templates = list_templates(wp.db, wp.network_id)
    plans = catalog.list_products(wp.db, type="plan")
    return TemplatesPage(
        templates=[(t, counts.get(t.id, 0)) for t in templates],
        allow_switching=switching_enabled(wp.db, wp.network_id),
        plans=[(plan, plan_templates(wp.db, plan.id)) for plan in plans],
        backups=[_with_site(wp, backup) for backup in template_switch.backups(wp.db)],
    )


def _with_site(wp: WordPress, backup: dict) -> dict:
    """A backup with its site's address ("" when the site is gone)."""
    site = get_site(wp.db, backup["site_id"])
    address = f"{site.domain}{site.path}" if site and not site.deleted else ""
    return {**backup, "site_address": address}


def sites_using(wp: WordPress, template_id: int) -> list:
    """Summaries of the sites whose content comes from ``template_id`` now."""
    settle_all(wp.db)
    summaries = []
    for site_id in uses_store.sites_using(wp.db, template_id):
        site = get_site(wp.db, site_id)
        if site is not None and not site.deleted:
            summaries.append(summarize(wp, site))
    return summaries


# --- the catalogue ---------------------------------------------------------------------------


def mark_template(wp: WordPress, data: Mapping[str, Any], actor: Actor) -> Template:
    """Mark site ``data["site_id"]`` as a template (or edit it): name, description,
    preview_url, sort_order. Raises Invalid with per-field messages (the main site, no such
    site, a customer's site with a membership, bad values)."""
    site_id = _int(data.get("site_id"))
    cleaned, problems = _clean(data)
    problems.update(_site_problems(wp, site_id))
    if problems:
        raise Invalid(problems)
    with wp.db.transaction():
        before = store.get_template(wp.db, wp.network_id, site_id)
        store.save_template(wp.db, wp.network_id, site_id, cleaned)
        template = get_template(wp.db, wp.network_id, site_id)
        action = "site_template.updated" if before else "site_template.marked"
        events.record(wp.db, actor, "site_template", site_id, action, before, asdict(template))
    return template


def unmark_template(wp: WordPress, template_id: int, actor: Actor) -> None:
    """Unmark a template: it is offered nowhere any more (the site itself stays, and so do
    the sites made from it). Raises NotFound."""
    template = get_template(wp.db, wp.network_id, template_id)
    with wp.db.transaction():
        store.delete_template(wp.db, template_id)
        events.record(
            wp.db, actor, "site_template", template_id, "site_template.unmarked", asdict(template)
        )


def save_switching(wp: WordPress, allowed: bool, actor: Actor) -> None:
    """Turn the network's Allow Template Switching on or off."""
    with wp.db.transaction():
        before = switching_enabled(wp.db, wp.network_id)
        store.save_allow_switching(wp.db, wp.network_id, allowed)
        events.record(
            wp.db,
            actor,
            "template_settings",
            wp.network_id,
            "template_settings.updated",
            {"allow_switching": before},
            {"allow_switching": allowed},
        )


# --- per plan --------------------------------------------------------------------------------


def save_plan_templates(
    wp: WordPress, plan_id: int, data: Mapping[str, Any], actor: Actor
) -> PlanTemplates:
    """Store a plan's template settings: allow_templates, mode, assigned_id, preselected_id and
    available (template ids). Raises NotFound (no such plan) or Invalid (per field)."""
    plan = catalog.get_product(wp.db, plan_id)
    if plan.type != "plan":
        raise NotFound(gettext("There is no plan with this id."))
    known = {t.id for t in list_templates(wp.db, wp.network_id)}
    cleaned, available, problems = _clean_plan(data, known)
    if problems:
        raise Invalid(problems)
    with wp.db.transaction():
        before = plan_templates(wp.db, plan_id)
        store.save_plan_settings(wp.db, plan_id, cleaned, available)
        after = plan_templates(wp.db, plan_id)
        events.record(
            wp.db, actor, "product", plan_id, "plan_templates.updated", _plan(before), _plan(after)
        )
    return after


def _clean_plan(data: Mapping[str, Any], known: set[int]):
    problems: dict[str, list[str]] = {}
    mode = str(data.get("mode") or "default")
    if mode not in MODES:
        problems["mode"] = [gettext("Choose a selection mode from the list.")]
    available = {i for i in (_int(v) for v in data.get("available") or ()) if i in known}
    assigned = _int(data.get("assigned_id")) or None
    preselected = _int(data.get("preselected_id")) or None
    allow = bool(data.get("allow_templates"))
    if allow and mode == "assign" and assigned not in known:
        problems["assigned_id"] = [gettext("Choose the template every new site gets.")]
    if allow and mode == "choose" and not available:
        problems["available"] = [gettext("Make at least one template Available.")]
    if preselected is not None and preselected not in available:
        if mode == "choose" and allow:
            problems["preselected_id"] = [
                gettext("The pre-selected template must be one of the Available ones.")
            ]
        preselected = None
    cleaned = {
        "allow_templates": int(allow),
        "mode": mode,
        "assigned_blog_id": assigned if assigned in known else None,
        "preselected_blog_id": preselected,
    }
    return cleaned, available, problems


# --- checks ----------------------------------------------------------------------------------


def _clean(data: Mapping[str, Any]) -> tuple[dict, dict[str, list[str]]]:
    problems: dict[str, list[str]] = {}
    name = str(data.get("name") or "").strip()
    description = str(data.get("description") or "").replace("\r\n", "\n").strip()
    preview = str(data.get("preview_url") or "").strip()
    if not name:
        problems["name"] = [gettext("Give the template a name customers will recognise.")]
    elif len(name) > NAME_MAX:
        problems["name"] = [gettext("Keep the name under %(max)d characters.", max=NAME_MAX)]
    if len(description) > DESCRIPTION_MAX:
        problems["description"] = [
            gettext("Keep the description under %(max)d characters.", max=DESCRIPTION_MAX)
        ]
    if preview and (len(preview) > URL_MAX or not _is_web_url(preview)):
        problems["preview_url"] = [
            gettext("Enter the address of an image, starting with https:// or http://.")
        ]
    cleaned = {
        "name": name,
        "description": description,
        "preview_url": preview,
        "sort_order": _int(data.get("sort_order")),
    }
    return cleaned, problems


def _site_problems(wp: WordPress, site_id: int) -> dict[str, list[str]]:
    site = get_site(wp.db, site_id) if site_id > 0 else None
    if site is None or site.network_id != wp.network_id or site.deleted:
        return {"site_id": [gettext("There is no site with this id in the network.")]}
    if site_id == 1 or _is_main(wp, site):
        return {"site_id": [gettext("The main site cannot be a template.")]}
    if _has_membership(wp, site_id):
        return {
            "site_id": [
                gettext(
                    "This site belongs to a customer's membership: use a site of your own"
                    " as template."
                )
            ]
        }
    return {}


def _is_main(wp: WordPress, site) -> bool:
    """The network's main site lives at the network's own domain and path."""
    network = get_network(wp.db, wp.network_id)
    return network is not None and (site.domain, site.path) == (network.domain, network.path)


def _has_membership(wp: WordPress, site_id: int) -> bool:
    return membership_for_site(wp.db, site_id) is not None


def _is_web_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def _plan(settings: PlanTemplates) -> dict:
    state = asdict(settings)
    state["available"] = sorted(settings.available)
    return state
