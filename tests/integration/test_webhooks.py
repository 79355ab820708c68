"""Webhooks against a real receiver on loopback: every request is signed (the receiver
verifies), 500s and timeouts are retried with backoff, a 2xx is never sent again, two
workers never send the same delivery, and attempts are logged."""

from __future__ import annotations

import threading

import pytest

from sidecar.domain import webhook_delivery, webhooks
from sidecar.domain.events import SYSTEM
from sidecar.domain.membership_changes import apply_plan_change
from sidecar.errors import Conflict, Invalid
from sidecar.store import customers as customer_store
from sidecar.store import webhook_deliveries
from sidecar.wp_bridge.db import connect

from ..billing_fixtures import CTX, fresh_membership
from .webhook_receiver import Receiver

pytestmark = pytest.mark.integration
NET = 1


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def _hook(db, receiver, events=("customer.created", "test"), **changes):
    form = {"name": "CRM", "url": receiver.url, "events": list(events), **changes}
    hook, secret = webhooks.create_webhook(db, NET, form, SYSTEM)
    receiver.secret = secret
    return hook


def _deliveries(db, hook_id):
    return webhooks.delivery_log(db, NET, hook_id)


def test_signature_round_trip_and_tampering():
    header = webhook_delivery.signature("s3cret", 1_700_000_000, '{"a":1}')
    assert header.startswith("t=1700000000,v1=")
    assert webhook_delivery.verify("s3cret", header, '{"a":1}', 1_700_000_010)
    assert not webhook_delivery.verify("s3cret", header, '{"a":2}', 1_700_000_010)
    assert not webhook_delivery.verify("other", header, '{"a":1}', 1_700_000_010)
    assert not webhook_delivery.verify("s3cret", header, '{"a":1}', 1_700_001_000)  # too old
    assert not webhook_delivery.verify("s3cret", "garbage", '{"a":1}', 1_700_000_010)


