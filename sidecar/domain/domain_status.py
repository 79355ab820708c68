"""A domain's status in plain words, for customers and admins: a short label, a badge colour
and one or two sentences that say what is happening and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
            "Turned off",
            "failed",
            "The network administrator turned this domain off; contact them to turn it on.",
        )
    return _WORDS[domain.status](domain, now, https_check)


def _pending(domain: Domain, now: datetime, https_check: bool) -> StatusWords:
    if domain.checked_at is None:
        return StatusWords(
            "Waiting for DNS", "pending", "We check your DNS within a few minutes of adding."
        )
    return StatusWords(
        "Waiting for DNS",
        "pending",
        f"Your domain does not point here yet: {domain.last_error}. {_next(domain, now)}",
    )


def _dns_ok(domain: Domain, now: datetime, https_check: bool) -> StatusWords:
    return StatusWords(
        "Waiting for proof of ownership",
        "pending",
        f"Your domain points here. Now add the TXT record shown below: {domain.last_error}. "
        f"{_next(domain, now)}",
    )


def _verified(domain: Domain, now: datetime, https_check: bool) -> StatusWords:
    if domain.attempts:
        return StatusWords(
            "Active, but failing checks",
            "pending",
            f"Our last check failed: {domain.last_error}. Put your DNS back, or the domain "
            "stops working after a few more failed checks.",
        )
    if https_check and domain.last_error:
        return StatusWords(
            "Active (HTTPS not ready)",
            "active",
            f"Your domain works. HTTPS does not work yet: {domain.last_error}.",
        )
    return StatusWords("Active", "active", "Your domain works.")


def _https_ok(domain: Domain, now: datetime, https_check: bool) -> StatusWords:
    if domain.attempts:
        return _verified(domain, now, https_check)
    return StatusWords(
        "Active with HTTPS", "active", "Your domain works, with a valid certificate."
    )


def _failed(domain: Domain, now: datetime, https_check: bool) -> StatusWords:
    return StatusWords(
        "Not working",
        "failed",
        f"We stopped checking after several tries: {domain.last_error}. Correct your DNS, "
        "then click Check now.",
    )


_WORDS = {
    "pending": _pending,
    "dns-ok": _dns_ok,
    "verified": _verified,
    "https-ok": _https_ok,
    "failed": _failed,
}


def _next(domain: Domain, now: datetime) -> str:
    if domain.next_check_at is None:
        return ""
    minutes = max(0, int((domain.next_check_at - now).total_seconds() // 60))
    if minutes < 2:
        return "We check again in a minute."
    if minutes < 90:
        return f"We check again in about {minutes} minutes."
    hours = round(minutes / 60)
    return f"We check again in about {hours} hours."
