"""A domain's status in plain words, for customers and admins: a short label, a badge colour
and one or two sentences that say what is happening and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext, ngettext

from .dns_reasons import localized
from .domains import Domain


@dataclass(frozen=True)
class StatusWords:
    label: str
    badge: str  # a sidecar-badge-* class: active, pending, failed
    detail: str


def describe(domain: Domain, now: datetime, *, https_check: bool = False) -> StatusWords:
    """What ``domain``'s state means, in words."""
    if not domain.enabled:
        return StatusWords(
            gettext("Turned off"),
            "failed",
            gettext(
                "The network administrator turned this domain off; contact them to turn it on."
            ),
        )
    return _WORDS[domain.status](domain, now, https_check)


def _pending(domain: Domain, now: datetime, https_check: bool) -> StatusWords:
    if domain.checked_at is None:
        return StatusWords(
            gettext("Waiting for DNS"),
            "pending",
            gettext("We check your DNS within a few minutes of adding."),
        )
    return StatusWords(
        gettext("Waiting for DNS"),
        "pending",
        _then(
            gettext("Your domain does not point here yet: %(reason)s.", reason=_why(domain)),
            _next(domain, now),
        ),
    )


def _dns_ok(domain: Domain, now: datetime, https_check: bool) -> StatusWords:
    return StatusWords(
        gettext("Waiting for proof of ownership"),
        "pending",
        _then(
            gettext(
                "Your domain points here. Now add the TXT record shown below: %(reason)s.",
                reason=_why(domain),
            ),
            _next(domain, now),
        ),
    )


def _verified(domain: Domain, now: datetime, https_check: bool) -> StatusWords:
    if domain.attempts:
        return StatusWords(
            gettext("Active, but failing checks"),
            "pending",
            gettext(
                "Our last check failed: %(reason)s. Put your DNS back, or the domain stops "
                "working after a few more failed checks.",
                reason=_why(domain),
            ),
        )
    if https_check and domain.last_error:
        return StatusWords(
            gettext("Active (HTTPS not ready)"),
            "active",
            gettext("Your domain works. HTTPS does not work yet: %(reason)s.", reason=_why(domain)),
        )
    return StatusWords(gettext("Active"), "active", gettext("Your domain works."))


def _https_ok(domain: Domain, now: datetime, https_check: bool) -> StatusWords:
    if domain.attempts:
        return _verified(domain, now, https_check)
    return StatusWords(
        gettext("Active with HTTPS"),
        "active",
        gettext("Your domain works, with a valid certificate."),
    )


def _failed(domain: Domain, now: datetime, https_check: bool) -> StatusWords:
    return StatusWords(
        gettext("Not working"),
        "failed",
        gettext(
            "We stopped checking after several tries: %(reason)s. Correct your DNS, then click "
            "Check now.",
            reason=_why(domain),
        ),
    )


_WORDS = {
    "pending": _pending,
    "dns-ok": _dns_ok,
    "verified": _verified,
    "https-ok": _https_ok,
    "failed": _failed,
}


def _why(domain: Domain) -> str:
    return localized(domain.last_error)


def _then(sentence: str, more: str) -> str:
    return f"{sentence} {more}" if more else sentence


def _next(domain: Domain, now: datetime) -> str:
    if domain.next_check_at is None:
        return ""
    minutes = max(0, int((domain.next_check_at - now).total_seconds() // 60))
    if minutes < 2:
        return gettext("We check again in a minute.")
    if minutes < 90:
        return ngettext(
            "We check again in about %(num)d minute.",
            "We check again in about %(num)d minutes.",
            minutes,
        )
    hours = round(minutes / 60)
    return ngettext(
        "We check again in about %(num)d hour.", "We check again in about %(num)d hours.", hours
    )
