"""Thin job function for custom domains: check the domains whose next check has come."""

from __future__ import annotations

from datetime import datetime

from ..config import Settings
from ..context import Clients
from ..domain import domain_verification
from ..wp_bridge import WordPress
from ..wp_bridge.db import Database


def verify_domains(settings: Settings, db: Database, now: datetime) -> int:
    """Check due domains (DNS, TXT proof, HTTPS) in batches; return how many were checked."""
    clients = Clients(settings)
    wp = WordPress(db, clients.rest, clients.shim, settings.wordpress.network_id)
    total = 0
    for _ in range(100):
        checked = len(domain_verification.verify_due(wp, now))
        total += checked
        if not checked:
            break
    return total
