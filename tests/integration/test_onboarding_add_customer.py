"""Add Customer on the real network: WordPress creates the user and the site (shim), the
template's manager joins the site with its role, the membership has the template's plan and
is invoiced to the payer, webhooks fire; editing the template afterwards changes nothing for
that customer; a failure after the user exists leaves nothing behind."""

# ruff: noqa: F811 (pytest fixtures imported from onboarding_support are parameters here)

from __future__ import annotations

import uuid

import pytest

from sidecar.domain import onboarding, onboarding_customer, webhook_delivery, webhooks
from sidecar.domain.add_customer import add_customer
from sidecar.domain.customers import ensure_customer
from sidecar.domain.events import SYSTEM, Actor
from sidecar.domain.memberships import membership_for_site
from sidecar.errors import Invalid
from sidecar.store import onboarding_snapshots
from sidecar.wp_bridge.rest import RestError
from sidecar.wp_bridge.tables.users import find_users_by_email, get_user, user_roles

from ..billing_fixtures import CTX
from .onboarding_support import NET, bridge, committed, made, make_template, plans  # noqa: F401 (fixtures)
from .webhook_receiver import Receiver

pytestmark = pytest.mark.integration
ADMIN = Actor("admin", 1, "test")


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def _form(template_id, **changes):
    name = f"o{uuid.uuid4().hex[:8]}"
    return {
        "template_id": template_id,
        "name": f"Olga {name}",
        "email": f"{name}@example.test",
        "username": name,
        "site_path": name,
        "site_title": f"Shop {name}",
        "password": "",
        **changes,
    }


def _state(db, added) -> dict:
    """Everything the template applied to a customer, read back from the database."""
    membership = membership_for_site(db, added.blog_id)
    invoices = db.fetch_all(
        "SELECT customer_id FROM wp_sidecar_invoices WHERE membership_id = %s", (membership.id,)
    )
    return {
        "plan_id": membership.plan_id,
        "recurring": membership.recurring_amount,
        "billed_to": [row["customer_id"] for row in invoices],
        "payer": onboarding_snapshots.payer_of(db, membership.id),
        "bob_roles": user_roles(db, 3, added.blog_id),
        "snapshot": onboarding_snapshots.get(db, added.customer_id)["snapshot"],
        "hooks": sorted(
            r["webhook_id"]
            for r in db.fetch_all(
                "SELECT webhook_id FROM wp_sidecar_customer_webhooks WHERE customer_id = %s",
                (added.customer_id,),
            )
        ),
    }


def test_add_customer_applies_the_template_and_later_edits_change_nothing(
    bridge,
    plans,
    made,
    created,
    receiver,
    customers,
):
    db = bridge.db
    payer = ensure_customer(db, get_user(db, customers["alice"]["user_id"]))
    hook, receiver.secret = webhooks.create_webhook(
        db,
        NET,
        {"name": "CRM", "url": receiver.url, "events": ["customer.created"], "scope": "customers"},
        SYSTEM,
    )
    made["webhooks"].append(hook["id"])
    template = make_template(
        db,
        made,
        name=f"Partner {uuid.uuid4().hex[:6]}",
        plan_id=plans["starter"],
        payer_customer_id=payer["id"],
        managers=[{"user_id": 3, "role": "editor"}],  # bob manages every new site
        webhook_ids=[hook["id"]],
    )
    added = add_customer(bridge, _form(template["id"]), ctx=CTX, actor=ADMIN, now=None)
    created["users"].append(added.user_id)
    created["blogs"].append(added.blog_id)
    made["customers"].append(added.customer_id)

    assert user_roles(db, added.user_id, added.blog_id) == ["administrator"]
    before = _state(db, added)
    assert before["plan_id"] == plans["starter"]
    assert before["billed_to"] == [payer["id"]] and before["payer"] == payer["id"]
    assert before["bob_roles"] == ["editor"]
    assert before["hooks"] == [hook["id"]]
    assert added.password  # generated, shown once

    assert webhook_delivery.deliver_due(db, timeout=5, max_attempts=3) >= 1
    (got,) = [r for r in receiver.received if r["event"] == "customer.created"]
    assert got["verified"] and got["body"]["data"]["blog_id"] == added.blog_id

    onboarding.update_template(
        db,
        NET,
        template["id"],
        {
            "name": template["name"] + " v2",
            "plan_id": plans["business"],
            "payer_customer_id": None,
            "managers": [{"user_id": 3, "role": "author"}],
            "webhook_ids": [],
        },
        SYSTEM,
    )
    assert _state(db, added) == before

    # everything stays editable afterwards: the payer and the webhooks attached
    membership = membership_for_site(db, added.blog_id)
    setup = onboarding_customer.update_customer_setup(
        db, NET, added.customer_id, {"payers": {membership.id: None}, "webhook_ids": []}, ADMIN
    )
    assert setup["webhook_ids"] == [] and setup["memberships"][0]["payer_customer_id"] is None
    assert setup["snapshot"]["template_name"] == template["name"]  # what was applied, unchanged
    with pytest.raises(Invalid):
        onboarding_customer.update_customer_setup(
            db, NET, added.customer_id, {"payers": {membership.id: added.customer_id}}, ADMIN
        )


def test_a_failure_after_the_user_exists_deletes_it_again(bridge, plans, made):
    template = make_template(bridge.db, made, name=f"Plain {uuid.uuid4().hex[:6]}")
    form = _form(template["id"], site_path="www")  # WordPress refuses this site name
    with pytest.raises(Invalid) as refused:
        add_customer(bridge, form, ctx=CTX, actor=ADMIN, now=None)
    assert "site_path" in refused.value.errors
    assert find_users_by_email(bridge.db, form["email"]) == []


def test_taken_username_email_and_address_create_nothing(
    bridge,
    made,
    customers,
):
    alice = customers["alice"]
    template = make_template(bridge.db, made, name=f"Plain {uuid.uuid4().hex[:6]}")
    form = _form(
        template["id"], username="alice", email=alice["email"], site_path=alice["site_path"]
    )
    with pytest.raises(Invalid) as refused:
        add_customer(bridge, form, ctx=CTX, actor=ADMIN, now=None)
    assert set(refused.value.errors) == {"username", "email", "site_path"}
    with pytest.raises(Invalid) as no_template:
        add_customer(bridge, _form(None), ctx=CTX, actor=ADMIN, now=None)
    assert "template_id" in no_template.value.errors
    unknown_site_template = _form(template["id"], site_template_id=999999)
    with pytest.raises(Invalid) as refused_site_template:
        add_customer(bridge, unknown_site_template, ctx=CTX, actor=ADMIN, now=None)
    assert "site_template_id" in refused_site_template.value.errors
    assert find_users_by_email(bridge.db, unknown_site_template["email"]) == []


def test_the_members_route_refuses_unknown_sites_users_and_roles(bridge, customers):
    alice, bob = customers["alice"], customers["bob"]
    for blog_id, user_id, role, status in (
        (999999, bob["user_id"], "editor", 404),
        (alice["blog_id"], 999999, "editor", 400),
        (alice["blog_id"], bob["user_id"], "no-such-role", 400),
        (alice["blog_id"], bob["user_id"], "Bad Role", 400),
    ):
        with pytest.raises(RestError) as refused:
            bridge.shim.add_member(blog_id, user_id, role)
        assert refused.value.status == status
    assert user_roles(bridge.db, bob["user_id"], alice["blog_id"]) == []
