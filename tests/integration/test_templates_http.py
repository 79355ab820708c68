# ruff: noqa: F811  (pytest fixtures imported from template_fixtures are used as arguments)
"""Account → Change Site Template, Network Admin → Templates and the JSON API over HTTP against
the running sidecar (as the shim sends them), with the real engine switching a real site."""

import html
import re
import secrets

import pytest
import requests

from sidecar.domain.api_keys import create_key
from sidecar.store import site_templates as store
from sidecar.wp_bridge.tables.users import find_users_by_email

from ..billing_fixtures import reset_customer
from ..template_fixtures import (  # noqa: F401  (fixtures)
    BAKERY_POST,
    CAROL_POST,
    template_world,
    templating,
    wait_idle,
)
from .shim_double import assertion_header, csrf_in, signed_request

pytestmark = pytest.mark.integration


def call(sidecar_url, network, user, blog, path, method="GET", data=None, aud="account"):
    return signed_request(
        sidecar_url, network, path, method, data, timeout=30, aud=aud, sub=user, blog=blog
    )


def as_carol(sidecar_url, network, t, path, method="GET", data=None):
    carol = t.world.carol
    return call(sidecar_url, network, carol["user_id"], carol["blog_id"], path, method, data)


def as_admin(sidecar_url, network, path, method="GET", data=None):
    return call(
        sidecar_url, network, network["admin"]["user_id"], 0, path, method, data, aud="network"
    )


def csrf(page) -> str:
    return csrf_in(page)


def text(page) -> str:
    return html.unescape(page.text)


def nothing_requested(t, blog_id: int) -> bool:
    """No switch or undo was requested for the site in this test (and none is running)."""
    asked = t.wp.db.fetch_value(
        "SELECT COUNT(*) FROM wp_sidecar_site_template_uses WHERE blog_id = %s", (blog_id,)
    )
    latest = wait_idle(t.wp.db, blog_id, seconds=1)
    return asked == 0 and (latest is None or latest["state"] in ("done", "failed"))


def post_titles(t, blog_path: str) -> list[str]:
    posts = t.wp.rest.get("/wp/v2/posts", params={"per_page": 50}, site_path=f"/{blog_path}/")
    return [html.unescape(p["title"]["rendered"]) for p in posts]


def test_the_block_lists_only_available_templates_with_previews(sidecar_url, network, templating):
    t = templating
    page = as_carol(sidecar_url, network, t, "/account/")
    assert page.status_code == 200
    assert 'id="sidecar-templates"' in page.text and "Change Site Template" in page.text
    assert f'data-template="{t.world.bakery}"' in page.text
    assert f'data-template="{t.world.studio}"' not in page.text  # Not Available
    assert 'src="https://example.test/bakery.png"' in page.text
    assert "Use this template" in page.text


def test_switching_off_hides_the_block_and_refuses_the_routes(sidecar_url, network, templating):
    t = templating
    store.save_allow_switching(t.wp.db, t.wp.network_id, False)
    page = as_carol(sidecar_url, network, t, "/account/")
    assert page.status_code == 200 and 'id="sidecar-templates"' not in page.text
    confirm = as_carol(sidecar_url, network, t, f"/account/templates/{t.world.bakery}")
    assert confirm.status_code == 403
    token = csrf(page)
    posted = as_carol(
        sidecar_url,
        network,
        t,
        f"/account/templates/{t.world.bakery}",
        "POST",
        {"csrf_token": token, "confirm": "1"},
    )
    assert posted.status_code == 403
    assert as_carol(sidecar_url, network, t, "/account/templates/progress").status_code == 403
    assert nothing_requested(t, t.world.carol["blog_id"])


