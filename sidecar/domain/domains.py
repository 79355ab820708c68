"""Custom domains of a site: add (with every rule checked), remove, choose the primary, turn a
mapping on or off, and remove all of a site's mappings when the site goes.

A site may have several domains and, as soon as it has one, exactly one primary (the first
domain added is primary until another is chosen; removing the primary promotes the next). The
``sunrise.php`` drop-in routes only enabled domains that are verified (or https-ok) while the
network's mapping is on; after each change the routing cache in WordPress is told to forget
the names involved (``ShimClient.forget_domains``). Every change records an event.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime

import idna
from flask_babel import gettext, ngettext

from ..errors import Forbidden, Invalid, NotFound
from ..store import domains as store
from ..wp_bridge import WordPress
from ..wp_bridge.rest import RestError
from ..wp_bridge.tables.networks import get_network
from ..wp_bridge.tables.sites import Site, get_site
from . import catalog, events
from .catalog import Product
from .clock import utcnow
from .dns_check import challenge_name
from .domain_names import DomainNameError, normalise, subdomain_of
from .domain_settings import DomainSettings, get_settings
from .events import SYSTEM, Actor
from .membership_changes import limits_of
from .memberships import membership_for_site

log = logging.getLogger(__name__)

STATUSES = ("pending", "dns-ok", "verified", "https-ok", "failed")
ROUTABLE = ("verified", "https-ok")
FIELD = "domain"


@dataclass(frozen=True)
class Domain:
    """A custom domain of a site and the state of its verification."""

    id: int
    network_id: int
    blog_id: int
    domain: str
    is_primary: bool
    enabled: bool
    status: str
    token: str
    last_error: str
    attempts: int
    checked_at: datetime | None
    next_check_at: datetime | None
    verified_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def routable(self) -> bool:
        """True when WordPress serves the site at this name."""
        return self.enabled and self.status in ROUTABLE

    @property
    def challenge_name(self) -> str:
        """Where the ownership TXT record goes."""
        return challenge_name(self.domain)

    @property
    def display_name(self) -> str:
        """The name as people write it (IDNs in their own script)."""
        return display_name(self.domain)


@dataclass(frozen=True)
class Allowance:
    """What the site's plan allows: custom domains at all, and how many (None = unlimited)."""

    allowed: bool
    limit: int | None
    used: int

    @property
    def can_add(self) -> bool:
        return self.allowed and (self.limit is None or self.used < self.limit)


@dataclass(frozen=True)
class SiteDomains:
    """Everything the Account page's Domains block shows."""

    settings: DomainSettings
    allowance: Allowance
    domains: list[Domain]

    @property
    def visible(self) -> bool:
        """Shown when mapping is on and the plan allows domains (or some are left over)."""
        return self.settings.enabled and (self.allowance.allowed or bool(self.domains))


def display_name(domain: str) -> str:
    """``xn--bcher-kva.de`` → ``bücher.de`` (the stored name when it does not decode)."""
    try:
        return idna.decode(domain)
    except idna.IDNAError:
        return domain


# --- reading ---------------------------------------------------------------------------------


def site_domains(
    wp: WordPress, blog_id: int, plan_limits: tuple[Product, dict] | None = None
) -> SiteDomains:
    """The site's domains with the network's settings and the plan's allowance
    (``plan_limits``: the site's plan and effective limits, when the caller has them)."""
    settings = get_settings(wp.db, wp.network_id)
    domains = [from_row(row) for row in store.for_blog(wp.db, blog_id)]
    if not settings.enabled:  # the block is hidden: spare the membership lookups
        return SiteDomains(settings, Allowance(False, 0, len(domains)), domains)
    if plan_limits is not None:
        return SiteDomains(settings, plan_allowance(*plan_limits, len(domains)), domains)
    return SiteDomains(settings, allowance(wp, blog_id, len(domains)), domains)


def enabled_site_domains(wp: WordPress, blog_id: int) -> SiteDomains:
    """Like ``site_domains``, for the pages that manage them. Raises NotFound when mapping
    is off on this network."""
    _require_enabled(wp)
    return site_domains(wp, blog_id)


def addable_site_domains(wp: WordPress, blog_id: int) -> SiteDomains:
    """Like ``enabled_site_domains``, for the Add Domain steps. Raises NotFound (mapping
    off) or Forbidden (the plan has no custom domains)."""
    view = enabled_site_domains(wp, blog_id)
    if not view.allowance.allowed:
        raise Forbidden(gettext("Your plan does not include custom domains."))
    return view


def get_domain(wp: WordPress, domain_id: int) -> Domain:
    """One domain of this network. Raises NotFound."""
    row = store.get(wp.db, domain_id)
    if row is None or int(row["network_id"]) != wp.network_id:
        raise NotFound(gettext("There is no such domain."))
    return from_row(row)


def get_site_domain(wp: WordPress, blog_id: int, domain_id: int) -> Domain:
    """Domain ``domain_id`` if it belongs to site ``blog_id``. Raises NotFound otherwise —
    also for another customer's domain, so its existence is not revealed."""
    domain = get_domain(wp, domain_id)
    if domain.blog_id != blog_id:
        raise NotFound(gettext("There is no such domain on this site."))
    return domain


