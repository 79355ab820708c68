"""An Expired membership's site answers with WordPress's suspended page (archived through the
shim); once the membership is paid again the site serves again. Events record both."""

import pytest
import requests

from sidecar.domain import memberships
from sidecar.domain.billing import invoice_membership, settle_invoice
from sidecar.domain.events import SYSTEM, history
from sidecar.domain.invoices import InvoiceLine
from sidecar.domain.membership_admin import set_status
from sidecar.jobs import limits_jobs
from sidecar.store import suspensions
from sidecar.wp_bridge.db import connect
from sidecar.wp_bridge.tables.sites import get_site

from ..billing_fixtures import CTX, fresh_membership

pytestmark = pytest.mark.integration


@pytest.fixture
def committed(settings, migrated, customers):
    conn = connect(settings.database)
    yield conn
    blog = customers["bob"]["blog_id"]
    suspensions.remove(conn, blog)
    conn.execute("UPDATE wp_blogs SET archived = 0 WHERE blog_id = %s", (blog,))
    conn.close()


def front_page(customer):
    return requests.get(customer["site_url"], timeout=20, allow_redirects=False)


def test_expired_site_is_suspended_and_served_again_after_payment(settings, customers, committed):
    bob = customers["bob"]
    _, membership, _ = fresh_membership(committed, bob, "starter")
    assert front_page(bob).status_code == 200

    set_status(committed, membership.id, membership.version, "expired", SYSTEM)
    assert limits_jobs.enforcement(settings, committed, None) == 1
    assert get_site(committed, bob["blog_id"]).archived
    suspended = front_page(bob)
    assert suspended.status_code == 410
    assert "This site has been archived or suspended." in suspended.text
    assert limits_jobs.enforcement(settings, committed, None) == 0  # nothing more to do

    expired = memberships.get_membership(committed, membership.id)
    customer = committed.fetch_one(
        "SELECT * FROM wp_sidecar_customers WHERE id = %s", (expired.customer_id,)
    )
    invoice = invoice_membership(
        committed, CTX, expired, customer, SYSTEM, "renewal", [InvoiceLine("Starter", 1, 9)]
    )
    settle_invoice(committed, invoice.id, SYSTEM)
    assert memberships.get_membership(committed, membership.id).status == "active"
    assert limits_jobs.enforcement(settings, committed, None) == 1
    assert not get_site(committed, bob["blog_id"]).archived
    assert front_page(bob).status_code == 200
    actions = [e["action"] for e in history(committed, "site", bob["blog_id"])[:2]]
    assert actions == ["site.unsuspended", "site.suspended"]


def test_a_site_an_admin_archived_stays_archived(settings, customers, committed):
    bob = customers["bob"]
    _, membership, _ = fresh_membership(committed, bob, "starter")
    committed.execute("UPDATE wp_blogs SET archived = 1 WHERE blog_id = %s", (bob["blog_id"],))
    set_status(committed, membership.id, membership.version, "expired", SYSTEM)
    limits_jobs.enforcement(settings, committed, None)
    again = memberships.get_membership(committed, membership.id)
    set_status(committed, membership.id, again.version, "active", SYSTEM)
    limits_jobs.enforcement(settings, committed, None)
    assert get_site(committed, bob["blog_id"]).archived  # not ours to undo
    assert suspensions.get(committed, bob["blog_id"]) is None