def test_not_available_template_is_forbidden(sidecar_url, network, templating):
    t = templating
    confirm = as_carol(sidecar_url, network, t, f"/account/templates/{t.world.studio}")
    assert confirm.status_code == 403
    assert "not available for your plan" in text(confirm)
    token = csrf(as_carol(sidecar_url, network, t, "/account/"))
    posted = as_carol(
        sidecar_url,
        network,
        t,
        f"/account/templates/{t.world.studio}",
        "POST",
        {"csrf_token": token, "confirm": "1"},
    )
    assert posted.status_code == 403
    assert nothing_requested(t, t.world.carol["blog_id"])


def test_another_customers_site_is_not_found_or_refused(sidecar_url, network, templating):
    t = templating
    dave = t.world.dave
    # Dave's site is not a template: asking to switch onto it finds nothing.
    assert (
        as_carol(sidecar_url, network, t, f"/account/templates/{dave['blog_id']}").status_code
        == 404
    )
    # Carol cannot act on dave's site at all (the Account blueprint checks ownership).
    page = call(
        sidecar_url,
        network,
        t.world.carol["user_id"],
        dave["blog_id"],
        "/account/templates/progress",
    )
    assert page.status_code in (403, 404)
    assert nothing_requested(t, dave["blog_id"])


def test_process_switch_needs_the_csrf_token_and_the_toggle(sidecar_url, network, templating):
    t = templating
    path = f"/account/templates/{t.world.bakery}"
    no_token = as_carol(sidecar_url, network, t, path, "POST", {"confirm": "1"})
    assert no_token.status_code == 400
    confirm = as_carol(sidecar_url, network, t, path)
    assert confirm.status_code == 200
    assert "I understand my current content will be replaced." in text(confirm)
    assert "Process Switch" in confirm.text
    untoggled = as_carol(sidecar_url, network, t, path, "POST", {"csrf_token": csrf(confirm)})
    assert untoggled.status_code == 400
    assert "Confirm that your current content will be replaced." in text(untoggled)
    assert nothing_requested(t, t.world.carol["blog_id"])


def test_switch_progress_then_undo(sidecar_url, network, templating):
    t = templating
    carol = t.world.carol
    assert CAROL_POST in post_titles(t, carol["path"])
    path = f"/account/templates/{t.world.bakery}"
    confirm = as_carol(sidecar_url, network, t, path)
    started = as_carol(
        sidecar_url, network, t, path, "POST", {"csrf_token": csrf(confirm), "confirm": "1"}
    )
    assert started.status_code == 303
    assert started.headers["Location"].endswith("/account/templates/progress")
    progress = as_carol(sidecar_url, network, t, "/account/templates/progress")
    assert progress.status_code == 200
    assert "Copying the template" in text(progress) and "Rewriting addresses" in text(progress)
    status = as_carol(sidecar_url, network, t, "/account/templates/status").json()
    assert status["state"] in ("queued", "running", "done") and "error" not in status
    finished = wait_idle(t.wp.db, carol["blog_id"])
    assert finished["state"] == "done", finished
    titles = post_titles(t, carol["path"])
    assert BAKERY_POST in titles and CAROL_POST not in titles
    done = as_carol(sidecar_url, network, t, "/account/templates/progress")
    assert "Your site now uses the new template." in text(done)
    account = as_carol(sidecar_url, network, t, "/account/")
    assert "Your site is based on the template Bakery." in text(account)
    assert "Restore previous site" in account.text

    admin = as_admin(sidecar_url, network, "/network/templates")
    row = re.search(rf'<tr data-template="{t.world.bakery}">.*?</tr>', admin.text, re.S)[0]
    assert "1 site" in row

    undo_page = as_carol(sidecar_url, network, t, "/account/templates/undo")
    assert undo_page.status_code == 200
    undone = as_carol(
        sidecar_url,
        network,
        t,
        "/account/templates/undo",
        "POST",
        {"csrf_token": csrf(undo_page), "confirm": "1"},
    )
    assert undone.status_code == 303
    finished = wait_idle(t.wp.db, carol["blog_id"])
    assert finished["state"] == "done" and finished["kind"] == "undo", finished
    titles = post_titles(t, carol["path"])
    assert CAROL_POST in titles and BAKERY_POST not in titles
    account = as_carol(sidecar_url, network, t, "/account/")
    assert "Your site is based on the template" not in text(account)


