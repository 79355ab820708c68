"""Thin job functions: open nothing, decide nothing — call the domain and summarise."""

from __future__ import annotations

from datetime import datetime

from ..config import Settings
from ..domain import membership_jobs
from ..domain.billing_context import billing_context
from ..store import token_uses
from ..wp_bridge.db import Database


def renewals(settings: Settings, db: Database, now: datetime) -> int:
    """Issue renewal invoices for periods ending soon; return how many."""
    days = settings.billing.renewal_days_before
    return _drain(
        lambda: membership_jobs.issue_due_renewals(db, billing_context(settings), now, days)
    )


def expiry(settings: Settings, db: Database, now: datetime) -> int:
    """Expire memberships unpaid past the grace period; return how many."""
    return _drain(lambda: membership_jobs.expire_overdue(db, now, settings.billing.grace_days))


def cancellations(settings: Settings, db: Database, now: datetime) -> int:
    """Cancel memberships whose scheduled end has come; return how many."""
    return _drain(lambda: membership_jobs.apply_scheduled_cancellations(db, now))


def token_purge(settings: Settings, db: Database, now: datetime) -> int:
    """Forget one-time ids of expired assertions; return how many."""
    return _drain(lambda: range(token_uses.purge_expired(db, int(now.timestamp()))))


def _drain(batch, limit: int = 1000) -> int:
    """Call ``batch`` until it returns an empty result (at most ``limit`` times)."""
    total = 0
    for _ in range(limit):
        done = len(batch())
        total += done
        if not done:
            break
    return total