def site_of(wp: WordPress, blog_id: int) -> Site:
    """Site ``blog_id`` of this network. Raises NotFound."""
    site = get_site(wp.db, blog_id)
    if site is None or site.network_id != wp.network_id or site.deleted:
        raise NotFound(gettext("There is no such site."))
    return site


def list_for_site(wp: WordPress, blog_id: int) -> list[Domain]:
    """The domains of site ``blog_id``, the primary first. Raises NotFound (no such site)."""
    site_of(wp, blog_id)
    return [from_row(row) for row in store.for_blog(wp.db, blog_id)]


def allowance(wp: WordPress, blog_id: int, used: int) -> Allowance:
    """What the plan of the site's membership allows (nothing without a membership)."""
    membership = membership_for_site(wp.db, blog_id)
    if membership is None:
        return Allowance(False, 0, used)
    plan = catalog.get_product(wp.db, membership.plan_id)
    return plan_allowance(plan, limits_of(wp.db, membership, plan), used)


def plan_allowance(plan: Product, limits: dict, used: int) -> Allowance:
    """What ``plan`` with effective ``limits`` allows, ``used`` domains being in use."""
    if not plan.allow_custom_domains:
        return Allowance(False, 0, used)
    return Allowance(True, limits.get("domains"), used)


# --- changing --------------------------------------------------------------------------------


def add_domain(wp: WordPress, blog_id: int, text: str, make_primary: bool, actor: Actor) -> Domain:
    """Add the domain typed as ``text`` to site ``blog_id``; the first domain, or one added
    with ``make_primary``, becomes the primary. Its first DNS check is due at once.

    Raises NotFound (mapping off) or Invalid ``{"domain": [message]}``: not allowed by the
    plan, over the plan's number, not a mappable name, the network's own name, taken.
    """
    settings = _require_enabled(wp)
    name = _valid_name(wp, settings, text)
    with wp.db.transaction():
        current = store.for_blog(wp.db, blog_id, for_update=True)
        _check_room(allowance(wp, blog_id, len(current)))
        _check_free(wp, blog_id, name)
        domain_id = _insert(wp, blog_id, name)
        if make_primary or not current:
            store.set_primary(wp.db, blog_id, domain_id)
        added = get_domain(wp, domain_id)
        events.record(wp.db, actor, "domain", domain_id, "domain.added", None, _state(added))
    _forget(wp, blog_id, [row["domain"] for row in current] + [name])
    return added


def add_site_domain(
    wp: WordPress, blog_id: int, text: str, make_primary: bool, actor: Actor
) -> Domain:
    """``add_domain`` for a site named by id (the API). Raises NotFound (no such site, mapping
    off) or Invalid."""
    site_of(wp, blog_id)
    return add_domain(wp, blog_id, text, make_primary, actor)


def remove_domain(wp: WordPress, blog_id: int, domain_id: int, actor: Actor) -> Domain:
    """Remove one of the site's domains (the next one becomes primary if it was).

    Raises NotFound when it is not the site's, or mapping is off on this network.
    """
    _require_enabled(wp)
    with wp.db.transaction():
        domain = _locked(wp, blog_id, domain_id)
        store.delete(wp.db, domain.id)
        if domain.is_primary:
            _promote_next(wp, blog_id)
        events.record(wp.db, actor, "domain", domain.id, "domain.removed", _state(domain), None)
    _forget(wp, blog_id, [*_names(wp, blog_id), domain.domain])
    return domain


def make_primary(wp: WordPress, blog_id: int, domain_id: int, actor: Actor) -> Domain:
    """Make one of the site's domains its primary (canonical) domain. Raises NotFound (not
    the site's domain, or mapping off)."""
    _require_enabled(wp)
    with wp.db.transaction():
        domain = _locked(wp, blog_id, domain_id)
        if not domain.is_primary:
            store.set_primary(wp.db, blog_id, domain.id)
            after = get_domain(wp, domain.id)
            events.record(
                wp.db,
                actor,
                "domain",
                domain.id,
                "domain.primary_set",
                _state(domain),
                _state(after),
            )
            domain = after
    _forget(wp, blog_id, _names(wp, blog_id))
    return domain


def set_enabled(wp: WordPress, domain_id: int, enabled: bool, actor: Actor) -> Domain:
    """Turn a mapping on or off (network admins). Raises NotFound."""
    with wp.db.transaction():
        get_domain(wp, domain_id)
        before = from_row(store.get(wp.db, domain_id, for_update=True))
        if before.enabled == enabled:
            return before
        store.set_enabled(wp.db, domain_id, enabled)
        after = get_domain(wp, domain_id)
        action = "domain.enabled" if enabled else "domain.disabled"
        events.record(wp.db, actor, "domain", domain_id, action, _state(before), _state(after))
    _forget(wp, after.blog_id, _names(wp, after.blog_id))
    return after