def test_network_admin_tab_marks_and_sets_plans(sidecar_url, network, templating):
    t = templating
    page = as_admin(sidecar_url, network, "/network/templates")
    assert page.status_code == 200
    assert "Allow Template Switching" in page.text and 'id="sidecar-template-backups"' in page.text
    token = csrf(page)
    off = as_admin(
        sidecar_url, network, "/network/templates/settings", "POST", {"csrf_token": token}
    )
    assert off.status_code == 303 and not store.allow_switching(t.wp.db, t.wp.network_id)
    main = as_admin(
        sidecar_url,
        network,
        "/network/templates",
        "POST",
        {"csrf_token": token, "site_id": "1", "name": "Main"},
    )
    assert main.status_code == 400 and "The main site cannot be a template." in text(main)
    plan = as_admin(sidecar_url, network, f"/network/templates/plans/{t.business}")
    assert plan.status_code == 200 and "Choose Available Site Templates" in plan.text
    saved = as_admin(
        sidecar_url,
        network,
        f"/network/templates/plans/{t.business}",
        "POST",
        {
            "csrf_token": token,
            "allow_templates": "1",
            "mode": "choose",
            f"choice_{t.world.bakery}": "0",
            f"choice_{t.world.studio}": "1",
            "preselected_id": str(t.world.studio),
        },
    )
    assert saved.status_code == 303
    assert store.available_ids(t.wp.db, t.business) == {t.world.studio}
    no_csrf = as_admin(
        sidecar_url, network, "/network/templates/settings", "POST", {"allow_switching": "1"}
    )
    assert no_csrf.status_code == 400 and not store.allow_switching(t.wp.db, t.wp.network_id)


def test_api_lists_templates_and_refuses_not_available(sidecar_url, network, templating):
    t = templating
    key = create_key(t.wp.db, "templates test")
    headers = {"Authorization": f"Bearer {key}"}
    carol = t.world.carol["blog_id"]
    listed = requests.get(f"{sidecar_url}/api/v1/templates", headers=headers, timeout=20)
    assert listed.status_code == 200
    assert {t.world.bakery, t.world.studio} <= {i["id"] for i in listed.json()["items"]}
    mine = requests.get(
        f"{sidecar_url}/api/v1/templates?site_id={carol}", headers=headers, timeout=20
    ).json()
    assert [i["id"] for i in mine["items"]] == [t.world.bakery]
    state = requests.get(
        f"{sidecar_url}/api/v1/sites/{carol}/template", headers=headers, timeout=20
    ).json()
    assert state["can_switch"] is True and state["available_template_ids"] == [t.world.bakery]
    refused = requests.post(
        f"{sidecar_url}/api/v1/sites/{carol}/template/switch",
        json={"template_id": t.world.studio},
        headers=headers,
        timeout=20,
    )
    assert refused.status_code == 403
    missing = requests.get(
        f"{sidecar_url}/api/v1/sites/999999/template", headers=headers, timeout=20
    )
    assert missing.status_code == 404
    onto_template = requests.post(
        f"{sidecar_url}/api/v1/sites/{t.world.studio}/template/switch",
        json={"template_id": t.world.bakery},
        headers=headers,
        timeout=20,
    )
    assert onto_template.status_code == 403  # a template's own content is never replaced
    assert "is a template" in onto_template.json()["message"]
    store.save_allow_switching(t.wp.db, t.wp.network_id, False)
    off = requests.post(
        f"{sidecar_url}/api/v1/sites/{carol}/template/switch",
        json={"template_id": t.world.bakery},
        headers=headers,
        timeout=20,
    )
    assert off.status_code == 403
    never = t.world.dave["blog_id"]  # dave's site was never switched
    status = requests.get(
        f"{sidecar_url}/api/v1/sites/{never}/template/switch", headers=headers, timeout=20
    )
    assert status.status_code == 404


