"""Outbound webhooks: endpoints the admin registers, and ``emit`` — the one call other
modules make when something happened. ``emit`` only writes the outbox (one delivery row per
subscribed webhook) in the caller's transaction, so an event is sent if and only if its change
was committed; ``webhook_delivery`` sends them.

Delivered JSON: ``{"id": <event id>, "type": <event type>, "created": <ISO UTC>,
"data": {...}}``, signed in the ``X-Sidecar-Signature`` header (see ``webhook_delivery``).
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext, lazy_gettext

from ..errors import Conflict, Invalid, NotFound
from ..store import webhook_deliveries as deliveries
from ..store import webhooks as store
from ..wp_bridge.db import Database
from .events import Actor, record

EVENT_TYPES = {
    "customer.created": lazy_gettext("A customer was created"),
    "membership.changed": lazy_gettext("A membership changed plan or packages"),
    "payment.paid": lazy_gettext("An invoice was paid"),
    "site.template_switched": lazy_gettext("A site switched template"),
    "domain.verified": lazy_gettext("A custom domain was verified"),
    "limit.exceeded": lazy_gettext("A site went over a plan limit"),
    "newsletter.subscribed": lazy_gettext("A customer subscribed to the newsletter"),
    "newsletter.unsubscribed": lazy_gettext("A customer unsubscribed from the newsletter"),
    "test": lazy_gettext("Test event (sent by “Send test event”)"),
}
SCOPES = ("network", "customers")


def emit(
    db: Database, network_id: int, event_type: str, data: dict, *, customer_id: int | None = None
) -> int:
    """Queue ``event_type`` with ``data`` for every active webhook of the network subscribed
    to it (network-wide ones, and those attached to ``customer_id``). Call it inside the
    transaction of the change. Returns how many deliveries were queued."""
    hooks = store.subscribed(db, network_id, event_type, customer_id)
    if not hooks:
        return 0
    event_id = uuid.uuid4().hex
    body = _body(event_id, event_type, data)
    for hook in hooks:
        deliveries.enqueue(db, int(hook["id"]), event_id, event_type, body)
    return len(hooks)


def _body(event_id: str, event_type: str, data: Any) -> str:
    created = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    envelope = {"id": event_id, "type": event_type, "created": created}
    return json.dumps({**envelope, "data": data}, default=_plain, ensure_ascii=False)


def _plain(value: Any) -> Any:
    """JSON for the values domain objects carry (Decimal, dates)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def list_webhooks(db: Database, network_id: int) -> list[dict]:
    """The network's webhooks (no secrets), events as lists."""
    return [_public(row) for row in store.list_for_network(db, network_id)]


def get_webhook(db: Database, network_id: int, webhook_id: int) -> dict:
    """One webhook (no secret). Raises NotFound."""
    row = store.get(db, network_id, webhook_id)
    if row is None:
        raise NotFound(gettext("There is no such webhook."))
    return _public(row)


def create_webhook(db: Database, network_id: int, form: dict, actor: Actor) -> tuple[dict, str]:
    """Create a webhook with a new signing secret. Returns it and the secret (show it once).
    Raises Invalid."""
    values = _checked(form)
    secret = "whsec_" + secrets.token_hex(24)
    with db.transaction():
        webhook_id = store.insert(db, network_id, values, secret)
        hook = get_webhook(db, network_id, webhook_id)
        record(db, actor, "webhook", webhook_id, "webhook.created", None, hook)
    return hook, secret


def update_webhook(
    db: Database, network_id: int, webhook_id: int, form: dict, actor: Actor
) -> dict:
    """Change a webhook's name, URL, events, scope or active flag. Raises NotFound, Invalid."""
    before = get_webhook(db, network_id, webhook_id)
    values = _checked(form)
    with db.transaction():
        store.update(db, webhook_id, values)
        after = get_webhook(db, network_id, webhook_id)
        record(db, actor, "webhook", webhook_id, "webhook.updated", before, after)
    return after


