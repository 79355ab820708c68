"""Memberships against real MariaDB: start, pay, change plan (up/down), packages, conflicts,
renewals with credit, expiry and scheduled cancellation."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest

from sidecar.domain import membership_changes as changes
from sidecar.domain import membership_jobs
from sidecar.domain.events import SYSTEM, history
from sidecar.domain.invoices import list_for_customer
from sidecar.domain.memberships import get_membership
from sidecar.errors import Conflict, Invalid
from sidecar.wp_bridge.db import connect

from ..billing_fixtures import CTX, fresh_membership, reset_customer

pytestmark = pytest.mark.integration


def customer_row(db, customer):
    return db.fetch_one(
        "SELECT * FROM wp_sidecar_customers WHERE user_id = %s", (customer["user_id"],)
    )


def test_sign_up_is_pending_until_paid_then_active(db, customers):
    _, membership, invoice = fresh_membership(db, customers["alice"], paid=False)
    assert membership.status == "pending" and membership.times_billed == 0
    assert membership.number.startswith("MB-") and str(membership.id) not in membership.number
    assert invoice.reason == "signup" and invoice.total == Decimal("29.00")
    from sidecar.domain.billing import settle_invoice

    settle_invoice(db, invoice.id, SYSTEM)
    paid = get_membership(db, membership.id)
    assert paid.status == "active" and paid.times_billed == 1
    assert (
        paid.expires_at.month != paid.renewed_at.month
        or paid.expires_at.year > paid.renewed_at.year
    )


def test_upgrade_invoices_the_prorated_difference_and_replaces_limits(db, customers):
    products, membership, _ = fresh_membership(db, customers["alice"], "starter")
    summary = changes.plan_change(db, membership, products["business"], membership.renewed_at)
    assert summary.is_upgrade and summary.new_limits["posts"] == 500
    assert summary.due_now == Decimal("20.00")  # the whole period is unused: 29 - 9
    changes.apply_plan_change(
        db,
        membership.id,
        membership.version,
        products["business"],
        ctx=CTX,
        customer=customer_row(db, customers["alice"]),
        actor=SYSTEM,
        now=membership.renewed_at,
    )
    changed = get_membership(db, membership.id)
    assert changed.plan_id == products["business"]
    assert changed.recurring_amount == Decimal("29.00")
    invoices = list_for_customer(db, changed.customer_id)
    assert [i.reason for i in invoices].count("change") == 1


def test_downgrade_keeps_a_credit_for_the_next_invoice(db, customers):
    products, membership, _ = fresh_membership(db, customers["alice"], "business")
    half_way = membership.renewed_at + (membership.expires_at - membership.renewed_at) / 2
    changes.apply_plan_change(
        db,
        membership.id,
        membership.version,
        products["starter"],
        ctx=CTX,
        customer=customer_row(db, customers["alice"]),
        actor=SYSTEM,
        now=half_way,
    )
    changed = get_membership(db, membership.id)
    assert Decimal("9") < changed.credit < Decimal("20")  # (29 - 9) × about a half
    renewals = membership_jobs.issue_due_renewals(db, CTX, changed.expires_at, 0)
    renewal = next(i for i in renewals if i.membership_id == membership.id)
    assert renewal.total == Decimal("0.00")  # 9.00 renewal fully covered by the credit
    assert get_membership(db, membership.id).credit == changed.credit - Decimal("9.00")


def test_stale_version_is_a_conflict_and_changes_nothing(db, customers):
    products, membership, _ = fresh_membership(db, customers["alice"], "starter")
    with pytest.raises(Conflict):
        changes.apply_plan_change(
            db,
            membership.id,
            membership.version + 5,
            products["business"],
            ctx=CTX,
            customer=customer_row(db, customers["alice"]),
            actor=SYSTEM,
            now=membership.renewed_at,
        )
    assert get_membership(db, membership.id).plan_id == products["starter"]


def test_plans_outside_the_group_and_non_plans_are_refused(db, customers):
    products, membership, _ = fresh_membership(db, customers["alice"], "starter")
    for bad in (products["extra-5-gb-disk"], products["logo-design"], 999999):
        with pytest.raises(Invalid):
            changes.plan_change(db, membership, bad, membership.renewed_at)


def test_buying_a_package_adds_it_and_keeps_the_plan(db, customers):
    products, membership, _ = fresh_membership(db, customers["alice"], "starter")
    invoice = changes.apply_package_purchase(
        db,
        membership.id,
        membership.version,
        products["extra-5-gb-disk"],
        ctx=CTX,
        customer=customer_row(db, customers["alice"]),
        actor=SYSTEM,
        now=membership.renewed_at,
    )
    changed = get_membership(db, membership.id)
    assert changed.plan_id == products["starter"]
    assert [(p.product_id, p.quantity) for p in changed.packages] == [
        (products["extra-5-gb-disk"], 1)
    ]
    assert changed.recurring_amount == Decimal("14.00")
    assert invoice.reason == "package" and invoice.total == Decimal("5.00")
    limits = changes.limits_of(db, changed, changes.catalog.get_product(db, changed.plan_id))
    assert limits["disk_mb"] == 1000 + 5120


def test_expiry_after_grace_and_scheduled_cancellation(db, customers):
    _, membership, _ = fresh_membership(db, customers["alice"], "starter")
    within_grace = membership.expires_at + timedelta(days=3)
    assert membership.id not in [m.id for m in membership_jobs.expire_overdue(db, within_grace, 7)]
    expired = membership_jobs.expire_overdue(db, membership.expires_at + timedelta(days=8), 7)
    assert membership.id in [m.id for m in expired]
    assert get_membership(db, membership.id).status == "expired"
    actions = [e["action"] for e in history(db, "membership", membership.id)]
    assert actions[0] == "membership.expired" and "membership.created" in actions

    _, bob_membership, _ = fresh_membership(db, customers["bob"], "starter")
    db.execute(
        "UPDATE wp_sidecar_memberships SET cancel_at_period_end = 1 WHERE id = %s",
        (bob_membership.id,),
    )
    cancelled = membership_jobs.apply_scheduled_cancellations(
        db, bob_membership.expires_at + timedelta(seconds=1)
    )
    assert [m.id for m in cancelled] == [bob_membership.id]


def test_two_concurrent_changes_exactly_one_applies(settings, migrated, customers):
    """Two people confirm a change of the same membership at the same moment."""
    setup = connect(settings.database)
    products, membership, _ = fresh_membership(setup, customers["bob"], "starter")
    customer = customer_row(setup, customers["bob"])
    barrier, outcomes = threading.Barrier(2), []

    def confirm(plan_slug):
        conn = connect(settings.database)
        try:
            barrier.wait()
            changes.apply_plan_change(
                conn,
                membership.id,
                membership.version,
                products[plan_slug],
                ctx=CTX,
                customer=customer,
                actor=SYSTEM,
                now=membership.renewed_at,
            )
            outcomes.append("applied")
        except Conflict:
            outcomes.append("conflict")
        finally:
            conn.close()

    threads = [threading.Thread(target=confirm, args=(slug,)) for slug in ("business", "agency")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(outcomes) == ["applied", "conflict"]
        final = get_membership(setup, membership.id)
        charges = [i for i in list_for_customer(setup, customer["id"]) if i.reason == "change"]
        assert len(charges) == 1, "no double charge"
        assert final.version == membership.version + 1
    finally:
        reset_customer(setup, customers["bob"]["user_id"])
        setup.close()


def test_a_renewal_discount_code_keeps_applying_after_a_plan_change(db, customers):
    from sidecar.domain.discounts import create_code
    from sidecar.domain.membership_start import Order, start_membership

    products, _, _ = fresh_membership(db, customers["alice"], "starter")
    reset_customer(db, customers["alice"]["user_id"])
    create_code(
        db,
        {"code": "LOYAL20", "kind": "percent", "amount": "20", "applies_to_renewals": True},
        SYSTEM,
    )
    membership, invoice = start_membership(
        db,
        Order(products["starter"], discount_code="loyal20"),
        customer=customer_row(db, customers["alice"]),
        blog_id=customers["alice"]["blog_id"],
        ctx=CTX,
        actor=SYSTEM,
        now=membership_now(),
    )
    assert invoice.total == Decimal("7.20") and membership.recurring_amount == Decimal("7.20")
    changes.apply_plan_change(
        db,
        membership.id,
        membership.version,
        products["business"],
        ctx=CTX,
        customer=customer_row(db, customers["alice"]),
        actor=SYSTEM,
        now=membership_now(),
    )
    assert get_membership(db, membership.id).recurring_amount == Decimal("23.20")  # 29 − 20 %


def test_a_package_in_another_currency_is_refused(db, customers):
    from sidecar.domain.catalog import create_product

    _, membership, _ = fresh_membership(db, customers["alice"], "starter")
    dollars = create_product(
        db,
        {
            "type": "package",
            "name": "US backup",
            "price": "3",
            "currency": "USD",
            "billing_period": "month",
            "limits": {"disk_mb": 100},
        },
        SYSTEM,
    )
    with pytest.raises(Invalid) as refused:
        changes.apply_package_purchase(
            db,
            membership.id,
            membership.version,
            dollars.id,
            ctx=CTX,
            customer=customer_row(db, customers["alice"]),
            actor=SYSTEM,
            now=membership_now(),
        )
    assert "package_id" in refused.value.errors
    assert get_membership(db, membership.id).packages == ()


def membership_now():
    from sidecar.domain.clock import utcnow

    return utcnow()
