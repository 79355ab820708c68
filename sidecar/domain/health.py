"""Readiness: can this process serve requests right now?"""

from __future__ import annotations

from collections.abc import Callable

from ..store.migrate import pending
from ..wp_bridge.db import Database, DatabaseUnavailable


def readiness(open_db: Callable[[], Database]) -> dict:
    """Return ``{"ready": bool, "checks": {...}}``: database reachable, migrations current."""
    checks = {"database": "ok", "migrations": "ok"}
    try:
        missing = pending(open_db())
        if missing:
            checks["migrations"] = f"{len(missing)} pending: run `sidecar migrate`"
    except DatabaseUnavailable:
        checks["database"] = "unreachable"
        checks["migrations"] = "unknown"
    return {"ready": all(v == "ok" for v in checks.values()), "checks": checks}
