"""Sending the webhook outbox: claim due deliveries (a delivery claimed by one worker is
skipped by the others), POST each one signed, log the attempt, then mark it delivered on a 2xx
answer or due again with exponential backoff (1, 2, 4 … minutes, at most 6 hours) until
``max_attempts``.

Signature header: ``X-Sidecar-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret,
"<t>.<body>")>``; receivers recompute it over the raw body and refuse old timestamps.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

import requests

from .. import metrics
from ..store import webhook_deliveries as store
from ..wp_bridge.db import Database

log = logging.getLogger("sidecar.webhooks")

BATCH = 20
MAX_BACKOFF_SECONDS = 6 * 3600
USER_AGENT = "sidecar-webhooks/1"


def signature(secret: str, timestamp: int, body: str) -> str:
    """The ``X-Sidecar-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: str, now: int, tolerance: int = 300) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of
    ``now`` (what a receiver does)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, header)


def backoff_seconds(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones: 60 · 2^(attempts-1)."""
    return min(60 * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def deliver_due(db: Database, *, timeout: int, max_attempts: int, session=None) -> int:
    """Send every due delivery (claimed 20 at a time); return how many attempts were made."""
    session = session or requests.Session()
    total = 0
    while True:
        # a claim outlives the whole batch being sent one by one, so nobody takes it over
        batch = store.claim_due(db, BATCH, hold_seconds=BATCH * (timeout + 5) + 60)
        for delivery in batch:
            _attempt(db, session, delivery, timeout, max_attempts)
        total += len(batch)
        if len(batch) < BATCH:
            return total


def _attempt(db: Database, session, delivery: dict, timeout: int, max_attempts: int) -> None:
    """One POST of one claimed delivery, logged, then its new state."""
    delivery_id = int(delivery["id"])
    if not delivery["active"]:
        store.mark_failed(db, delivery_id, None, "webhook disabled", None)
        return
    status, error, seconds = _post(session, delivery, timeout)
    ok = status is not None and 200 <= status < 300

    def record() -> None:
        store.log_attempt(db, delivery_id, status, int(seconds * 1000), error)
        if ok:
            store.mark_delivered(db, delivery_id, status)
        else:
            attempts = int(delivery["attempts"]) + 1
            retry = backoff_seconds(attempts) if attempts < max_attempts else None
            store.mark_failed(db, delivery_id, status, error, retry)

    db.retrying(record)  # another worker's claim may deadlock with this update; retried
    metrics.observe_webhook_delivery(delivery["event_type"], seconds, ok)
    log.info(
        "webhook delivery %s (%s) attempt %s: %s %s",
        delivery_id,
        delivery["event_type"],
        int(delivery["attempts"]) + 1,
        status if status is not None else "no answer",
        error,
    )


def _post(session, delivery: dict, timeout: int) -> tuple[int | None, str, float]:
    """POST the body; returns (HTTP status or None, error text, seconds taken)."""
    body = delivery["payload"]
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Sidecar-Event": delivery["event_type"],
        "X-Sidecar-Delivery": str(delivery["id"]),
        "X-Sidecar-Signature": signature(delivery["secret"], int(time.time()), body),
    }
    started = time.monotonic()
    try:
        answer = session.post(
            delivery["url"],
            data=body.encode(),
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.Timeout:
        return None, f"no answer within {timeout} s", time.monotonic() - started
    except requests.RequestException as error:
        return None, type(error).__name__, time.monotonic() - started
    seconds = time.monotonic() - started
    error = "" if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"
    return answer.status_code, error, seconds