def test_admin_edits_a_template_and_resets_a_site_to_it(sidecar_url, network, templating):
    t = templating
    carol = t.world.carol
    edit = as_admin(sidecar_url, network, f"/network/templates/{t.world.bakery}")
    assert edit.status_code == 200 and "Sites using this template" in edit.text
    saved = as_admin(
        sidecar_url,
        network,
        f"/network/templates/{t.world.bakery}",
        "POST",
        {
            "csrf_token": csrf(edit),
            "name": "Bakery Deluxe",
            "description": "Warm and crusty.",
            "preview_url": "https://example.test/deluxe.png",
            "sort_order": "1",
        },
    )
    assert saved.status_code == 303
    listed = as_admin(sidecar_url, network, "/network/templates")
    assert "Bakery Deluxe" in text(listed) and "Warm and crusty." in text(listed)
    # A site that never used a template cannot be reset to one.
    confirm = as_admin(sidecar_url, network, f"/network/templates/sites/{carol['blog_id']}/reset")
    assert "does not come from a site template" in text(confirm)
    refused = as_admin(
        sidecar_url,
        network,
        f"/network/templates/sites/{carol['blog_id']}/reset",
        "POST",
        {"csrf_token": csrf(edit), "confirm": "1"},
    )
    assert refused.status_code == 404


def test_signup_offers_only_available_templates_and_starts_the_switch(
    sidecar_url, network, templating, created
):
    t = templating
    headers = assertion_header(
        network, aud="public", sub=0, blog=1, path="/public/signup/", method="GET", ses=""
    )
    page = requests.get(f"{sidecar_url}/public/signup/", headers=headers, timeout=30)
    assert page.status_code == 200 and 'id="signup-templates"' in page.text
    assert f'data-template="{t.world.bakery}"' in page.text
    assert f'data-template="{t.world.studio}"' not in page.text  # Not Available: never shown
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    name = f"tps{secrets.token_hex(3)}"
    data = {
        "plan_id": t.business,
        "site_path": name,
        "site_title": f"Shop {name}",
        "username": name,
        "email": f"{name}@example.test",
        "password": "long enough pw",
        "password_again": "long enough pw",
        "csrf_token": token,
        "template_id": str(t.world.studio),
    }
    post_headers = assertion_header(
        network, aud="public", sub=0, blog=1, path="/public/signup/", method="POST", ses=""
    )
    refused = requests.post(
        f"{sidecar_url}/public/signup/", headers=post_headers, data=data, timeout=60
    )
    assert refused.status_code == 400
    assert "Choose one of the templates offered for this plan." in text(refused)
    post_headers = assertion_header(
        network, aud="public", sub=0, blog=1, path="/public/signup/", method="POST", ses=""
    )
    done = requests.post(
        f"{sidecar_url}/public/signup/",
        headers=post_headers,
        data={**data, "template_id": str(t.world.bakery)},
        timeout=60,
    )
    assert done.status_code == 200, text(done)[:500]
    user = find_users_by_email(t.wp.db, f"{name}@example.test")[0]
    created["users"].append(user.id)
    blog_id = int(
        t.wp.db.fetch_value("SELECT blog_id FROM wp_blogs WHERE path = %s", (f"/{name}/",))
    )
    created["blogs"].append(blog_id)
    try:
        finished = wait_idle(t.wp.db, blog_id)
        assert finished and finished["state"] == "done", finished
        assert BAKERY_POST in post_titles(t, name)
    finally:
        reset_customer(t.wp.db, user.id)
        t.wp.db.execute("DELETE FROM wp_sidecar_site_template_uses WHERE blog_id = %s", (blog_id,))
        t.wp.db.execute(
            "DELETE FROM wp_sidecar_site_template_origins WHERE blog_id = %s", (blog_id,)
        )


