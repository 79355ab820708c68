"""Verifying custom domains: pending → dns-ok → verified (→ https-ok when the HTTPS check is
on), or failed.

- **pending**: the domain does not point at the network yet (the reason says what DNS shows);
- **dns-ok**: it points here but the TXT proof is missing (only when the proof is required);
- **verified**: it points here and is proven (once verified, the TXT record may go);
- **https-ok**: verified, and HTTPS answers with a certificate valid for the name;
- **failed**: still not right after ``MAX_ATTEMPTS`` checks, or a verified domain that stopped
  pointing here for ``DEMOTE_AFTER`` checks in a row. A requested re-check starts over.

Failed checks are retried with backoff (``BACKOFF_MINUTES``); working domains are checked
again daily. DNS is asked outside any transaction; the outcome is stored under a row lock with
an event when the status changes, and WordPress's routing cache forgets the site's names when
the domain starts or stops being routed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import dns.resolver
from flask_babel import gettext

from ..errors import NotFound
from ..store import domains as store
from ..wp_bridge import WordPress
from . import dns_reasons, domains, events, webhooks
from .dns_check import (
    DnsUnavailable,
    Targets,
    make_resolver,
    points_at_network,
    proves_ownership,
)
from .domain_settings import DomainSettings, get_settings
from .domains import ROUTABLE, Domain
from .events import SYSTEM, Actor
from .https_check import HttpsProbe, https_probe

log = logging.getLogger(__name__)

BACKOFF_MINUTES = (5, 15, 30, 60, 120, 240, 480, 720, 1440)
MAX_ATTEMPTS = 12
DEMOTE_AFTER = 3
RECHECK_WORKING = timedelta(hours=24)
RECHECK_HTTPS = timedelta(hours=1)


@dataclass(frozen=True)
class Verifier:
    """How to check: the resolver, the network's targets, whether the TXT proof is required,
    and the HTTPS probe (None: no HTTPS check)."""

    resolver: dns.resolver.Resolver
    targets: Targets
    txt_required: bool
    https: HttpsProbe | None = None


@dataclass(frozen=True)
class Verdict:
    """What one check found: the status it earns (None: DNS did not answer, keep the status)
    and the reason ("" when all is well)."""

    status: str | None
    reason: str = ""


def verifier_for(settings: DomainSettings, *, timeout: float = 3.0) -> Verifier:
    """The verifier the network's settings describe. Raises DnsUnavailable when no resolver
    is set and the machine has none configured."""
    host, port = settings.resolver_host_port
    resolver = make_resolver(host, port, timeout)
    probe = https_probe(resolver) if settings.https_check else None
    return Verifier(resolver, settings.targets, settings.txt_required, probe)


def evaluate(verifier: Verifier, name: str, token: str, *, proven: bool = False) -> Verdict:
    """Check ``name`` once; ``proven``: it was verified before, so the TXT proof may be gone."""
    try:
        pointing = points_at_network(verifier.resolver, name, verifier.targets)
        if not pointing.ok:
            return Verdict("pending", pointing.reason)
        if verifier.txt_required and not proven:
            proof = proves_ownership(verifier.resolver, name, token)
            if not proof.ok:
                return Verdict("dns-ok", proof.reason)
    except DnsUnavailable as error:
        return Verdict(None, dns_reasons.reason("retry", reason=error))
    if verifier.https is None:
        return Verdict("verified")
    https = verifier.https(name)
    return Verdict("https-ok") if https.ok else Verdict("verified", https.reason)


def next_state(domain: Domain, verdict: Verdict, now: datetime, *, https_wanted: bool) -> dict:
    """The columns to store after ``verdict`` (status, last_error, attempts, checked_at,
    next_check_at, verified_at)."""
    if verdict.status in ROUTABLE:
        soon = https_wanted and verdict.status != "https-ok"
        return {
            "status": verdict.status,
            "last_error": verdict.reason[:500],
            "attempts": 0,
            "checked_at": now,
            "next_check_at": now + (RECHECK_HTTPS if soon else RECHECK_WORKING),
            "verified_at": domain.verified_at or now,
        }
    attempts = domain.attempts + 1
    status = _failing_status(domain, verdict, attempts)
    return {
        "status": status,
        "last_error": verdict.reason[:500],
        "attempts": min(attempts, 65535),
        "checked_at": now,
        "next_check_at": None if status == "failed" else now + backoff(attempts),
        "verified_at": domain.verified_at,
    }


def backoff(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed checks in a row."""
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def check_domain(
    wp: WordPress,
    domain: Domain,
    verifier: Verifier,
    now: datetime,
    actor: Actor = SYSTEM,
    *,
    fresh: bool = False,
) -> Domain:
    """Check one domain now and store the outcome; ``fresh`` (a requested re-check) starts
    the attempts over. Returns the domain as stored (unchanged if it was removed meanwhile)."""
    start = replace(domain, attempts=0, status="pending") if fresh and _stuck(domain) else domain
    verdict = evaluate(verifier, domain.domain, domain.token, proven=domain.verified_at is not None)
    fields = next_state(start, verdict, now, https_wanted=verifier.https is not None)
    with wp.db.transaction():
        row = store.get(wp.db, domain.id, for_update=True)
        if row is None:
            return domain
        store.save_check(wp.db, domain.id, fields)
        after = domains.get_domain(wp, domain.id)
        if after.status != domain.status:
            before_state, after_state = _summary(domain), _summary(after)
            action = "domain.status_changed"
            events.record(wp.db, actor, "domain", domain.id, action, before_state, after_state)
        if after.verified_at and not domain.verified_at:
            webhooks.emit(
                wp.db,
                wp.network_id,
                "domain.verified",
                {**_summary(after), "blog_id": after.blog_id},
            )
    if after.routable != domain.routable:
        domains.forget_routes(wp, after.blog_id, [after.domain])
    return after


