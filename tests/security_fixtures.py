"""Helpers for the account security tests: a fresh customer with their own site (created
through the shim's sign-up routes, so alice and bob stay intact), a real wp-login.php log-in,
and billing data with personal details that can be searched for afterwards."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import requests

from sidecar.domain.billing import settle_invoice
from sidecar.domain.catalog_demo import seed_demo_catalog
from sidecar.domain.clock import utcnow
from sidecar.domain.customers import ensure_customer, update_billing_address
from sidecar.domain.events import SYSTEM
from sidecar.domain.invoices import InvoiceLine, issue_invoice
from sidecar.domain.membership_start import Order, start_membership
from sidecar.wp_bridge.db import Database
from sidecar.wp_bridge.rest import RestClient
from sidecar.wp_bridge.shim import ShimClient
from sidecar.wp_bridge.tables.users import get_user

from .billing_fixtures import CTX, reset_customer


def shim_client(network: dict) -> ShimClient:
    """A ShimClient for the test network (as the sidecar builds it)."""
    return ShimClient(RestClient(network["url"], timeout=60), network["secret"], 1)


def new_customer(network: dict, created: dict, tag: str = "sec") -> dict:
    """A new user who owns a new site, shaped like network.json's customers."""
    suffix = uuid.uuid4().hex[:8]
    login = f"{tag}{suffix}"
    password = f"first pw {suffix}"
    shim = shim_client(network)
    user_id = shim.create_user(login, f"{login}@example.test", password, f"Zed {suffix} Quill")
    created["users"].append(user_id)
    site = shim.create_site(f"{tag}-{suffix}", f"Quill Shop {suffix}", user_id)
    created["blogs"].append(site["blog_id"])
    return {
        "login": login,
        "password": password,
        "email": f"{login}@example.test",
        "display_name": f"Zed {suffix} Quill",
        "user_id": user_id,
        "blog_id": site["blog_id"],
        "site_url": site["url"],
        "site_title": f"Quill Shop {suffix}",
        "suffix": suffix,
    }


def forget_customer(db: Database, user_id: int) -> None:
    """Remove what the sidecar keeps about a test customer."""
    reset_customer(db, user_id)
    db.execute("DELETE FROM wp_sidecar_customers WHERE user_id = %s", (user_id,))
    db.execute("DELETE FROM wp_sidecar_account_locks WHERE user_id = %s", (user_id,))
    db.execute("DELETE FROM wp_sidecar_auth_failures WHERE user_id = %s", (user_id,))


def personal_billing(customer: dict) -> dict:
    """A billing address whose every value can be searched for."""
    s = customer["suffix"]
    return {
        "billing_name": f"Zed {s} Quill",
        "billing_company": f"Quillcorp {s}",
        "billing_address_1": f"Inkstraat {s} 12",
        "billing_address_2": "",
        "billing_city": f"Pennestad{s}",
        "billing_postcode": "9000",
        "billing_state": "",
        "billing_country": "BE",
        "billing_vat_number": f"BE0{s[:6]}",
    }


def billed_customer(db: Database, customer: dict) -> dict:
    """Give ``customer`` a billing address, a paid membership on the starter plan and one
    more pending invoice. Returns the ids made."""
    products = seed_demo_catalog(db)
    user = get_user(db, customer["user_id"])
    update_billing_address(db, user, personal_billing(customer), SYSTEM)
    row = ensure_customer(db, user)
    membership, invoice = start_membership(
        db,
        Order(products["starter"]),
        customer=row,
        blog_id=customer["blog_id"],
        ctx=CTX,
        actor=SYSTEM,
        now=utcnow(),
    )
    settle_invoice(db, invoice.id, SYSTEM)
    pending = issue_invoice(
        db,
        network_id=1,
        customer_id=row["id"],
        membership_id=membership.id,
        currency=membership.currency,
        lines=[InvoiceLine("Extra work", 1, Decimal("10.00"))],
        billing_address={k: row[k] for k in personal_billing(customer)},
        reason="package",
        actor=SYSTEM,
    )
    return {
        "customer_id": row["id"],
        "membership_id": membership.id,
        "paid_invoice": invoice.id,
        "pending_invoice": pending.id,
    }


def wp_login(
    site_url: str, login: str, password: str
) -> tuple[requests.Session, requests.Response]:
    """Log in through wp-login.php as a browser would; return the session and the answer
    (302 to wp-admin on success, 200 with an error box otherwise)."""
    session = requests.Session()
    url = site_url.rstrip("/") + "/wp-login.php"
    session.get(url, timeout=30)
    answer = session.post(
        url,
        data={"log": login, "pwd": password, "wp-submit": "Log In", "testcookie": "1"},
        timeout=30,
        allow_redirects=False,
    )
    return session, answer


def login_error(answer: requests.Response) -> str:
    """The text of wp-login.php's error box ('' when there is none)."""
    match = re.search(r'<div id="login_error"[^>]*>(.*?)</div>', answer.text, re.S)
    return re.sub(r"<[^>]+>", "", match[1]).strip() if match else ""


def logged_in_token(session: requests.Session) -> str:
    """The session token inside WordPress's logged-in cookie."""
    for cookie in session.cookies:
        if cookie.name.startswith("wordpress_logged_in_"):
            return requests.utils.unquote(cookie.value).split("|")[2]
    raise AssertionError("not logged in")
