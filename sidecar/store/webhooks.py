"""Webhook endpoints and the customers they are attached to: plain queries."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table

COLUMNS = ("name", "url", "events", "scope", "active")


def list_for_network(db: Database, network_id: int) -> list[Row]:
    """Every webhook of a network by name, without secrets."""
    return db.fetch_all(
        f"SELECT id, network_id, name, url, events, scope, active, created_at, updated_at"
        f" FROM {table(db.prefix, 'webhooks')} WHERE network_id = %s ORDER BY name, id",
        (network_id,),
    )


def get(db: Database, network_id: int, webhook_id: int) -> Row | None:
    """One webhook of a network, secret included, or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'webhooks')} WHERE network_id = %s AND id = %s",
        (network_id, webhook_id),
    )


def insert(db: Database, network_id: int, values: dict, secret: str) -> int:
    """Insert a webhook; return its id."""
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'webhooks')} (network_id, name, url, secret, events,"
        " scope, active, created_at, updated_at) VALUES (%(net)s, %(name)s, %(url)s,"
        " %(secret)s, %(events)s, %(scope)s, %(active)s, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
        {"net": network_id, "secret": secret, **{key: values[key] for key in COLUMNS}},
    )


def update(db: Database, webhook_id: int, values: dict) -> None:
    """Replace a webhook's editable columns (not its secret)."""
    db.execute(
        f"UPDATE {table(db.prefix, 'webhooks')} SET name = %(name)s, url = %(url)s,"
        " events = %(events)s, scope = %(scope)s, active = %(active)s,"
        " updated_at = UTC_TIMESTAMP() WHERE id = %(id)s",
        {"id": webhook_id, **{key: values[key] for key in COLUMNS}},
    )


def delete(db: Database, webhook_id: int) -> None:
    """Delete a webhook, its links, deliveries and their attempts."""
    deliveries = table(db.prefix, "webhook_deliveries")
    db.execute(
        f"DELETE a FROM {table(db.prefix, 'webhook_attempts')} a JOIN {deliveries} d"
        " ON d.id = a.delivery_id WHERE d.webhook_id = %s",
        (webhook_id,),
    )
    for name in ("webhook_deliveries", "customer_webhooks", "onboarding_webhooks"):
        db.execute(f"DELETE FROM {table(db.prefix, name)} WHERE webhook_id = %s", (webhook_id,))
    db.execute(f"DELETE FROM {table(db.prefix, 'webhooks')} WHERE id = %s", (webhook_id,))


def subscribed(
    db: Database, network_id: int, event_type: str, customer_id: int | None
) -> list[Row]:
    """Active webhooks of a network that want ``event_type``: network-wide ones, and those
    attached to ``customer_id``."""
    hooks = table(db.prefix, "webhooks")
    return db.fetch_all(
        f"SELECT h.id FROM {hooks} h WHERE h.network_id = %s AND h.active = 1"
        " AND FIND_IN_SET(%s, h.events) AND (h.scope = 'network' OR EXISTS (SELECT 1 FROM"
        f" {table(db.prefix, 'customer_webhooks')} cw WHERE cw.webhook_id = h.id"
        " AND cw.customer_id = %s))",
        (network_id, event_type, customer_id or 0),
    )


def attach(db: Database, customer_id: int, webhook_id: int) -> None:
    """Attach a webhook to a customer (no-op when attached)."""
    db.execute(
        f"INSERT IGNORE INTO {table(db.prefix, 'customer_webhooks')} (customer_id, webhook_id)"
        " VALUES (%s, %s)",
        (customer_id, webhook_id),
    )


def attached_to(db: Database, customer_id: int) -> list[int]:
    """Ids of the webhooks attached to a customer."""
    rows = db.fetch_all(
        f"SELECT webhook_id FROM {table(db.prefix, 'customer_webhooks')} WHERE customer_id = %s",
        (customer_id,),
    )
    return [int(row["webhook_id"]) for row in rows]


def detach(db: Database, customer_id: int, webhook_id: int) -> None:
    """Detach a webhook from a customer."""
    db.execute(
        f"DELETE FROM {table(db.prefix, 'customer_webhooks')}"
        " WHERE customer_id = %s AND webhook_id = %s",
        (customer_id, webhook_id),
    )