def test_api_switch_then_admin_resets_the_site_to_its_template(sidecar_url, network, templating):
    t = templating
    carol = t.world.carol
    key = create_key(t.wp.db, "templates reset test")
    headers = {"Authorization": f"Bearer {key}"}
    base = f"{sidecar_url}/api/v1/sites/{carol['blog_id']}/template"
    started = requests.post(
        f"{base}/switch", json={"template_id": t.world.bakery}, headers=headers, timeout=20
    )
    assert started.status_code == 202, started.text
    assert started.json()["kind"] == "switch"
    busy = requests.post(
        f"{base}/switch", json={"template_id": t.world.bakery}, headers=headers, timeout=20
    )
    assert busy.status_code in (202, 409)  # 409 while the first one still runs
    assert wait_idle(t.wp.db, carol["blog_id"])["state"] == "done"
    status = requests.get(f"{base}/switch", headers=headers, timeout=20).json()
    assert status["state"] == "done" and status["percent"] == 100
    state = requests.get(base, headers=headers, timeout=20).json()
    assert state["current_template_id"] == t.world.bakery and state["undo_until"]

    edit = "An edit made after the switch"
    t.wp.rest.post(
        "/wp/v2/posts", json={"title": edit, "status": "publish"}, site_path=f"/{carol['path']}/"
    )
    path = f"/network/templates/sites/{carol['blog_id']}/reset"
    confirm = as_admin(sidecar_url, network, path)
    assert confirm.status_code == 200 and "fresh copy of the template Bakery" in text(confirm)
    unconfirmed = as_admin(sidecar_url, network, path, "POST", {"csrf_token": csrf(confirm)})
    assert unconfirmed.status_code == 400
    reset = as_admin(
        sidecar_url, network, path, "POST", {"csrf_token": csrf(confirm), "confirm": "1"}
    )
    assert reset.status_code == 303
    assert wait_idle(t.wp.db, carol["blog_id"])["state"] == "done"
    titles = post_titles(t, carol["path"])
    assert BAKERY_POST in titles and edit not in titles


def test_a_failed_switch_shows_a_plain_message_and_changes_nothing(
    sidecar_url, network, templating
):
    from sidecar.domain import template_switch
    from sidecar.domain.events import SYSTEM
    from sidecar.store import site_template_uses as uses
    from sidecar.store import template_switches

    t = templating
    carol = t.world.carol["blog_id"]
    # Queue a switch without starting a worker, then fail it the way the worker records it.
    switch_id = template_switch.request_switch(
        t.wp.db, site_id=carol, template_site_id=t.world.bakery, actor=SYSTEM, reason="account"
    )
    uses.add_use(
        t.wp.db,
        {
            "blog_id": carol,
            "switch_id": switch_id,
            "kind": "switch",
            "template_blog_id": t.world.bakery,
            "previous_blog_id": None,
            "source": "account",
        },
    )
    template_switches.save_progress(
        t.wp.db,
        switch_id,
        {"state": "failed", "step": "rewriting_urls", "error": "Secret internal detail"},
    )
    progress = as_carol(sidecar_url, network, t, "/account/templates/progress")
    assert progress.status_code == 200
    assert "The switch could not be completed." in text(progress)
    assert "left exactly as it was before" in text(progress)
    assert "Secret internal detail" not in progress.text
    status = as_carol(sidecar_url, network, t, "/account/templates/status").json()
    assert status["state"] == "failed" and "Secret" not in str(status)
    account = as_carol(sidecar_url, network, t, "/account/")
    assert 'id="sidecar-template-failed"' in account.text
    assert "Your site is based on the template" not in text(account)
    outcome = t.wp.db.fetch_value(
        "SELECT outcome FROM wp_sidecar_site_template_uses WHERE switch_id = %s", (switch_id,)
    )
    assert outcome == "failed"
