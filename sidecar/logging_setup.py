"""Logging: one line per record — readable text or JSON — with the request id, secrets removed.

The request id is the assertion's ``rid`` (the shim makes one per wp-admin request and logs it
on its side), else a well-formed ``X-Request-Id`` header (API clients, the load balancer), else
``-``. Every known secret of the settings (database password, Application Password, shim
secret, CSRF key, metrics token) and anything shaped like a secret (``Bearer …``, API keys
``sk_…``, ``password=…``/``"password": "…"`` pairs, assertions) is replaced by ``[redacted]``
before a record is written, whatever the code that logged it passed in.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import g, has_request_context, request

_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
REDACTED = "[redacted]"
_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[^\s,;\"']+"),
    re.compile(r"\bsk_[A-Za-z0-9_-]{8,}"),
    re.compile(r"\bwhsec_[A-Za-z0-9_-]{8,}"),
    re.compile(
        r"(?i)((?:pass(?:word)?|pwd|pass1|pass2|secret|token|app_password|current_password|"
        r"new_password|api_key|csrf_token)[\"']?\s*[=:]\s*[\"']?)[^\s&,;\"'}]+"
    ),
    re.compile(r"(?i)(x-sidecar-assertion[\"']?\s*[=:]\s*[\"']?)[^\s,;\"'}]+"),
)
_MIN_SECRET = 6


def request_id() -> str:
    """Return this request's id: the assertion's ``rid``, a valid ``X-Request-Id``, or ``-``."""
    if not has_request_context():
        return "-"
    claims = g.get("claims")
    rid = getattr(claims, "rid", "") or ""
    if not rid:
        header = request.headers.get("X-Request-Id", "")
        rid = header if _REQUEST_ID.match(header) else ""
    return rid or "-"


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class Redactor:
    """Replaces known secrets and secret-shaped text by ``[redacted]``."""

    def __init__(self, secrets: Iterable[str] = ()):
        known = {s for s in secrets if s and len(s) >= _MIN_SECRET}
        self.known = sorted(known, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.known:
            text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
        return text


class RedactingFormatter(logging.Formatter):
    """The text format, secrets removed from message and traceback."""

    def __init__(self, redactor: Redactor):
        super().__init__(_FORMAT)
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, request_id, message (and exception)."""

    def __init__(self, redactor: Redactor):
        super().__init__()
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": self.redactor(record.getMessage()),
        }
        for key in ("route", "method", "status", "ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.redactor(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def _our_handler(logger: logging.Logger) -> logging.Handler | None:
    for handler in logger.handlers:
        if getattr(handler, "sidecar_handler", False):
            return handler
    return None


def configure_logging(
    level: str, log_format: str = "text", secrets: Iterable[str] = (), stream=None
) -> logging.Handler:
    """Send sidecar logs to ``stream`` (stderr) at ``level`` as ``text`` or ``json`` lines,
    with ``secrets`` redacted. Idempotent: a second call reconfigures the same handler.
    Returns the handler."""
    logger = logging.getLogger("sidecar")
    logger.setLevel(level)
    handler = _our_handler(logger)
    if handler is None:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.sidecar_handler = True
        handler.addFilter(RequestIdFilter())
        logger.addHandler(handler)
        logger.propagate = False
    elif stream is not None:
        handler.setStream(stream)
    redactor = Redactor(secrets)
    handler.setFormatter(
        JsonFormatter(redactor) if log_format == "json" else RedactingFormatter(redactor)
    )
    return handler


def settings_secrets(settings) -> list[str]:
    """Return every secret value of ``settings`` (to be redacted from logs)."""
    return [
        settings.database.password,
        settings.wordpress.app_password,
        settings.wordpress.app_password.replace(" ", ""),
        settings.shim.secret,
        settings.sidecar.secret_key,
        getattr(getattr(settings, "metrics", None), "token", ""),
    ]


def configure_from_settings(settings, stream=None) -> logging.Handler:
    """``configure_logging`` with the level, format and secrets of ``settings``."""
    return configure_logging(
        settings.sidecar.log_level,
        settings.sidecar.log_format,
        settings_secrets(settings),
        stream,
    )