def recheck(
    wp: WordPress,
    domain: Domain,
    actor: Actor,
    now: datetime,
    verifier: Verifier | None = None,
) -> Domain:
    """A re-check someone asked for (customer or admin): runs at once, attempts start over.

    Raises NotFound when mapping is off on this network.
    """
    settings = get_settings(wp.db, wp.network_id)
    if not settings.enabled:
        raise NotFound(gettext("Custom domains are turned off on this network."))
    try:
        verifier = verifier or verifier_for(settings)
    except DnsUnavailable as error:
        return _unchecked(wp, domain, str(error), now)
    return check_domain(wp, domain, verifier, now, actor, fresh=True)


def recheck_site_domain(
    wp: WordPress, blog_id: int, domain_id: int, actor: Actor, now: datetime
) -> Domain:
    """A customer's Check now on one of their site's domains. Raises NotFound when it is not
    the site's domain, or mapping is off."""
    return recheck(wp, domains.get_site_domain(wp, blog_id, domain_id), actor, now)


def verify_due(
    wp: WordPress, now: datetime, verifier: Verifier | None = None, limit: int = 50
) -> list[Domain]:
    """The job: remove mappings of sites that no longer exist, then check up to ``limit``
    domains whose next check has come. Returns the domains checked (empty when mapping is
    off or nothing is due)."""
    settings = get_settings(wp.db, wp.network_id)
    if not settings.enabled:
        return []
    for blog_id in store.orphan_blog_ids(wp.db, wp.network_id):
        domains.remove_for_site(wp, blog_id)
    due = store.due(wp.db, wp.network_id, now, limit)
    if not due:
        return []
    try:
        verifier = verifier or verifier_for(settings)
    except DnsUnavailable as error:
        log.warning("domain checks skipped: %s", error)
        return []
    return [check_domain(wp, domains.get_domain(wp, row["id"]), verifier, now) for row in due]


def _failing_status(domain: Domain, verdict: Verdict, attempts: int) -> str:
    if domain.status in ROUTABLE:
        return "failed" if attempts >= DEMOTE_AFTER else domain.status
    status = verdict.status or (domain.status if domain.status != "failed" else "pending")
    return "failed" if attempts >= MAX_ATTEMPTS else status


def _stuck(domain: Domain) -> bool:
    return domain.status not in ROUTABLE


def _unchecked(wp: WordPress, domain: Domain, reason: str, now: datetime) -> Domain:
    fields = next_state(domain, Verdict(None, reason), now, https_wanted=False)
    with wp.db.transaction():
        store.save_check(wp.db, domain.id, fields)
    return domains.get_domain(wp, domain.id)


def _summary(domain: Domain) -> dict:
    return {"domain": domain.domain, "status": domain.status, "reason": domain.last_error}
