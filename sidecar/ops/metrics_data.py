"""Numbers the metrics endpoint reads from the database when it is scraped."""

from __future__ import annotations

from collections.abc import Callable

from ..store import usage as usage_store
from ..wp_bridge.db import Database, DatabaseUnavailable

OVER = 100


def sites_over_limits(open_db: Callable[[], Database]) -> int | None:
    """Return how many live sites are at or over 100 % of a limit (last sweep), or None when
    the database does not answer (the gauge is then left out)."""
    try:
        _rows, total = usage_store.near_limits(
            open_db(), min_pct=OVER, sort="blog_id", descending=False, offset=0, limit=1
        )
    except DatabaseUnavailable:
        return None
    return total
