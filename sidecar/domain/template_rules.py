"""Which site templates a plan allows — the one rule the Account page, sign-up and the API use.

A template is an ordinary site of the network (never the main site) that a network admin
marked as template. Per plan: **Allow Site Templates** and a selection mode:

- ``default``: no template; the site starts as WordPress makes it. Nothing to choose or switch.
- ``assign``: every new site of the plan gets the one assigned template; customers do not
  choose and cannot switch.
- ``choose`` (**Choose Available Site Templates**): the customer chooses among the templates
  the plan marks **Available** (one pre-selected) at sign-up and, when the network's **Allow
  Template Switching** is on, later from Account → Change Site Template. Templates marked
  **Not Available** (and templates marked after the plan was saved) are never offered.

The ``templates`` limit type (domain/limit_types.py) is read as *how many times the customer may
change the site's template*: switches the customer started from the Account page or the API
that finished count; the template chosen at sign-up, an admin's reset, failed switches and undos
do not. Empty (unlimited) is the default. Which templates are offered is the plan's
Available / Not Available choice, not a number, so a count of templates would say nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext, lazy_gettext

from ..errors import Forbidden, NotFound
from ..store import site_template_uses as uses_store
from ..store import site_templates as store
from ..wp_bridge.db import Database

MODES = ("default", "assign", "choose")
MODE_LABELS = {
    "default": lazy_gettext("Default (no template)"),
    "assign": lazy_gettext("Assign a template"),
    "choose": lazy_gettext("Choose Available Site Templates"),
}
PURPOSES = ("signup", "switch")
COUNTED_SOURCES = ("account", "api")  # switches the `templates` limit counts
BLOCKED_STATUSES = ("expired", "cancelled")  # memberships whose sites cannot switch

# Why switching is refused (``TemplateOptions.refusal``); "" when it is allowed.
REFUSALS = {
    "network": lazy_gettext("Template switching is turned off on this network."),
    "plan": lazy_gettext("Your plan does not include site templates."),
    "mode": lazy_gettext("Your plan does not let you choose a site template."),
    "membership": lazy_gettext("Your membership is not active, so the template cannot change."),
    "limit": lazy_gettext("You have used every template change your plan includes."),
    "empty": lazy_gettext("No site templates are available for your plan."),
}


@dataclass(frozen=True)
class Template:
    """A template site as customers see it."""

    id: int
    name: str
    description: str
    preview_url: str
    address: str
    sort_order: int = 0


@dataclass(frozen=True)
class PlanTemplates:
    """A plan's template settings (the defaults — templates off — until an admin saves them)."""

    plan_id: int
    allow_templates: bool = False
    mode: str = "default"
    assigned_id: int | None = None
    preselected_id: int | None = None
    available: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class TemplateOptions:
    """What one plan allows for one purpose (``signup`` or ``switch``).

    ``templates``: what may be used (for ``assign`` the one assigned template), in catalogue
    order; ``preselected``: the template chosen by default; ``choose``: the customer picks one;
    ``refusal``: a key of ``REFUSALS`` when switching is not possible ("" when it is);
    ``limit``/``used``: the ``templates`` limit (None: unlimited) and the switches counted."""

    purpose: str
    templates: tuple[Template, ...] = ()
    preselected: int | None = None
    choose: bool = False
    refusal: str = ""
    limit: int | None = None
    used: int = 0

    @property
    def visible(self) -> bool:
        """The Change Site Template block shows (switching is on for the network and the plan
        lets the customer choose; it may still say why no switch is possible now)."""
        return self.refusal not in ("network", "plan", "mode")

    @property
    def allowed(self) -> bool:
        """A template may be used now."""
        return not self.refusal and bool(self.templates)

    @property
    def reason(self) -> str:
        """Why nothing may be used, in the viewer's language ("" when something may)."""
        return str(REFUSALS[self.refusal]) if self.refusal else ""

    def ids(self) -> set[int]:
        return {template.id for template in self.templates}


# --- reading ---------------------------------------------------------------------------------


def list_templates(db: Database, network_id: int) -> list[Template]:
    """Every template of the network, in catalogue order."""
    return [_template(row) for row in store.list_templates(db, network_id)]


def get_template(db: Database, network_id: int, template_id: int) -> Template:
    """One template. Raises NotFound when the site is not a template of this network."""
    row = store.get_template(db, network_id, template_id)
    if row is None:
        raise NotFound(gettext("There is no site template with this id."))
    return _template(row)


