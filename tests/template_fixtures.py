"""Fixtures for the site template tests on the real network: two template sites (Bakery and
Studio, each with a recognisable post), a disposable customer ``tplcarol`` with her own site on
the Business plan, and a second customer ``tpldave``. The sites and users are made once per
session through WordPress and deleted at the end; each test gets the template settings fresh
(switching on, Business: choose, Bakery Available and pre-selected, Studio Not Available) and
everything it changed is removed afterwards, so other tests see the network as it was."""

from __future__ import annotations

import json
import secrets
import subprocess
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from sidecar.context import Clients
from sidecar.domain import template_switch
from sidecar.domain.customers import ensure_customer
from sidecar.store import site_templates as templates_store
from sidecar.wp_bridge import WordPress
from sidecar.wp_bridge.db import connect
from sidecar.wp_bridge.tables.users import get_user

from .billing_fixtures import fresh_membership, reset_customer
from .wp_cleanup import _DELETE_PHP

BAKERY_POST = "Fresh sourdough every morning"
STUDIO_POST = "Portraits in natural light"
CAROL_POST = "Carol has her very own first post"


@dataclass
class TemplateWorld:
    """What the session made: template and customer sites (blog ids, paths, users)."""

    bakery: int
    studio: int
    carol: dict
    dave: dict
    admin: dict


def _make_user(wp: WordPress, login: str) -> dict:
    password = secrets.token_urlsafe(12)
    user_id = wp.shim.create_user(login, f"{login}@example.test", password)
    return {"login": login, "password": password, "user_id": user_id}


def _post(wp: WordPress, path: str, title: str) -> None:
    wp.rest.post(
        "/wp/v2/posts",
        json={"title": title, "content": f"<p>{title}.</p>", "status": "publish"},
        site_path=f"/{path}/",
    )


@pytest.fixture(scope="session")
def template_world(network, settings, migrated):
    """Make the template sites and the two customers once per session."""
    db = connect(settings.database)
    clients = Clients(settings)
    wp = WordPress(db, clients.rest, clients.shim, settings.wordpress.network_id)
    tag = secrets.token_hex(3)
    made = {"blogs": [], "users": []}
    try:
        admin_id = network["admin"]["user_id"]
        sites = {}
        for name, title, post in (
            ("bakery", "Bakery template", BAKERY_POST),
            ("studio", "Studio template", STUDIO_POST),
        ):
            site = wp.shim.create_site(f"tpl-{name}-{tag}", title, admin_id)
            made["blogs"].append(site["blog_id"])
            _post(wp, f"tpl-{name}-{tag}", post)
            sites[name] = site["blog_id"]
        people = {}
        for who in ("carol", "dave"):
            user = _make_user(wp, f"tpl{who}{tag}")
            made["users"].append(user["user_id"])
            path = f"tpl-{who}-{tag}"
            site = wp.shim.create_site(path, f"{who.title()}'s site", user["user_id"])
            made["blogs"].append(site["blog_id"])
            people[who] = {
                **user,
                "blog_id": site["blog_id"],
                "site_url": site["url"],
                "path": path,
            }
        _post(wp, people["carol"]["path"], CAROL_POST)
        yield TemplateWorld(
            sites["bakery"], sites["studio"], people["carol"], people["dave"], network["admin"]
        )
    finally:
        for user_id in made["users"]:
            reset_customer(db, user_id)
        _forget(db, made["blogs"])
        job = {"host": urlsplit(network["url"]).netloc, "wp_path": network["wp_path"], **made}
        subprocess.run(
            ["php", "-r", _DELETE_PHP, "--", json.dumps(job)],
            check=False,
            capture_output=True,
            timeout=180,
        )
        db.close()


def _forget(db, blog_ids) -> None:
    for blog_id in blog_ids:
        for name in ("site_template_uses", "site_template_origins"):
            db.execute(f"DELETE FROM wp_sidecar_{name} WHERE blog_id = %s", (blog_id,))
        db.execute("DELETE FROM wp_sidecar_site_templates WHERE blog_id = %s", (blog_id,))
        db.execute("DELETE FROM wp_sidecar_plan_template_choices WHERE blog_id = %s", (blog_id,))


@dataclass
class Templating:
    """What the ``templating`` fixture set up for one test."""

    wp: WordPress
    world: TemplateWorld
    products: dict

    @property
    def business(self) -> int:
        return self.products["business"]


@pytest.fixture
def templating(template_world, settings, migrated):
    """Switching on; Bakery and Studio are templates; Business: choose, Bakery Available and
    pre-selected, Studio Not Available; carol and dave on Business (paid)."""
    db = connect(settings.database)
    clients = Clients(settings)
    wp = WordPress(db, clients.rest, clients.shim, settings.wordpress.network_id)
    world = template_world
    saved_switching = templates_store.allow_switching(db, wp.network_id)
    products, _, _ = fresh_membership(db, world.carol, "business")
    fresh_membership(db, world.dave, "business")
    ensure_customer(db, get_user(db, world.carol["user_id"]))
    for blog_id, name in ((world.bakery, "Bakery"), (world.studio, "Studio")):
        templates_store.save_template(
            db,
            wp.network_id,
            blog_id,
            {
                "name": name,
                "description": f"The {name} design.",
                "preview_url": f"https://example.test/{name.lower()}.png",
                "sort_order": 0,
            },
        )
    plan_ids = [products[slug] for slug in products]
    saved_plans = {p: templates_store.plan_settings(db, p) for p in plan_ids}
    templates_store.save_plan_settings(
        db,
        products["business"],
        {
            "allow_templates": 1,
            "mode": "choose",
            "assigned_blog_id": None,
            "preselected_blog_id": world.bakery,
        },
        {world.bakery},
    )
    templates_store.save_allow_switching(db, wp.network_id, True)
    try:
        yield Templating(wp, world, products)
    finally:
        wait_idle(db, world.carol["blog_id"])
        templates_store.save_allow_switching(db, wp.network_id, saved_switching)
        for plan_id, row in saved_plans.items():
            if row is None:
                templates_store.delete_plan_settings(db, plan_id)
        _forget(db, [world.carol["blog_id"], world.dave["blog_id"]])
        for blog_id in (world.bakery, world.studio):
            templates_store.delete_template(db, blog_id)
        db.close()


def wait_idle(db, site_id: int, seconds: float = 90) -> dict | None:
    """Wait until the site's latest switch or undo has finished; return it."""
    deadline = time.monotonic() + seconds
    while True:
        latest = template_switch.latest(db, site_id)
        if latest is None or latest["state"] in ("done", "failed"):
            return latest
        if time.monotonic() > deadline:
            raise AssertionError(f"the switch of site {site_id} did not finish: {latest}")
        time.sleep(0.5)
