"""Network Admin → Onboarding, Webhooks, Events and Add Customer over HTTP (as the shim
proxies them), and the JSON API for templates, webhooks and events."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from sidecar.domain.api_keys import create_key
from sidecar.store import onboarding_templates as template_store
from sidecar.wp_bridge.db import connect

from .shim_double import assertion_header, csrf_in, signed_request

pytestmark = pytest.mark.integration
TAG = f"ob{uuid.uuid4().hex[:6]}"


@pytest.fixture
def database(settings, migrated):
    """A committing connection; removes the templates and webhooks the tests made."""
    db = connect(settings.database)
    yield db
    for row in db.fetch_all(
        "SELECT id FROM wp_sidecar_onboarding_templates WHERE name LIKE %s", (f"{TAG}%",)
    ):
        template_store.delete(db, row["id"])
    for row in db.fetch_all("SELECT id FROM wp_sidecar_webhooks WHERE name LIKE %s", (f"{TAG}%",)):
        from sidecar.store import webhooks as webhook_store

        webhook_store.delete(db, row["id"])
    db.close()


@pytest.fixture
def api_key(database):
    key = create_key(database, "onboarding test")
    yield key
    database.execute("DELETE FROM wp_sidecar_api_keys WHERE key_id = %s", (key.split("_")[1],))


def call(sidecar_url, network, path, *, data=None):
    """GET (or POST ``data`` with a fresh CSRF token) as the super admin."""
    method = "POST" if data is not None else "GET"
    if data is not None:
        data = {**data, "csrf_token": _token(sidecar_url, network)}
    return signed_request(
        sidecar_url, network, path, method, data, timeout=30, aud="network", sub=1, blog=0
    )


def _token(sidecar_url, network):
    page = call(sidecar_url, network, "/network/onboarding/new")
    return csrf_in(page)


def api(sidecar_url, key, method, path, **kwargs):
    headers = {"Authorization": f"Bearer {key}"}
    return requests.request(
        method, f"{sidecar_url}/api/v1{path}", headers=headers, timeout=30, **kwargs
    )


def test_template_form_creates_edits_and_refuses_bad_input(sidecar_url, network, database):
    refused = call(sidecar_url, network, "/network/onboarding", data={"name": ""})
    assert refused.status_code == 400 and "Nothing was saved" in refused.text
    form = {
        "name": f"{TAG} Agency",
        "description": "Small shops",
        "manager_user_id": ["3", ""],
        "manager_role": ["editor", "administrator"],
    }
    created = call(sidecar_url, network, "/network/onboarding", data=form)
    assert created.status_code == 303
    row = template_store.find_by_name(database, 1, f"{TAG} Agency")
    assert [(m["user_id"], m["role"]) for m in template_store.managers(database, [row["id"]])] == [
        (3, "editor")
    ]
    listing = call(sidecar_url, network, "/network/onboarding")
    assert f"{TAG} Agency" in listing.text and "bob (editor)" in listing.text
    edit = call(sidecar_url, network, f"/network/onboarding/{row['id']}")
    assert edit.status_code == 200 and "Small shops" in edit.text
    step1 = call(sidecar_url, network, "/network/add-customer")
    assert f"{TAG} Agency" in step1.text
    step2 = call(sidecar_url, network, f"/network/add-customer/details?template_id={row['id']}")
    assert step2.status_code == 200 and 'name="site_path"' in step2.text
    bad = call(
        sidecar_url,
        network,
        "/network/add-customer",
        data={"template_id": str(row["id"]), "name": "X", "email": "nope", "username": "A!"},
    )
    assert bad.status_code == 400
    assert "Enter a valid email address." in bad.text and "Nothing was created" in bad.text


def test_post_without_csrf_is_refused(sidecar_url, network):
    headers = assertion_header(
        network, aud="network", sub=1, blog=0, path="/network/onboarding", method="POST"
    )
    answer = requests.post(
        f"{sidecar_url}/network/onboarding", headers=headers, data={"name": "x"}, timeout=10
    )
    assert answer.status_code in (400, 403)


def test_webhook_pages_show_the_secret_once(sidecar_url, network, database):
    form = {
        "name": f"{TAG} CRM",
        "url": "http://127.0.0.1:9/hook",
        "events": ["test"],
        "active": "1",
    }
    created = call(sidecar_url, network, "/network/webhooks", data=form)
    assert created.status_code == 200
    secret = re.search(r'data-field="secret">(whsec_[0-9a-f]+)<', created.text)[1]
    hook_id = database.fetch_value(
        "SELECT id FROM wp_sidecar_webhooks WHERE name = %s", (form["name"],)
    )
    page = call(sidecar_url, network, f"/network/webhooks/{hook_id}")
    assert page.status_code == 200 and secret not in page.text
    queued = call(sidecar_url, network, f"/network/webhooks/{hook_id}/test", data={})
    assert queued.status_code == 303
    page = call(sidecar_url, network, f"/network/webhooks/{hook_id}")
    assert "Waiting" in page.text
    delivery_id = re.search(r'data-delivery="(\d+)"', page.text)[1]
    retry = call(
        sidecar_url, network, f"/network/webhooks/{hook_id}/deliveries/{delivery_id}/retry", data={}
    )
    assert retry.status_code == 303 and "done=retry" in retry.headers["Location"]


def test_event_log_page_filters_and_pages(sidecar_url, network):
    page = call(sidecar_url, network, "/network/events?subject_type=product")
    assert page.status_code == 200 and 'id="sidecar-events"' in page.text
    bad = call(sidecar_url, network, "/network/events?since=2026-05-02&until=2026-05-01")
    assert bad.status_code == 400 and "end date" in bad.text
    moved = call(sidecar_url, network, "/network/events", data={"action": "x.y", "text": "a b"})
    assert moved.status_code == 303 and "action=x.y" in moved.headers["Location"]


def test_api_templates_webhooks_and_events(sidecar_url, api_key):
    one = api(sidecar_url, api_key, "POST", "/onboarding-templates/", json={"name": f"{TAG} A"})
    two = api(
        sidecar_url,
        api_key,
        "POST",
        "/onboarding-templates/",
        json={"name": f"{TAG} B", "managers": [{"user_id": 3, "role": "author"}]},
    )
    assert one.status_code == 201 and two.status_code == 201, two.text
    two_id = two.json()["id"]
    assert api(sidecar_url, api_key, "POST", f"/onboarding-templates/{two_id}/default").json()[
        "is_default"
    ]
    listed = api(sidecar_url, api_key, "GET", "/onboarding-templates/").json()["items"]
    assert [t["id"] for t in listed if t["is_default"]] == [two_id]
    refused = api(sidecar_url, api_key, "DELETE", f"/onboarding-templates/{two_id}")
    assert refused.status_code == 409
    updated = api(
        sidecar_url, api_key, "PUT", f"/onboarding-templates/{two_id}", json={"name": f"{TAG} C"}
    )
    assert updated.json()["name"] == f"{TAG} C" and updated.json()["managers"] == []
    bad = api(sidecar_url, api_key, "POST", "/onboarding-templates/", json={"name": ""})
    assert bad.status_code in (400, 422)

    hook = api(
        sidecar_url,
        api_key,
        "POST",
        "/webhooks/",
        json={"name": f"{TAG} hook", "url": "https://example.test/h", "events": ["payment.paid"]},
    )
    assert hook.status_code == 201 and hook.json()["secret"].startswith("whsec_")
    hook_id = hook.json()["id"]
    assert "secret" not in api(sidecar_url, api_key, "GET", f"/webhooks/{hook_id}").json()
    assert api(sidecar_url, api_key, "POST", f"/webhooks/{hook_id}/test").status_code == 202
    (delivery,) = api(sidecar_url, api_key, "GET", f"/webhooks/{hook_id}/deliveries").json()[
        "items"
    ]
    assert delivery["event_type"] == "test" and delivery["status"] == "pending"

    events = api(
        sidecar_url, api_key, "GET", "/events/", params={"subject_type": "onboarding_template"}
    ).json()
    assert events["total"] >= 3
    assert {"onboarding.created", "onboarding.default_set"} <= {
        e["action"] for e in events["items"]
    }
    renamed = next(e for e in events["items"] if e["action"] == "onboarding.updated")
    assert {"field": "name", "before": f"{TAG} B", "after": f"{TAG} C"} in renamed["diff"]
    assert api(sidecar_url, api_key, "DELETE", f"/webhooks/{hook_id}").status_code == 204


def test_customer_setup_page(sidecar_url, network, database, customers):
    from sidecar.domain.customers import ensure_customer
    from sidecar.wp_bridge.tables.users import get_user

    row = ensure_customer(database, get_user(database, customers["bob"]["user_id"]))
    page = call(sidecar_url, network, f"/network/onboarding/customers/{row['id']}")
    assert page.status_code == 200 and 'id="sidecar-setup-form"' in page.text
    assert "not added with an onboarding template" in page.text
    bad = call(
        sidecar_url, network, f"/network/onboarding/customers/{row['id']}", data={"payer_x": "1"}
    )
    assert bad.status_code == 400
    assert call(sidecar_url, network, "/network/onboarding/customers/99999999").status_code == 404
