"""A site's template, for its owner, the API and sign-up: what the site may switch to, starting a
switch or an undo (after ``template_rules`` allowed it), and which template the site uses now.

The switch itself is the engine's (``template_switch``: it copies, rewrites and swaps in a
background worker). Here each request is remembered with its source (``site_template_uses``);
once the engine reports it done or failed, ``settle`` records the outcome and the template the
site's content comes from now (``site_template_origins``) — on every read of the site's state
and before every new request, so nothing is missed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext

from ..config import Settings
from ..errors import Forbidden, Invalid, NotFound
from ..store import site_template_uses as uses_store
from ..store import site_templates as templates_store
from ..wp_bridge import WordPress
from ..wp_bridge.db import Database
from ..wp_bridge.tables.sites import get_site
from . import template_switch
from .events import Actor
from .memberships import membership_for_site
from .site_limits import site_limits
from .template_rules import (
    Template,
    TemplateOptions,
    get_template,
    require_allowed,
    switching_enabled,
    template_options,
)

log = logging.getLogger(__name__)

SOURCES = ("signup", "account", "api", "admin")
ACTIVE_STATES = ("queued", "running")


@dataclass(frozen=True)
class SiteTemplateState:
    """Everything the Change Site Template block, the progress page and the API show."""

    site_id: int
    options: TemplateOptions
    current: Template | None
    latest: dict | None
    restorable: dict | None

    @property
    def busy(self) -> bool:
        """A switch or undo of this site is queued or running."""
        return bool(self.latest) and self.latest["state"] in ACTIVE_STATES

    @property
    def can_switch(self) -> bool:
        return self.options.allowed and not self.busy

    @property
    def can_undo(self) -> bool:
        return self.options.visible and bool(self.restorable) and not self.busy


# --- reading ---------------------------------------------------------------------------------


def switch_options(wp: WordPress, site_id: int) -> TemplateOptions:
    """What site ``site_id`` may switch to now (the site's plan, limits and membership)."""
    limits = site_limits(wp.db, site_id)
    membership = membership_for_site(wp.db, site_id) if limits.membership_id else None
    return template_options(
        wp.db,
        wp.network_id,
        limits.plan.id if limits.plan else None,
        purpose="switch",
        site_id=site_id,
        limits=limits.limits,
        membership_status=membership.status if membership else None,
    )


def site_template_state(
    wp: WordPress, site_id: int, options: TemplateOptions | None = None
) -> SiteTemplateState:
    """The site's switch options, current template, latest switch and restorable backup.
    Switching off on the network: only the options (the block is hidden)."""
    options = options or switch_options(wp, site_id)
    if not options.visible:
        return SiteTemplateState(site_id, options, None, None, None)
    settle(wp.db, site_id)
    return SiteTemplateState(
        site_id,
        options,
        current_template(wp, site_id),
        template_switch.latest(wp.db, site_id),
        template_switch.restorable(wp.db, site_id),
    )


def api_site_state(wp: WordPress, site_id: int) -> SiteTemplateState:
    """``site_template_state`` for the API: every part, whatever the network setting.
    Raises NotFound (no such site in this network)."""
    _require_site(wp, site_id)
    settle(wp.db, site_id)
    return SiteTemplateState(
        site_id,
        switch_options(wp, site_id),
        current_template(wp, site_id),
        template_switch.latest(wp.db, site_id),
        template_switch.restorable(wp.db, site_id),
    )


def current_template(wp: WordPress, site_id: int) -> Template | None:
    """The template the site's content comes from now (None: none, or no longer a template)."""
    origin = uses_store.get_origin(wp.db, site_id)
    if not origin or not origin["template_blog_id"]:
        return None
    try:
        return get_template(wp.db, wp.network_id, int(origin["template_blog_id"]))
    except NotFound:
        return None


def switch_status(wp: WordPress, site_id: int, switch_id: int | None = None) -> dict | None:
    """The site's latest switch or undo (``switch_id``: only when it is that one). Settles it."""
    settle(wp.db, site_id)
    latest = template_switch.latest(wp.db, site_id)
    if latest is None or (switch_id is not None and latest["id"] != switch_id):
        return None
    return latest


# --- requests --------------------------------------------------------------------------------


def start_switch(
    wp: WordPress,
    settings: Settings,
    site_id: int,
    template_id: int,
    actor: Actor,
    *,
    source: str,
    confirmed: bool,
) -> int:
    """Check the rules, queue the switch of ``site_id`` onto ``template_id`` and start it;
    return the switch id.

    Raises NotFound (no such template or site), Forbidden (switching off, Not Available, limit
    used up), Invalid (``confirmed`` is false) or Conflict (a switch of the site is running).
    """
    _require_target(wp, site_id)
    options = switch_options(wp, site_id)
    require_allowed(wp.db, wp.network_id, options, template_id)
    if not confirmed:
        raise Invalid({"confirm": [gettext("Confirm that your current content will be replaced.")]})
    return _request(wp, settings, site_id, template_id, actor, source)


def start_undo(
    wp: WordPress,
    settings: Settings,
    site_id: int,
    actor: Actor,
    *,
    source: str,
    confirmed: bool,
):
    """Queue restoring the site's previous content and start it; return the switch id.

    Raises Invalid (``confirmed`` is false), NotFound (no such site, nothing to restore),
    Forbidden (switching off on the network) or Conflict (a switch of the site is running).
    """
    if not confirmed:
        raise Invalid({"confirm": [gettext("Confirm that the current site will be replaced.")]})
    _require_target(wp, site_id)
    if source != "admin" and not switching_enabled(wp.db, wp.network_id):
        raise Forbidden(gettext("Template switching is turned off on this network."))
    settle(wp.db, site_id)
    backup = template_switch.restorable(wp.db, site_id)
    undone = uses_store.by_switch(wp.db, backup["switch_id"]) if backup else None
    back_to = undone["previous_blog_id"] if undone else None
    with wp.db.transaction():
        switch_id = template_switch.request_undo(wp.db, site_id=site_id, actor=actor)
        _remember(wp.db, site_id, switch_id, "undo", back_to, None, source)
    _launch(settings, switch_id)
    return switch_id


def apply_signup_template(
    wp: WordPress, settings: Settings, site_id: int, template_id: int, actor: Actor
) -> int | None:
    """After sign-up created the site: switch it onto the chosen template (checked by the
    caller with ``template_options(purpose="signup")``). A failure is logged, never raised:
    the customer's account and site exist and an admin can reset the site later."""
    try:
        return _request(wp, settings, site_id, template_id, actor, "signup")
    except Exception:  # the sign-up itself succeeded
        log.exception("could not start the template switch of new site %s", site_id)
        return None


def reset_to_template(
    wp: WordPress, settings: Settings, site_id: int, actor: Actor, *, confirmed: bool
) -> int:
    """Network admin: switch the site onto the template it uses now again (fresh copy).

    Raises Invalid (``confirmed`` is false), NotFound (no such site, or the site uses no
    template) or Conflict."""
    if not confirmed:
        raise Invalid({"confirm": [gettext("Confirm that the site's content will be replaced.")]})
    _require_target(wp, site_id)
    settle(wp.db, site_id)
    template = current_template(wp, site_id)
    if template is None:
        raise NotFound(gettext("This site does not come from a site template."))
    return _request(wp, settings, site_id, template.id, actor, "admin")


def _request(wp: WordPress, settings: Settings, site_id, template_id, actor, source) -> int:
    settle(wp.db, site_id)
    origin = uses_store.get_origin(wp.db, site_id)
    previous = origin["template_blog_id"] if origin else None
    with wp.db.transaction():  # the switch and the record of where the site comes from
        switch_id = template_switch.request_switch(
            wp.db, site_id=site_id, template_site_id=template_id, actor=actor, reason=source
        )
        _remember(wp.db, site_id, switch_id, "switch", template_id, previous, source)
    _launch(settings, switch_id)
    return switch_id


def _remember(db: Database, site_id, switch_id, kind, template_id, previous, source) -> None:
    uses_store.add_use(
        db,
        {
            "blog_id": site_id,
            "switch_id": switch_id,
            "kind": kind,
            "template_blog_id": template_id,
            "previous_blog_id": previous,
            "source": source,
        },
    )


def _launch(settings: Settings, switch_id: int) -> None:
    try:
        template_switch.launch(settings, switch_id)
    except Exception:  # the jobs process starts queued switches within a minute
        log.exception("could not launch the worker of switch %s; the jobs process will", switch_id)


def _require_site(wp: WordPress, site_id: int) -> None:
    """Raises NotFound when there is no such site in this network."""
    site = get_site(wp.db, site_id)
    if site is None or site.network_id != wp.network_id or site.deleted:
        raise NotFound(gettext("This site does not exist."))


def _require_target(wp: WordPress, site_id: int) -> None:
    """A site whose content may be replaced. Raises NotFound (no such site) or Forbidden (the
    site is a template: templates are edited in their own dashboard, never replaced)."""
    _require_site(wp, site_id)
    if templates_store.get_template(wp.db, wp.network_id, site_id) is not None:
        raise Forbidden(gettext("This site is a template: its content cannot be replaced."))


# --- outcomes --------------------------------------------------------------------------------


def settle(db: Database, site_id: int) -> None:
    """Record the outcome of the site's finished requests and the template it uses now."""
    pending = uses_store.unsettled(db, site_id)
    if not pending:
        return
    latest = template_switch.latest(db, site_id)
    for use in pending:
        if latest is None or latest["id"] != use["switch_id"]:
            uses_store.settle(db, use["id"], "unknown")  # superseded: never reported here
        elif latest["state"] in ("done", "failed"):
            settled = uses_store.settle(db, use["id"], latest["state"])
            if settled and latest["state"] == "done":
                _move_origin(db, site_id, use)


def settle_all(db: Database) -> None:
    """``settle`` every site with a request whose outcome is not recorded yet."""
    for site_id in sorted({int(use["blog_id"]) for use in uses_store.unsettled(db)}):
        settle(db, site_id)


def _move_origin(db: Database, site_id: int, use: dict) -> None:
    """A done switch: the site comes from its template now; a done undo: from the template
    it came from before the undone switch."""
    previous = use["previous_blog_id"] if use["kind"] == "switch" else None
    uses_store.save_origin(db, site_id, use["template_blog_id"], previous)
