"""Network Admin → Add Customer in a real browser: the default onboarding template is
pre-selected, the admin picks another one; the new site exists with the template's manager as
a user, the membership has the template's plan and is invoiced to its payer, and the webhook
attached by the template receives a signed ``customer.created`` from the delivery job."""

# ruff: noqa: F811 (pytest fixtures imported from onboarding_support are parameters here)

from __future__ import annotations

import uuid

import pytest

from sidecar.domain import onboarding, webhooks
from sidecar.domain.customers import ensure_customer
from sidecar.domain.events import SYSTEM
from sidecar.domain.memberships import membership_for_site
from sidecar.jobs.registry import find
from sidecar.jobs.runner import run_job
from sidecar.store import onboarding_snapshots
from sidecar.wp_bridge.tables.users import find_users_by_email, get_user, user_roles

from ..integration.onboarding_support import NET, committed, made, make_template, plans  # noqa: F401 (fixtures)
from ..integration.webhook_receiver import Receiver
from .conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def test_add_customer_with_a_non_default_template(
    new_page,
    network,
    settings,
    committed,
    plans,
    made,
    created,
    customers,
    receiver,
    sidecar_url,
):
    db, tag = committed, uuid.uuid4().hex[:6]
    alice, bob = customers["alice"], customers["bob"]
    payer = ensure_customer(db, get_user(db, alice["user_id"]))
    hook, receiver.secret = webhooks.create_webhook(
        db,
        NET,
        {
            "name": f"CRM {tag}",
            "url": receiver.url,
            "events": ["customer.created"],
            "scope": "customers",
        },
        SYSTEM,
    )
    made["webhooks"].append(hook["id"])
    default = make_template(db, made, name=f"Standard {tag}", plan_id=plans["starter"])
    partner = make_template(
        db,
        made,
        name=f"Partner {tag}",
        plan_id=plans["business"],
        payer_customer_id=payer["id"],
        managers=[{"user_id": bob["user_id"], "role": "editor"}],
        webhook_ids=[hook["id"]],
    )
    onboarding.set_default(db, NET, default["id"], SYSTEM)

    name = f"n{tag}"
    page = new_page()
    log_in(page, network["url"], network["admin"]["login"], network["admin"]["password"])
    page.goto(
        f"{network['url'].rstrip('/')}/wp-admin/network/admin.php?page=sidecar-network&sc=%2Fadd-customer"
    )
    page.wait_for_selector("#sidecar-add-customer-step1")
    assert page.is_checked(f"input[name=template_id][value='{default['id']}']")
    page.check(f"input[name=template_id][value='{partner['id']}']")
    page.click("#sidecar-continue")
    page.wait_for_selector("#sidecar-add-customer-form")
    assert f"Partner {tag}" in page.inner_text("#sidecar-chosen-template")
    page.fill("#sidecar-name", "Nora Nieuw")
    page.fill("#sidecar-email", f"{name}@example.test")
    page.fill("#sidecar-username", name)
    page.fill("#sidecar-site-path", name)
    page.fill("#sidecar-site-title", "Nora's Noodles")
    page.click("#sidecar-create-customer")
    page.wait_for_selector("#sidecar-customer-added")

    (user,) = find_users_by_email(db, f"{name}@example.test")
    created["users"].append(user.id)
    blog_id = int(page.get_attribute("#sidecar-new-site", "data-blog"))
    created["blogs"].append(blog_id)
    customer_id = int(page.get_attribute("[data-customer]", "data-customer"))
    made["customers"].append(customer_id)

    assert user_roles(db, user.id, blog_id) == ["administrator"]
    assert user_roles(db, bob["user_id"], blog_id) == ["editor"]  # the manager is a user there
    membership = membership_for_site(db, blog_id)
    assert membership.plan_id == plans["business"] and membership.customer_id == customer_id
    billed = db.fetch_all(
        "SELECT customer_id FROM wp_sidecar_invoices WHERE membership_id = %s", (membership.id,)
    )
    assert [row["customer_id"] for row in billed] == [payer["id"]]
    assert onboarding_snapshots.get(db, customer_id)["template_id"] == partner["id"]

    assert run_job(settings, find("webhooks.deliver")) >= 1
    (got,) = [r for r in receiver.received if r["event"] == "customer.created"]
    assert got["verified"]
    assert got["body"]["data"]["blog_id"] == blog_id
    assert got["body"]["data"]["onboarding_template_id"] == partner["id"]


def test_templates_are_created_made_default_and_protected_in_the_browser(
    new_page, network, committed, plans, made, sidecar_url
):
    tag = uuid.uuid4().hex[:6]
    page = new_page()
    log_in(page, network["url"], network["admin"]["login"], network["admin"]["password"])
    base = f"{network['url'].rstrip('/')}/wp-admin/network/admin.php?page=sidecar-network"
    names = [f"First {tag}", f"Second {tag}"]
    for name in names:
        page.goto(f"{base}&sc=%2Fonboarding%2Fnew")
        page.fill("#sidecar-name", name)
        page.select_option("#sidecar-plan", str(plans["starter"]))
        page.locator("select[name=manager_user_id]").first.select_option("3")
        page.locator("select[name=manager_role]").first.select_option("author")
        page.click("#sidecar-save-onboarding")
        page.wait_for_selector("#sidecar-done")
    ids = {
        t["name"]: t["id"] for t in onboarding.list_templates(committed, NET) if tag in t["name"]
    }
    made["templates"].extend(ids.values())
    second = page.locator(f"tr[data-template='{ids[names[1]]}']")
    second.locator("[data-action=default]").click()
    page.wait_for_selector("#sidecar-done")
    assert onboarding.default_template_id(committed, NET) == ids[names[1]]
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(f"tr[data-template='{ids[names[1]]}'] [data-action=delete]").click()
    page.wait_for_selector("#sidecar-refused")  # the default: choose another one first
    assert onboarding.default_template_id(committed, NET) == ids[names[1]]
    assert "bob (author)" in page.inner_text(f"tr[data-template='{ids[names[0]]}']")
