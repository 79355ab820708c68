"""SQL metacharacters and markup in every text field of every Account form (found by reading
the forms off every Account page, so new forms are swept too): never a server error; what is
stored is stored verbatim (inert); every page that shows it shows it escaped. Runs as a fresh
customer (forms that delete the site or the account are left to test_danger_zone_http.py)."""

from __future__ import annotations

import html
import json
import re
import uuid
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sidecar import create_app

from ..security_fixtures import billed_customer, forget_customer, new_customer
from .shim_double import assertion_header

pytestmark = pytest.mark.integration

MARK = "zq" + uuid.uuid4().hex[:6]
# Long (most fields refuse it as too long, and echo it back), short, and without markup.
PAYLOADS = [
    f"{MARK}'\"><script>alert(1)</script>' OR '1'='1'; DROP TABLE wp_users; -- \\",
    f"{MARK}<b>'\";--",
    f"{MARK}' OR 1=1; --\"",  # no markup: fields that refuse markup store this one
]
TEXT_TYPES = {"text", "email", "search", "url", "tel", "password", ""}
SKIPPED_ACTIONS = ("/delete-site", "/delete-account")


class Forms(HTMLParser):
    """Every <form> of a page: action, and its fields (name → (type, value))."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and a.get("name"):
            kind = "textarea" if tag == "textarea" else (a.get("type") or "").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1]["fields"].setdefault(a["name"], (kind, a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            fields = self.forms[-1]["fields"]
            if self._select not in fields or "selected" in a:
                fields[self._select] = ("select", a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def sidecar_path(action: str) -> str | None:
    """The sidecar path a wp_url() form action points at (its ``sc`` parameter)."""
    values = parse_qs(urlsplit(action).query).get("sc")
    return "/account" + values[0] if values else None


@pytest.fixture(scope="module")
def carol(network, settings, migrated):
    from sidecar.wp_bridge.db import connect

    from .test_security_sweep import _delete_from_wordpress

    db = connect(settings.database)
    made = {"blogs": [], "users": []}
    customer = new_customer(network, made, "inj")
    billed_customer(db, customer)
    yield customer
    forget_customer(db, customer["user_id"])
    db.close()
    _delete_from_wordpress(network, made)


def call(sidecar_url, network, carol, path, method="GET", data=None):
    headers = assertion_header(
        network,
        aud="account",
        sub=carol["user_id"],
        blog=carol["blog_id"],
        path=urlsplit(path).path,
        method=method,
    )
    return requests.request(
        method,
        f"{sidecar_url}{path}",
        headers=headers,
        data=data,
        timeout=120,
        allow_redirects=False,
    )


def account_forms(sidecar_url, network, settings, carol) -> list[dict]:
    """The forms of every Account page without path parameters (that this customer has)."""
    app = create_app(settings)
    pages = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("account.") and "GET" in rule.methods and not rule.arguments
    )
    forms, seen = [], set()
    for page in pages:
        answer = call(sidecar_url, network, carol, page)
        assert answer.status_code < 500, f"{page}: {answer.status_code}"
        if answer.status_code != 200:  # not offered to this customer (e.g. domains off)
            continue
        parser = Forms()
        parser.feed(answer.text)
        for form in parser.forms:
            path = sidecar_path(form["action"])
            texts = [n for n, (kind, _) in form["fields"].items() if kind in TEXT_TYPES]
            if path and texts and path not in seen and not path.endswith(SKIPPED_ACTIONS):
                seen.add(path)
                forms.append({**form, "path": path, "texts": texts, "page": page})
    return forms


def raw_markup(text: str) -> bool:
    return "<script>alert(1)" in text or f"{MARK}<b>" in text


def stored_values(db) -> list[str]:
    """Every text value in the sidecar's tables and WordPress's users that holds MARK."""
    columns = db.fetch_all(
        "SELECT table_name AS t, column_name AS c FROM information_schema.columns"
        " WHERE table_schema = DATABASE() AND (table_name LIKE %s OR table_name IN"
        " ('wp_users', 'wp_usermeta')) AND data_type IN ('char', 'varchar', 'text',"
        " 'mediumtext', 'longtext', 'tinytext')",
        ("wp\\_sidecar\\_%",),
    )
    found = []
    for col in columns:
        rows = db.fetch_all(
            f"SELECT `{col['c']}` AS v FROM `{col['t']}` WHERE `{col['c']}` LIKE %s",
            (f"%{MARK}%",),
        )
        found += [row["v"] for row in rows]
    return found


def strings(raw: str):
    """The text values in ``raw``: itself, or every string inside it when it is JSON (the
    event log keeps before/after as JSON)."""
    try:
        decoded = json.loads(raw)
    except ValueError:
        yield raw
        return
    stack = [decoded]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack += list(item.values())
        elif isinstance(item, list):
            stack += item


def test_markup_and_sql_in_every_text_field_is_inert_and_escaped(
    sidecar_url, network, settings, carol
):
    from sidecar.wp_bridge.db import connect

    forms = account_forms(sidecar_url, network, settings, carol)
    assert any(f["path"] == "/account/billing-address" for f in forms), forms
    wrong = []
    page = call(sidecar_url, network, carol, "/account/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    for form in forms:
        for field in form["texts"]:  # one field at a time: the others stay valid
            for payload in PAYLOADS:
                data = {name: value for name, (_, value) in form["fields"].items()}
                data.update({field: payload, "csrf_token": token})
                answer = call(sidecar_url, network, carol, form["path"], "POST", data)
                if answer.status_code >= 500 or raw_markup(answer.text):
                    wrong.append(f"POST {form['path']} {field}: {answer.status_code}, raw/5xx")
    for page in {f["page"] for f in forms} | {"/account/"}:
        shown = call(sidecar_url, network, carol, page)
        if shown.status_code != 200 or raw_markup(shown.text):
            wrong.append(f"GET {page}: {shown.status_code}, markup shown raw")
    db = connect(settings.database)
    stored = stored_values(db)
    db.close()
    assert stored, "nothing was stored: the sweep did not reach a form that saves text"
    for value in (text for raw in stored for text in strings(raw) if MARK in text):
        if value not in PAYLOADS:
            wrong.append(f"stored altered: {value!r}")
    assert not wrong, "\n".join(wrong)


def public_call(sidecar_url, network, method="GET", data=None):
    path = "/public/signup/"
    headers = assertion_header(network, aud="public", sub=0, blog=0, path=path, method=method)
    return requests.request(method, f"{sidecar_url}{path}", headers=headers, data=data, timeout=180)


def test_sign_up_form_takes_markup_and_sql_inertly(sidecar_url, network, settings):
    """Every text field of the public sign-up form, one at a time: refused or accepted, never
    a 5xx or markup shown raw. Then a real sign-up whose site title is the SQL payload: the
    title is stored (by WordPress) and shown back exactly as typed, escaped."""
    from sidecar.wp_bridge.db import connect

    from .test_security_sweep import _delete_from_wordpress

    parser = Forms()
    parser.feed(public_call(sidecar_url, network).text)
    form = next(f for f in parser.forms if "site_title" in f["fields"])
    suffix = uuid.uuid4().hex[:6]
    valid = {name: value for name, (_, value) in form["fields"].items()}
    valid.update(
        site_path=f"inj{suffix}",
        site_title=f"Inj {suffix}",
        username=f"inj{suffix}",
        email=f"inj{suffix}@example.test",
        password="a long enough pass 1",
        password_again="a long enough pass 1",
    )
    wrong = []
    texts = [n for n, (kind, _) in form["fields"].items() if kind in TEXT_TYPES]
    for field in (t for t in texts if t != "site_title"):
        for payload in PAYLOADS:
            answer = public_call(sidecar_url, network, "POST", {**valid, field: payload})
            if answer.status_code != 400 or raw_markup(answer.text):
                wrong.append(f"sign-up {field}: {answer.status_code}")
    for payload in PAYLOADS[:2]:  # markup: refused with the field's message
        answer = public_call(sidecar_url, network, "POST", {**valid, "site_title": payload})
        if answer.status_code != 400 or raw_markup(answer.text):
            wrong.append(f"sign-up site_title: {answer.status_code}")
    assert not wrong, "\n".join(wrong)

    title = PAYLOADS[2]
    created = public_call(sidecar_url, network, "POST", {**valid, "site_title": title})
    db = connect(settings.database)
    user_id = db.fetch_value("SELECT ID FROM wp_users WHERE user_login = %s", (valid["username"],))
    blog_id = db.fetch_value(
        "SELECT blog_id FROM wp_blogs WHERE path LIKE %s", (f"%/inj{suffix}/",)
    )
    try:
        assert created.status_code == 200, created.text
        assert user_id and blog_id
        customer = {"user_id": user_id, "blog_id": blog_id}
        page = call(sidecar_url, network, customer, "/account/")
        assert page.status_code == 200
        shown = {html.unescape(m) for m in re.findall(f"{MARK}[^<]*", page.text)}
        assert shown and all(value.startswith(title) for value in shown), shown
        assert title not in page.text  # the quotes are escaped, not raw
    finally:
        if user_id:
            forget_customer(db, user_id)
        db.close()
        made = {"blogs": [blog_id] if blog_id else [], "users": [user_id] if user_id else []}
        _delete_from_wordpress(network, made)