def remove_for_site(wp: WordPress, blog_id: int, actor: Actor = SYSTEM) -> int:
    """Remove every mapping of site ``blog_id`` (the site or its account is being deleted)
    and drop them from WordPress's routing cache. Returns how many were removed."""
    with wp.db.transaction():
        removed = [from_row(row) for row in store.for_blog(wp.db, blog_id, for_update=True)]
        for domain in removed:
            store.delete(wp.db, domain.id)
            events.record(wp.db, actor, "domain", domain.id, "domain.removed", _state(domain), None)
    if removed:
        _forget(wp, blog_id, [domain.domain for domain in removed])
    return len(removed)


def forget_routes(wp: WordPress, blog_id: int, names: list[str]) -> None:
    """Tell WordPress to drop ``names`` and the site's primary from its routing cache; a
    failure is logged, never raised (cache entries also expire by themselves)."""
    _forget(wp, blog_id, names)


# --- helpers ---------------------------------------------------------------------------------


def _require_enabled(wp: WordPress) -> DomainSettings:
    settings = get_settings(wp.db, wp.network_id)
    if not settings.enabled:
        raise NotFound(gettext("Custom domains are turned off on this network."))
    return settings


def _valid_name(wp: WordPress, settings: DomainSettings, text: str) -> str:
    try:
        name = normalise(text)
    except DomainNameError as error:
        raise Invalid({FIELD: [str(error)]}) from None
    network = get_network(wp.db, wp.network_id)
    own = [(network.domain.split(":")[0] if network else ""), settings.cname_target]
    for parent in filter(None, own):
        if name == parent:
            raise Invalid(
                {
                    FIELD: [
                        gettext(
                            "%(name)s is this network's own address; it cannot be added.", name=name
                        )
                    ]
                }
            )
        if subdomain_of(name, parent):
            message = gettext(
                "%(name)s is part of this network's own address (%(parent)s); use your own.",
                name=name,
                parent=parent,
            )
            raise Invalid({FIELD: [message]})
    return name


def _check_room(allowed: Allowance) -> None:
    if not allowed.allowed:
        raise Invalid({FIELD: [gettext("Your plan does not include custom domains.")]})
    if not allowed.can_add:
        message = ngettext(
            "Your plan allows %(num)d custom domain and this site has %(used)d: remove one or "
            "upgrade your plan to add another.",
            "Your plan allows %(num)d custom domains and this site has %(used)d: remove one or "
            "upgrade your plan to add another.",
            allowed.limit,
            used=allowed.used,
        )
        raise Invalid({FIELD: [message]})


def _check_free(wp: WordPress, blog_id: int, name: str) -> None:
    row = store.find_by_name(wp.db, name)
    if row is None:
        return
    if int(row["blog_id"]) == blog_id:
        raise Invalid(
            {FIELD: [gettext("%(name)s is already one of this site's domains.", name=name)]}
        )
    raise Invalid({FIELD: [_mapped_elsewhere(name)]})


def _mapped_elsewhere(name: str) -> str:
    return gettext("%(name)s is already mapped to another site of this network.", name=name)


def _insert(wp: WordPress, blog_id: int, name: str) -> int:
    domain_id = store.insert(
        wp.db,
        {
            "network_id": wp.network_id,
            "blog_id": blog_id,
            "domain": name,
            "is_primary": 0,
            "token": f"sc-{secrets.token_hex(16)}",
            "next_check_at": utcnow(),
        },
    )
    if domain_id is None:
        raise Invalid({FIELD: [_mapped_elsewhere(name)]})
    return domain_id


def _locked(wp: WordPress, blog_id: int, domain_id: int) -> Domain:
    row = store.get(wp.db, domain_id, for_update=True)
    if row is None or int(row["blog_id"]) != blog_id or int(row["network_id"]) != wp.network_id:
        raise NotFound(gettext("There is no such domain on this site."))
    return from_row(row)


def _promote_next(wp: WordPress, blog_id: int) -> None:
    rest = [from_row(row) for row in store.for_blog(wp.db, blog_id)]
    if rest:
        best = sorted(rest, key=lambda d: (not d.routable, d.id))[0]
        store.set_primary(wp.db, blog_id, best.id)


def _names(wp: WordPress, blog_id: int) -> list[str]:
    return [row["domain"] for row in store.for_blog(wp.db, blog_id)]


def _forget(wp: WordPress, blog_id: int, names: list[str]) -> None:
    try:
        wp.shim.forget_domains(blog_id, sorted(set(names)))
    except (RestError, OSError) as error:
        log.warning("could not clear WordPress's domain cache for blog %s: %s", blog_id, error)


def from_row(row: dict) -> Domain:
    """Build a Domain from a table row."""
    fields = {name: row[name] for name in Domain.__dataclass_fields__}
    for flag in ("is_primary", "enabled"):
        fields[flag] = bool(fields[flag])
    for number in ("id", "network_id", "blog_id", "attempts"):
        fields[number] = int(fields[number])
    return Domain(**fields)


def _state(domain: Domain) -> dict:
    state = asdict(domain)
    state.pop("token")
    return state