def delete_webhook(db: Database, network_id: int, webhook_id: int, actor: Actor) -> None:
    """Delete a webhook with its delivery log. Raises NotFound."""
    before = get_webhook(db, network_id, webhook_id)
    with db.transaction():
        store.delete(db, webhook_id)
        record(db, actor, "webhook", webhook_id, "webhook.deleted", before, None)


def send_test(db: Database, network_id: int, webhook_id: int, actor: Actor) -> int:
    """Queue a ``test`` event for one webhook (even when it is not subscribed to ``test``);
    returns the delivery id. Raises NotFound."""
    hook = get_webhook(db, network_id, webhook_id)
    event_id = uuid.uuid4().hex
    data = {"message": "This is a test event from the sidecar.", "webhook_id": hook["id"]}
    with db.transaction():
        delivery_id = deliveries.enqueue(
            db, hook["id"], event_id, "test", _body(event_id, "test", data)
        )
        record(db, actor, "webhook", hook["id"], "webhook.test_sent", None, {"event_id": event_id})
    return delivery_id


def retry_delivery(
    db: Database, network_id: int, webhook_id: int, delivery_id: int, actor: Actor
) -> None:
    """Send a waiting or given-up delivery again at the next run of the job (its attempts
    count on). Raises NotFound; Conflict when it was delivered."""
    get_webhook(db, network_id, webhook_id)
    with db.transaction():
        if not deliveries.reschedule_now(db, delivery_id, webhook_id):
            raise Conflict(gettext("This delivery was delivered already, or is being sent now."))
        record(db, actor, "webhook", webhook_id, "webhook.retry", None, {"delivery": delivery_id})


def delivery_log(db: Database, network_id: int, webhook_id: int) -> list[dict]:
    """A webhook's newest deliveries, each with its attempts. Raises NotFound."""
    get_webhook(db, network_id, webhook_id)
    rows = deliveries.for_webhook(db, webhook_id)
    attempts: dict[int, list] = {}
    for attempt in deliveries.attempts_for(db, [int(r["id"]) for r in rows]):
        attempts.setdefault(int(attempt["delivery_id"]), []).append(attempt)
    return [{**row, "attempt_log": attempts.get(int(row["id"]), [])} for row in rows]


def attach(db: Database, network_id: int, customer_id: int, webhook_ids: list[int]) -> list[int]:
    """Attach existing webhooks of the network to a customer; returns those attached."""
    attached = []
    for webhook_id in webhook_ids:
        if store.get(db, network_id, webhook_id) is not None:
            store.attach(db, customer_id, webhook_id)
            attached.append(webhook_id)
    return attached


def _public(row: dict) -> dict:
    hook = {key: value for key, value in row.items() if key != "secret"}
    hook["events"] = [e for e in (row["events"] or "").split(",") if e]
    hook["active"] = bool(row["active"])
    return hook


def _checked(form: dict) -> dict:
    """The webhook's columns from a loaded form. Raises Invalid with per-field messages."""
    errors: dict[str, list] = {}
    name = (form.get("name") or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [gettext("Enter a name of at most 100 characters.")]
    url = (form.get("url") or "").strip()
    if not _good_url(url):
        errors["url"] = [gettext("Enter an http:// or https:// address of at most 500 characters.")]
    events = [e for e in form.get("events") or [] if e]
    unknown = [e for e in events if e not in EVENT_TYPES]
    if not events or unknown:
        errors["events"] = [gettext("Choose at least one event from the list.")]
    scope = form.get("scope") or "network"
    if scope not in SCOPES:
        errors["scope"] = [gettext("Choose who the webhook is for.")]
    if errors:
        raise Invalid(errors)
    return {
        "name": name,
        "url": url,
        "events": ",".join(sorted(set(events))),
        "scope": scope,
        "active": 1 if form.get("active", True) else 0,
    }


def _good_url(url: str) -> bool:
    if len(url) > 500 or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def payload_of(body: str) -> dict:
    """Decode a stored delivery body (for display)."""
    return json.loads(body)
