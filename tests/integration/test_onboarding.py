"""Onboarding templates on the real database: exactly one default per network, enforced by the
database and under concurrent "set default" requests; the default is deleted only after
another one is chosen; input is refused with a message per field."""

# ruff: noqa: F811 (pytest fixtures imported from onboarding_support are parameters here)

from __future__ import annotations

import json
import threading

import pymysql
import pytest

from sidecar.domain import onboarding, onboarding_payer
from sidecar.domain.customers import ensure_customer
from sidecar.domain.events import SYSTEM
from sidecar.domain.membership_changes import apply_plan_change
from sidecar.errors import Conflict, Invalid
from sidecar.store import customers as customer_store
from sidecar.store import onboarding_templates as store
from sidecar.wp_bridge.db import connect
from sidecar.wp_bridge.tables.users import get_user

from ..billing_fixtures import CTX, fresh_membership
from .onboarding_support import NET, committed, made, make_template, plans  # noqa: F401 (fixtures)

pytestmark = pytest.mark.integration


def _defaults(db) -> list[int]:
    return [t["id"] for t in onboarding.list_templates(db, NET) if t["is_default"]]


def test_the_database_refuses_a_second_default(db):
    first = onboarding.create_template(db, NET, {"name": "One"}, SYSTEM)
    second = onboarding.create_template(db, NET, {"name": "Two"}, SYSTEM)
    onboarding.set_default(db, NET, first["id"], SYSTEM)
    with pytest.raises(pymysql.err.IntegrityError), db.transaction():
        store.mark_default(db, second["id"])
    assert _defaults(db) == [first["id"]]


def test_the_first_template_becomes_the_default(db):
    existing = onboarding.list_templates(db, NET)
    template = onboarding.create_template(db, NET, {"name": "Only"}, SYSTEM)
    assert template["is_default"] is (not existing)
    assert len(_defaults(db)) == 1


def test_concurrent_set_default_leaves_exactly_one(settings, committed, made):
    templates = [make_template(committed, made, name=f"Race {n}") for n in range(4)]
    barrier = threading.Barrier(2)
    errors = []

    def worker(template_id):
        conn = connect(settings.database)
        try:
            for _ in range(15):
                barrier.wait(10)
                onboarding.set_default(conn, NET, template_id, SYSTEM)
        except Exception as error:
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(t["id"],)) for t in templates[2:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert len(_defaults(committed)) == 1
    assert _defaults(committed)[0] in (templates[2]["id"], templates[3]["id"])


def test_the_default_is_deleted_only_after_another_is_chosen(db):
    first = onboarding.create_template(db, NET, {"name": "A"}, SYSTEM)
    second = onboarding.create_template(db, NET, {"name": "B"}, SYSTEM)
    onboarding.set_default(db, NET, first["id"], SYSTEM)
    with pytest.raises(Conflict, match="another template the default first"):
        onboarding.delete_template(db, NET, first["id"], SYSTEM)
    onboarding.set_default(db, NET, second["id"], SYSTEM)
    onboarding.delete_template(db, NET, first["id"], SYSTEM)
    assert _defaults(db) == [second["id"]]


def test_bad_input_names_each_field(db):
    with pytest.raises(Invalid) as refused:
        onboarding.create_template(
            db,
            NET,
            {
                "name": "",
                "plan_id": 999999,
                "payer_customer_id": 999999,
                "managers": [{"user_id": 999999, "role": "administrator"}],
                "webhook_ids": [999999],
            },
            SYSTEM,
        )
    assert set(refused.value.errors) == {
        "name",
        "plan_id",
        "payer_customer_id",
        "managers",
        "webhook_ids",
    }
    onboarding.create_template(db, NET, {"name": "Same"}, SYSTEM)
    with pytest.raises(Invalid) as duplicate:
        onboarding.create_template(db, NET, {"name": "Same"}, SYSTEM)
    assert "name" in duplicate.value.errors


def test_a_package_is_not_a_plan(db, plans):
    with pytest.raises(Invalid) as refused:
        onboarding.create_template(
            db, NET, {"name": "P", "plan_id": plans["extra-5-gb-disk"]}, SYSTEM
        )
    assert "plan_id" in refused.value.errors


def test_invoices_of_a_membership_with_a_payer_go_to_the_payer(db, customers):
    products, membership, invoice = fresh_membership(db, customers["bob"], "starter")
    assert invoice.customer_id == membership.customer_id  # no payer: the customer pays
    payer = ensure_customer(db, get_user(db, customers["alice"]["user_id"]))
    onboarding_payer.set_payer(db, membership.id, payer["id"])
    change = apply_plan_change(
        db,
        membership.id,
        membership.version,
        products["business"],
        ctx=CTX,
        customer=customer_store.get(db, membership.customer_id),
        actor=SYSTEM,
        now=membership.renewed_at,
    )
    assert change.due_now > 0
    billed = db.fetch_all(
        "SELECT customer_id, billing_address FROM wp_sidecar_invoices WHERE membership_id = %s"
        " ORDER BY id",
        (membership.id,),
    )
    assert [row["customer_id"] for row in billed] == [membership.customer_id, payer["id"]]
    assert json.loads(billed[1]["billing_address"])["billing_name"] == payer["billing_name"]
