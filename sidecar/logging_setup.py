"""Logging: one line per record with the request id the shim passed along.

Secrets never reach the log: settings hide them from ``repr`` and no handler logs headers.
"""

from __future__ import annotations

import logging

from flask import g, has_request_context

_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (the assertion's ``rid``, or ``-``) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        claims = g.get("claims") if has_request_context() else None
        record.request_id = getattr(claims, "rid", "") or "-"
        return True


def configure_logging(level: str) -> None:
    """Send sidecar logs to stderr at ``level`` (idempotent)."""
    logger = logging.getLogger("sidecar")
    logger.setLevel(level)
    if not any(isinstance(f, RequestIdFilter) for h in logger.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(handler)
        logger.propagate = False
