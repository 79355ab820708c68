"""The cross-customer security sweep, driven by the app's URL map so that new routes are swept
as soon as they exist. Customer B tries every Account route on customer A's site and on A's
objects; customers try every Network page; nobody gets in without a valid assertion or API
key; forged, expired, replayed, wrong-audience and wrong-path assertions are refused; every
POST without this log-in's CSRF token is refused. Every table of the sidecar (and WordPress's
users, sites and A's site) is checksummed before and after: refused means nothing changed.

A route whose path has a parameter this file does not know makes the sweep FAIL ("add a
parameter source for X"): say in PARAM_SOURCES where its value comes from."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import requests

from sidecar import create_app, csrf
from sidecar.assertions import new_jti
from sidecar.domain.clock import utcnow
from sidecar.store import domains as domain_store
from sidecar.store import token_uses
from sidecar.wp_bridge.db import connect

from ..security_fixtures import billed_customer, forget_customer, new_customer
from ..wp_cleanup import _DELETE_PHP
from .shim_double import assertion_header

pytestmark = pytest.mark.integration

# Answer anyone, by design (/metrics: anyone on ``metrics.allow_from``, loopback by default).
OPEN_ENDPOINTS = {
    "health.healthz",
    "health.readyz",
    "health.metrics_page",
    "static",
    "api-docs.openapi_json",
}
# Blueprints behind the shim's assertions, by audience.
AUDIENCES = {"account": "account", "network": "network", "public": "public", "auth_reports": "auth"}
REFUSED = {401, 403, 404}
# Tables that change on every request by design (one-time ids of assertions, liveness).
VOLATILE_TABLES = {"sidecar_token_uses", "sidecar_heartbeats"}


@dataclass(frozen=True)
class Objects:
    """Customer A's real objects (and shared ones) that path parameters are taken from."""

    a: dict
    b: dict
    billing: dict
    domain_id: int
    product_id: int


# name → (owned: the value is one of A's own objects, where the value comes from)
PARAM_SOURCES: dict[str, tuple[bool, Callable[[Objects], object]]] = {
    "invoice_id": (True, lambda o: o.billing["pending_invoice"]),
    "membership_id": (True, lambda o: o.billing["membership_id"]),
    "customer_id": (True, lambda o: o.billing["customer_id"]),
    "domain_id": (True, lambda o: o.domain_id),
    "site_id": (True, lambda o: o.a["blog_id"]),
    "blog_id": (True, lambda o: o.a["blog_id"]),
    "user_id": (True, lambda o: o.a["user_id"]),
    # The network's catalog, not anybody's own: B may use them on B's own site.
    "product_id": (False, lambda o: o.product_id),
    "plan_id": (False, lambda o: o.product_id),
    "package_id": (False, lambda o: o.product_id),
    "template_id": (False, lambda o: 1),
    "code_id": (False, lambda o: 1),
    "group_id": (False, lambda o: 1),
    "view_id": (False, lambda o: 1),
    "webhook_id": (False, lambda o: 1),
    "delivery_id": (False, lambda o: 1),
    "kind": (False, lambda o: "plan"),
    "key_id": (False, lambda o: "0" * 12),
}

_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    method: str

    @property
    def blueprint(self) -> str:
        return self.endpoint.split(".", 1)[0]

    @property
    def params(self) -> list[str]:
        return _PARAM.findall(self.rule)

    def __str__(self) -> str:
        return f"{self.method} {self.rule} ({self.endpoint})"