def plan_templates(db: Database, plan_id: int) -> PlanTemplates:
    """A plan's template settings."""
    row = store.plan_settings(db, plan_id)
    if row is None:
        return PlanTemplates(plan_id)
    return PlanTemplates(
        plan_id=plan_id,
        allow_templates=bool(row["allow_templates"]),
        mode=row["mode"] if row["mode"] in MODES else "default",
        assigned_id=_id(row["assigned_blog_id"]),
        preselected_id=_id(row["preselected_blog_id"]),
        available=frozenset(store.available_ids(db, plan_id)),
    )


def switching_enabled(db: Database, network_id: int) -> bool:
    """The network's Allow Template Switching."""
    return store.allow_switching(db, network_id)


# --- the rule --------------------------------------------------------------------------------


def template_options(
    db: Database,
    network_id: int,
    plan_id: int | None,
    *,
    purpose: str,
    site_id: int | None = None,
    limits: dict | None = None,
    membership_status: str | None = None,
) -> TemplateOptions:
    """Decide which templates plan ``plan_id`` allows for ``purpose``.

    ``signup``: the templates a new site of the plan may start from (``choose``: the Available
    ones; ``assign``: the assigned one; otherwise none). ``switch``: the templates the site
    ``site_id`` may switch to now — only with the network's Allow Template Switching on, the
    plan in mode ``choose``, the membership not expired or cancelled and the ``templates``
    limit (from ``limits``, the site's effective limits) not used up.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    if purpose == "switch" and not switching_enabled(db, network_id):
        return TemplateOptions(purpose, refusal="network")
    plan = plan_templates(db, plan_id) if plan_id else PlanTemplates(0)
    if not plan.allow_templates or plan.mode == "default":
        return TemplateOptions(purpose, refusal="plan" if not plan.allow_templates else "mode")
    catalogue = list_templates(db, network_id)
    if plan.mode == "assign":
        return _assigned(purpose, plan, catalogue)
    offered = tuple(t for t in catalogue if t.id in plan.available)
    preselected = plan.preselected_id if plan.preselected_id in {t.id for t in offered} else None
    if preselected is None and offered:
        preselected = offered[0].id
    options = TemplateOptions(purpose, offered, preselected, choose=True)
    if purpose == "signup":
        return options if offered else TemplateOptions(purpose, refusal="empty")
    return _switch_limits(db, options, site_id, limits or {}, membership_status)


def require_allowed(
    db: Database, network_id: int, options: TemplateOptions, template_id: int
) -> Template:
    """Return template ``template_id`` when ``options`` allow it.

    Raises NotFound (not a template of this network) or Forbidden (switching refused, or the
    plan marks the template Not Available).
    """
    template = get_template(db, network_id, template_id)
    if options.refusal:
        raise Forbidden(options.reason)
    if template_id not in options.ids():
        raise Forbidden(gettext("This site template is not available for your plan."))
    return template


def _assigned(purpose: str, plan: PlanTemplates, catalogue: list[Template]) -> TemplateOptions:
    if purpose == "switch":
        return TemplateOptions(purpose, refusal="mode")
    assigned = tuple(t for t in catalogue if t.id == plan.assigned_id)
    if not assigned:
        return TemplateOptions(purpose, refusal="empty")
    return TemplateOptions(purpose, assigned, assigned[0].id, choose=False)


def _switch_limits(
    db: Database,
    options: TemplateOptions,
    site_id: int | None,
    limits: dict,
    membership_status: str | None,
) -> TemplateOptions:
    limit = limits.get("templates") or None
    used = uses_store.count_done_switches(db, site_id, COUNTED_SOURCES) if site_id else 0
    refusal = ""
    if membership_status in BLOCKED_STATUSES:
        refusal = "membership"
    elif limit is not None and used >= limit:
        refusal = "limit"
    elif not options.templates:
        refusal = "empty"
    return TemplateOptions(
        options.purpose,
        options.templates,
        options.preselected,
        choose=True,
        refusal=refusal,
        limit=limit,
        used=used,
    )


def _template(row) -> Template:
    return Template(
        id=int(row["blog_id"]),
        name=row["name"],
        description=row["description"],
        preview_url=row["preview_url"],
        address=f"//{row['domain']}{row['path']}",
        sort_order=int(row["sort_order"]),
    )


def _id(value) -> int | None:
    return int(value) if value else None
