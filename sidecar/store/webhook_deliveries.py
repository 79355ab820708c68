"""The webhook outbox (deliveries) and the log of delivery attempts: plain queries."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table


def enqueue(db: Database, webhook_id: int, event_id: str, event_type: str, payload: str) -> int:
    """Add a pending delivery, due now; return its id."""
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'webhook_deliveries')} (webhook_id, event_id,"
        " event_type, payload, status, attempts, next_attempt_at, created_at)"
        " VALUES (%s, %s, %s, %s, 'pending', 0, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
        (webhook_id, event_id, event_type, payload),
    )


def claim_due(db: Database, limit: int, hold_seconds: int) -> list[Row]:
    """Claim up to ``limit`` due deliveries for this worker: pending ones whose time has come
    and abandoned claims. Rows another worker is claiming are skipped (SKIP LOCKED), and a
    claimed row is ``sending`` until ``hold_seconds`` from now. Returns them with the
    webhook's url and secret."""
    deliveries = table(db.prefix, "webhook_deliveries")

    def claim() -> list[int]:
        rows = db.fetch_all(
            f"SELECT id FROM {deliveries} WHERE (status = 'pending'"
            " AND next_attempt_at <= UTC_TIMESTAMP()) OR (status = 'sending'"
            " AND claimed_until < UTC_TIMESTAMP()) ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            (limit,),
        )
        ids = [int(row["id"]) for row in rows]
        if ids:
            db.execute(
                f"UPDATE {deliveries} SET status = 'sending', claimed_until ="
                f" UTC_TIMESTAMP() + INTERVAL %s SECOND WHERE id IN ({_marks(ids)})",
                (hold_seconds, *ids),
            )
        return ids

    # two workers claiming at once can deadlock on the (status, next_attempt_at) index
    ids = db.retrying(claim)
    if not ids:
        return []
    return db.fetch_all(
        f"SELECT d.*, h.url, h.secret, h.active FROM {deliveries} d"
        f" JOIN {table(db.prefix, 'webhooks')} h ON h.id = d.webhook_id"
        f" WHERE d.id IN ({_marks(ids)}) ORDER BY d.id",
        tuple(ids),
    )


def mark_delivered(db: Database, delivery_id: int, status_code: int) -> bool:
    """Mark a claimed delivery delivered; False when it was not ``sending`` any more."""
    return bool(
        db.execute(
            f"UPDATE {table(db.prefix, 'webhook_deliveries')} SET status = 'delivered',"
            " attempts = attempts + 1, last_status = %s, last_error = '',"
            " delivered_at = UTC_TIMESTAMP(), claimed_until = NULL"
            " WHERE id = %s AND status = 'sending'",
            (status_code, delivery_id),
        )
    )


def mark_failed(
    db: Database, delivery_id: int, status_code: int | None, error: str, retry_seconds: int | None
) -> None:
    """Record a failed attempt: due again in ``retry_seconds``, or given up when None."""
    status = "failed" if retry_seconds is None else "pending"
    db.execute(
        f"UPDATE {table(db.prefix, 'webhook_deliveries')} SET status = %s,"
        " attempts = attempts + 1, last_status = %s, last_error = %s, claimed_until = NULL,"
        " next_attempt_at = UTC_TIMESTAMP() + INTERVAL %s SECOND"
        " WHERE id = %s AND status = 'sending'",
        (status, status_code, error[:255], retry_seconds or 0, delivery_id),
    )


def log_attempt(
    db: Database, delivery_id: int, status_code: int | None, duration_ms: int, error: str
) -> None:
    """Append one attempt to the delivery log."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'webhook_attempts')} (delivery_id, attempted_at,"
        " status_code, duration_ms, error) VALUES (%s, UTC_TIMESTAMP(6), %s, %s, %s)",
        (delivery_id, status_code, duration_ms, error[:255]),
    )


def for_webhook(db: Database, webhook_id: int, limit: int = 100) -> list[Row]:
    """A webhook's newest deliveries."""
    return db.fetch_all(
        f"SELECT id, event_id, event_type, status, attempts, next_attempt_at, last_status,"
        f" last_error, created_at, delivered_at FROM {table(db.prefix, 'webhook_deliveries')}"
        " WHERE webhook_id = %s ORDER BY id DESC LIMIT %s",
        (webhook_id, limit),
    )


def attempts_for(db: Database, delivery_ids: list[int]) -> list[Row]:
    """The attempts of the given deliveries, oldest first."""
    if not delivery_ids:
        return []
    marks = ", ".join(["%s"] * len(delivery_ids))
    return db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'webhook_attempts')}"
        f" WHERE delivery_id IN ({marks}) ORDER BY id",
        tuple(delivery_ids),
    )


def reschedule_now(db: Database, delivery_id: int, webhook_id: int | None = None) -> bool:
    """Make a failed or pending delivery (of ``webhook_id`` when given) due now again (admin
    "retry"); False when there is no such delivery waiting or given up."""
    only = "" if webhook_id is None else " AND webhook_id = %s"
    extra = () if webhook_id is None else (webhook_id,)
    deliveries = table(db.prefix, "webhook_deliveries")
    with db.transaction():
        found = db.fetch_value(
            f"SELECT id FROM {deliveries} WHERE id = %s AND status IN ('failed', 'pending')"
            f"{only} FOR UPDATE",
            (delivery_id, *extra),
        )
        if found is None:
            return False
        db.execute(
            f"UPDATE {deliveries} SET status = 'pending', next_attempt_at = UTC_TIMESTAMP()"
            " WHERE id = %s",
            (delivery_id,),
        )
    return True


def _marks(ids: list[int]) -> str:
    return ", ".join(["%s"] * len(ids))