@pytest.fixture(scope="module")
def routes(settings) -> list[Route]:
    """Every route and method of the app, read from its URL map."""
    app = create_app(settings)
    found = [
        Route(rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    assert any(r.blueprint == "account" for r in found)
    return found


def path_of(route: Route, objects: Objects) -> str:
    """The route's path with every parameter filled from its source. Fails for a parameter
    without a source."""
    missing = [p for p in route.params if p not in PARAM_SOURCES]
    if missing:
        pytest.fail(f"add a parameter source for {missing[0]} (used by {route}) to PARAM_SOURCES")
    return _PARAM.sub(lambda m: str(PARAM_SOURCES[m[1]][1](objects)), route.rule)


def owns_a_param(route: Route) -> bool:
    return any(PARAM_SOURCES.get(p, (True,))[0] for p in route.params)


@pytest.fixture(scope="module")
def objects(network, settings, migrated):
    """Two fresh customers with a site each; A with a paid membership, invoices and a domain.
    Both are deleted (through WordPress) afterwards."""
    db = connect(settings.database)
    made = {"blogs": [], "users": []}
    a, b = new_customer(network, made, "swa"), new_customer(network, made, "swb")
    billing = billed_customer(db, a)
    domain_id = domain_store.insert(
        db,
        {
            "network_id": 1,
            "blog_id": a["blog_id"],
            "domain": f"a-{a['suffix']}.example.test",
            "is_primary": 0,
            "token": "t" * 32,
            "next_check_at": utcnow(),
        },
    )
    product_id = db.fetch_value(
        "SELECT plan_id FROM wp_sidecar_memberships WHERE id = %s", (billing["membership_id"],)
    )
    yield Objects(a, b, billing, domain_id, product_id)
    db.execute("DELETE FROM wp_sidecar_domains WHERE id = %s", (domain_id,))
    for person in (a, b):
        forget_customer(db, person["user_id"])
    db.close()
    _delete_from_wordpress(network, made)


def _delete_from_wordpress(network: dict, made: dict) -> None:
    import json
    import subprocess

    job = {"host": urlsplit(network["url"]).netloc, "wp_path": network["wp_path"], **made}
    subprocess.run(
        ["php", "-r", _DELETE_PHP, "--", json.dumps(job)],
        check=True,
        capture_output=True,
        timeout=120,
    )


def checksums(db, blog_id: int) -> dict[str, int]:
    """CHECKSUM TABLE of every sidecar table, WordPress's users and sites, and A's site."""
    names = [
        next(iter(r.values())) for r in db.fetch_all("SHOW TABLES LIKE %s", ("wp\\_sidecar\\_%",))
    ]
    names = [n for n in names if n.removeprefix("wp_") not in VOLATILE_TABLES]
    names += ["wp_users", "wp_usermeta", "wp_blogs", "wp_site", "wp_sitemeta", "wp_signups"]
    names += [f"wp_{blog_id}_options", f"wp_{blog_id}_posts"]
    rows = db.fetch_all("CHECKSUM TABLE " + ", ".join(f"`{n}`" for n in names))
    return {row["Table"]: row["Checksum"] for row in rows}


@pytest.fixture
def unchanged(settings, objects):
    """Asserts at the end of the test that no table changed."""
    db = connect(settings.database)
    before = checksums(db, objects.a["blog_id"])
    yield
    after = checksums(db, objects.a["blog_id"])
    db.close()
    changed = sorted(t for t in before if before[t] != after.get(t))
    assert not changed, f"refused requests changed {changed}"


def csrf_for(settings, aud: str, sub: int, blog: int, ses: str = "0" * 64) -> str:
    """A valid CSRF token for that log-in (as its own page would carry)."""
    binding = f"{aud}|1|{blog}|{sub}|{ses}"
    return csrf.make_token(settings.sidecar.secret_key, binding, int(time.time()))


def send(sidecar_url, path, method, headers=None, data=None) -> requests.Response:
    return requests.request(
        method,
        f"{sidecar_url}{path}",
        headers=headers or {},
        data=data,
        timeout=60,
        allow_redirects=False,
    )


def as_viewer(network, settings, route, path, *, aud, sub, blog, csrf_token=True, **changes):
    """Send ``route`` as the shim would for ``sub`` on ``blog`` (with a CSRF token on POST)."""
    headers = assertion_header(
        network, aud=aud, sub=sub, blog=blog, path=path, method=route.method, **changes
    )
    data = None
    if route.method == "POST":
        data = {"csrf_token": csrf_for(settings, aud, sub, blog)} if csrf_token else {}
    return headers, data


def leaks(answer: requests.Response, person: dict) -> bool:
    return person["email"] in answer.text or person["site_title"] in answer.text


def test_every_route_refuses_anonymous_requests(sidecar_url, routes, objects, unchanged):
    """No assertion, no API key: refused — everywhere but the few open endpoints."""
    wrong = []
    for route in routes:
        if route.endpoint in OPEN_ENDPOINTS:
            continue
        path = path_of(route, objects)
        answer = send(sidecar_url, path, route.method)
        forged_key = send(
            sidecar_url, path, route.method, {"Authorization": "Bearer sk_0123456789ab_forged"}
        )
        if answer.status_code not in REFUSED or forged_key.status_code not in REFUSED:
            wrong.append(f"{route}: {answer.status_code}/{forged_key.status_code}")
    assert not wrong, "answered without credentials:\n" + "\n".join(wrong)


def test_customer_b_cannot_act_on_customer_a_site(
    sidecar_url, network, settings, routes, objects, unchanged
):
    """Every Account route, as B with an assertion for A's site (and a valid CSRF token for
    it): 403, and nothing of A's in the answer."""
    a, b = objects.a, objects.b
    wrong = []
    for route in (r for r in routes if r.blueprint == "account"):
        path = path_of(route, objects)
        headers, data = as_viewer(
            network, settings, route, path, aud="account", sub=b["user_id"], blog=a["blog_id"]
        )
        answer = send(sidecar_url, path, route.method, headers, data)
        if answer.status_code not in (403, 404) or leaks(answer, a):
            wrong.append(f"{route}: {answer.status_code}")
    assert not wrong, "B reached A's site:\n" + "\n".join(wrong)


def test_customer_b_cannot_reach_customer_a_objects_from_b_site(
    sidecar_url, network, settings, routes, objects, unchanged
):
    """Account routes that name an object (invoice, domain, …): B, on B's own site, with A's
    object ids → 404/403, nothing of A's in the answer."""
    a, b = objects.a, objects.b
    swept, wrong = 0, []
    for route in (r for r in routes if r.blueprint == "account" and r.params):
        path = path_of(route, objects)
        if not owns_a_param(route):
            continue
        headers, data = as_viewer(
            network, settings, route, path, aud="account", sub=b["user_id"], blog=b["blog_id"]
        )
        answer = send(sidecar_url, path, route.method, headers, data)
        swept += 1
        if answer.status_code not in (403, 404) or leaks(answer, a) or "Quillcorp" in answer.text:
            wrong.append(f"{route}: {answer.status_code}")
        if route.method == "GET":  # the control: A gets the same path
            headers, _ = as_viewer(
                network, settings, route, path, **_legit(route, objects, network)
            )
            if send(sidecar_url, path, "GET", headers).status_code != 200:
                wrong.append(f"{route}: not even A can open it (the sweep's path is wrong)")
    assert swept >= 5, "the sweep lost the Account routes on objects"
    assert not wrong, "B reached A's objects:\n" + "\n".join(wrong)


def test_customers_cannot_use_network_pages(
    sidecar_url, network, settings, routes, objects, unchanged
):
    """Every Network Admin route, as customer B (valid assertion, valid CSRF token): 403."""
    b = objects.b
    wrong = []
    for route in (r for r in routes if r.blueprint == "network"):
        path = path_of(route, objects)
        headers, data = as_viewer(
            network, settings, route, path, aud="network", sub=b["user_id"], blog=0
        )
        answer = send(sidecar_url, path, route.method, headers, data)
        if answer.status_code != 403 or leaks(answer, objects.a):
            wrong.append(f"{route}: {answer.status_code}")
    assert not wrong, "a customer used Network pages:\n" + "\n".join(wrong)


def _legit(route: Route, objects: Objects, network: dict) -> dict:
    """Who may use ``route``: A on A's site, the super admin, or an anonymous visitor."""
    audience = AUDIENCES[route.blueprint]
    if audience == "account":
        return {"aud": audience, "sub": objects.a["user_id"], "blog": objects.a["blog_id"]}
    if audience == "network":
        return {"aud": audience, "sub": network["admin"].get("user_id", 1), "blog": 0}
    return {"aud": audience, "sub": objects.a["user_id"] if audience == "auth" else 0, "blog": 0}


BAD_TOKENS = ["forged", "expired", "replayed", "wrong_audience", "wrong_path", "wrong_method"]


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_bad_assertions_are_refused_on_every_route(
    sidecar_url, network, settings, routes, objects, case, unchanged
):
    """Every route behind the shim, as its legitimate viewer but with a bad assertion."""
    db = connect(settings.database)
    wrong = []
    for route in (r for r in routes if r.blueprint in AUDIENCES):
        path = path_of(route, objects)
        who = _legit(route, objects, network)
        now = int(time.time())
        changes = {
            "forged": {"secret": "f" * 64},
            "expired": {"iat": now - 300, "exp": now - 200},
            "replayed": {"jti": new_jti()},
            "wrong_audience": {
                "aud": "network" if who["aud"] != "network" else "account",
            },
            "wrong_path": {"pth": path + "x"},
            "wrong_method": {"mth": "PUT"},
        }[case]
        if case == "replayed":  # the id was used by an earlier request already
            token_uses.claim(db, changes["jti"], now + 60)
        headers, data = as_viewer(network, settings, route, path, **{**who, **changes})
        answer = send(sidecar_url, path, route.method, headers, data)
        if answer.status_code not in (401, 403, 404) or leaks(answer, objects.a):
            wrong.append(f"{route}: {answer.status_code}")
    db.close()
    assert not wrong, f"{case} assertions accepted:\n" + "\n".join(wrong)


def test_every_post_without_this_logins_csrf_token_is_refused(
    sidecar_url, network, settings, routes, objects, unchanged
):
    """Every POST behind the shim, by its legitimate viewer, with no CSRF token and with the
    token of another log-in (another WordPress session): 400, nothing changed."""
    wrong = []
    posts = [r for r in routes if r.blueprint in AUDIENCES and r.method == "POST"]
    for route in (r for r in posts if AUDIENCES[r.blueprint] != "auth"):  # shim-to-sidecar
        path = path_of(route, objects)
        who = _legit(route, objects, network)
        headers, _ = as_viewer(network, settings, route, path, **who)
        missing = send(sidecar_url, path, "POST", headers, {"name": "x"})
        headers, _ = as_viewer(network, settings, route, path, **who)
        other = {"csrf_token": csrf_for(settings, who["aud"], who["sub"], who["blog"], "1" * 64)}
        stolen = send(sidecar_url, path, "POST", headers, other)
        if missing.status_code != 400 or stolen.status_code != 400:
            wrong.append(f"{route}: {missing.status_code}/{stolen.status_code}")
    assert len(posts) >= 10
    assert not wrong, "POST without a valid CSRF token accepted:\n" + "\n".join(wrong)