def test_backoff_doubles_and_is_capped():
    assert [webhook_delivery.backoff_seconds(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert webhook_delivery.backoff_seconds(30) == webhook_delivery.MAX_BACKOFF_SECONDS


def test_bad_webhook_input_is_refused_with_messages(db):
    with pytest.raises(Invalid) as refused:
        webhooks.create_webhook(
            db, NET, {"name": "", "url": "ftp://x", "events": ["nope"], "scope": "all"}, SYSTEM
        )
    assert set(refused.value.errors) == {"name", "url", "events", "scope"}


def test_500_then_timeout_then_200_retries_and_never_resends(db, receiver):
    hook = _hook(db, receiver)
    assert webhooks.emit(db, NET, "customer.created", {"customer_id": 7}) == 1
    assert webhooks.emit(db, NET, "payment.paid", {"invoice": 1}) == 0  # not subscribed
    receiver.script = [500, "hang", 200]
    (delivery,) = _deliveries(db, hook["id"])
    for expected_status in ("pending", "pending", "delivered"):
        assert webhook_delivery.deliver_due(db, timeout=1, max_attempts=5) == 1
        (delivery,) = _deliveries(db, hook["id"])
        assert delivery["status"] == expected_status
        webhook_deliveries.reschedule_now(db, delivery["id"])  # skip the backoff wait
    assert webhook_delivery.deliver_due(db, timeout=1, max_attempts=5) == 0  # no duplicate
    assert [r["answer"] for r in receiver.received] == [500, "hang", 200]
    assert all(r["verified"] for r in receiver.received)
    assert {r["body"]["id"] for r in receiver.received} == {delivery["event_id"]}
    assert receiver.received[0]["body"]["data"] == {"customer_id": 7}
    log = delivery["attempt_log"]
    assert [a["status_code"] for a in log] == [500, None, 200]
    assert "no answer" in log[1]["error"] and log[1]["duration_ms"] >= 900
    assert delivery["attempts"] == 3 and delivery["delivered_at"] is not None


def test_backoff_waits_before_the_next_try(db, receiver):
    hook = _hook(db, receiver)
    webhooks.emit(db, NET, "customer.created", {"customer_id": 8})
    receiver.script = [500]
    webhook_delivery.deliver_due(db, timeout=1, max_attempts=5)
    assert webhook_delivery.deliver_due(db, timeout=1, max_attempts=5) == 0  # not due yet
    (delivery,) = _deliveries(db, hook["id"])
    waited = (delivery["next_attempt_at"] - delivery["created_at"]).total_seconds()
    assert 55 <= waited <= 70


def test_gives_up_after_max_attempts(db, receiver):
    hook = _hook(db, receiver)
    webhooks.emit(db, NET, "customer.created", {"customer_id": 9})
    receiver.script = [500, 503]
    webhook_delivery.deliver_due(db, timeout=1, max_attempts=2)
    webhook_deliveries.reschedule_now(db, _deliveries(db, hook["id"])[0]["id"])
    webhook_delivery.deliver_due(db, timeout=1, max_attempts=2)
    (delivery,) = _deliveries(db, hook["id"])
    assert delivery["status"] == "failed" and delivery["last_status"] == 503
    assert webhook_delivery.deliver_due(db, timeout=1, max_attempts=2) == 0
    assert len(receiver.received) == 2


def test_disabled_and_customer_scoped_webhooks(db, receiver):
    off = _hook(db, receiver, active=False)
    scoped = _hook(db, receiver, scope="customers")
    assert webhooks.emit(db, NET, "customer.created", {"x": 1}, customer_id=4242) == 0
    webhooks.attach(db, NET, 4242, [scoped["id"]])
    assert webhooks.emit(db, NET, "customer.created", {"x": 1}, customer_id=4242) == 1
    assert _deliveries(db, off["id"]) == []


def test_send_test_event_reaches_the_receiver(db, receiver):
    hook = _hook(db, receiver, events=["payment.paid"])
    webhooks.send_test(db, NET, hook["id"], SYSTEM)
    webhook_delivery.deliver_due(db, timeout=2, max_attempts=3)
    (got,) = receiver.received
    assert got["event"] == "test" and got["verified"] and got["body"]["type"] == "test"


def test_two_workers_never_send_the_same_delivery(settings, migrated, receiver):
    setup = connect(settings.database)
    hook = _hook(setup, receiver)
    try:
        for n in range(12):
            webhooks.emit(setup, NET, "customer.created", {"n": n})
        workers = [connect(settings.database) for _ in range(2)]
        threads = [
            threading.Thread(
                target=webhook_delivery.deliver_due,
                args=(w,),
                kwargs={"timeout": 5, "max_attempts": 3},
            )
            for w in workers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for worker in workers:
            worker.close()
        ids = [r["body"]["id"] for r in receiver.received]
        assert len(ids) == 12 and len(set(ids)) == 12
        assert all(d["status"] == "delivered" for d in _deliveries(setup, hook["id"]))
    finally:
        webhooks.delete_webhook(setup, NET, hook["id"], SYSTEM)
        setup.close()


def test_admin_retry_sends_a_given_up_delivery_again_but_never_a_delivered_one(db, receiver):
    hook = _hook(db, receiver)
    webhooks.emit(db, NET, "customer.created", {"customer_id": 10})
    receiver.script = [500, 200]
    webhook_delivery.deliver_due(db, timeout=1, max_attempts=1)
    (delivery,) = _deliveries(db, hook["id"])
    assert delivery["status"] == "failed"
    other = _hook(db, receiver)
    with pytest.raises(Conflict):  # not a delivery of that webhook
        webhooks.retry_delivery(db, NET, other["id"], delivery["id"], SYSTEM)
    webhooks.retry_delivery(db, NET, hook["id"], delivery["id"], SYSTEM)
    webhook_delivery.deliver_due(db, timeout=1, max_attempts=1)
    assert _deliveries(db, hook["id"])[0]["status"] == "delivered"
    with pytest.raises(Conflict):
        webhooks.retry_delivery(db, NET, hook["id"], delivery["id"], SYSTEM)
    assert [r["answer"] for r in receiver.received] == [500, 200]


def test_payments_and_plan_changes_emit_their_events(db, receiver, customers):
    hook = _hook(db, receiver, events=["payment.paid", "membership.changed"])
    products, membership, invoice = fresh_membership(db, customers["bob"], "starter")
    customer = customer_store.get(db, membership.customer_id)
    apply_plan_change(
        db,
        membership.id,
        membership.version,
        products["business"],
        ctx=CTX,
        customer=customer,
        actor=SYSTEM,
        now=membership.renewed_at or invoice.issued_at,
    )
    webhook_delivery.deliver_due(db, timeout=2, max_attempts=3)
    got = {r["event"]: r["body"]["data"] for r in receiver.received}
    assert got["payment.paid"]["invoice"] == invoice.display_number
    assert got["membership.changed"] == {
        "membership": membership.number,
        "plan_id": products["business"],
    }
    assert all(r["verified"] for r in receiver.received)
    assert len(_deliveries(db, hook["id"])) == 2
