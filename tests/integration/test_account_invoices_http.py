"""Invoices over HTTP: the customer's printable page and PDF (theirs only), Network Admin's
Mark paid / Refund / Cancel with CSRF, and the JSON API."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
import requests
from pypdf import PdfReader

from sidecar.domain import invoices
from sidecar.domain.api_keys import create_key
from sidecar.domain.events import Actor
from sidecar.domain.invoices import InvoiceLine
from sidecar.store import customers as customers_store
from sidecar.wp_bridge.db import connect

from .shim_double import assertion_header

pytestmark = pytest.mark.integration

ADDRESS = {"billing_name": "Zoë Ångström", "billing_city": "Amsterdam", "billing_country": "NL"}


@pytest.fixture(scope="module")
def ledger_db(settings, migrated):
    """A committing connection; the customers rows it had to create and the invoices issued
    through ``issue`` are deleted at the end."""
    db = connect(settings.database)
    db.created_customers, db.invoice_ids = [], []
    yield db
    if db.invoice_ids:
        ids = (db.invoice_ids,)
        db.execute("DELETE FROM wp_sidecar_invoice_lines WHERE invoice_id IN %s", ids)
        db.execute("DELETE FROM wp_sidecar_payments WHERE invoice_id IN %s", ids)
        db.execute(
            "DELETE FROM wp_sidecar_events WHERE subject_type = 'invoice' AND subject_id IN %s",
            ids,
        )
        db.execute("DELETE FROM wp_sidecar_invoices WHERE id IN %s", ids)
    for user_id in db.created_customers:
        db.execute("DELETE FROM wp_sidecar_customers WHERE user_id = %s", (user_id,))
    db.close()


def customer_id(db, user_id: int) -> int:
    """The customer row of a WordPress user, created (and later removed) when missing."""
    row = customers_store.find_by_user(db, user_id)
    if row is None:
        db.created_customers.append(user_id)
        return customers_store.insert(db, user_id, ADDRESS)
    return row["id"]


def issue(db, user_id: int) -> invoices.Invoice:
    invoice = invoices.issue_invoice(
        db,
        network_id=1,
        customer_id=customer_id(db, user_id),
        membership_id=None,
        currency="EUR",
        lines=[InvoiceLine("Business plan", 1, Decimal("29.00"))],
        tax_rate=Decimal("21"),
        billing_address=ADDRESS,
        reason="signup",
        actor=Actor("system"),
    )
    db.invoice_ids.append(invoice.id)
    return invoice


@pytest.fixture(scope="module")
def alice_invoice(ledger_db, customers):
    customer_id(ledger_db, customers["bob"]["user_id"])  # bob is a customer too
    return issue(ledger_db, customers["alice"]["user_id"])


def request(sidecar_url, method, path, headers, data=None):
    return requests.request(
        method,
        f"{sidecar_url}{path}",
        headers=headers,
        data=data,
        timeout=20,
        allow_redirects=False,
    )


def as_customer(sidecar_url, network, customer, path, *, blog=None, sub=None):
    headers = assertion_header(
        network,
        aud="account",
        sub=sub or customer["user_id"],
        blog=blog or customer["blog_id"],
        path=path,
    )
    return request(sidecar_url, "GET", path, headers)


def as_admin(sidecar_url, network, path, method="GET", data=None):
    headers = assertion_header(
        network,
        aud="network",
        sub=network["admin"].get("user_id", 1),
        blog=0,
        path=path.split("?", 1)[0],  # the assertion signs the path without the query
        method=method,
    )
    return request(sidecar_url, method, path, headers, data)


def csrf_from(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]


# --- Account -----------------------------------------------------------------------------------


def test_alice_sees_her_invoice_page(sidecar_url, network, customers, alice_invoice):
    page = as_customer(
        sidecar_url, network, customers["alice"], f"/account/invoices/{alice_invoice.id}"
    )
    assert page.status_code == 200
    assert page.headers["X-Sidecar-Fragment"] == "1"
    assert alice_invoice.display_number in page.text
    assert "€35.09" in page.text  # 29.00 + 21 % tax
    assert "Zoë Ångström" in page.text
    assert "window.print()" in page.text
    assert "How to pay" in page.text


def test_alice_downloads_her_invoice_pdf(sidecar_url, network, customers, alice_invoice):
    answer = as_customer(
        sidecar_url, network, customers["alice"], f"/account/invoices/{alice_invoice.id}.pdf"
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert "X-Sidecar-Fragment" not in answer.headers  # the shim streams it as a file
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="{alice_invoice.display_number}.pdf"'
    )
    assert answer.content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert alice_invoice.display_number in text and "€35.09" in text


def test_the_account_page_lists_the_invoice(sidecar_url, network, customers, alice_invoice):
    page = as_customer(sidecar_url, network, customers["alice"], "/account/")
    assert page.status_code == 200
    assert f'data-invoice="{alice_invoice.id}"' in page.text
    assert f"%2Finvoices%2F{alice_invoice.id}.pdf" in page.text


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_bob_gets_404_for_alices_invoice(sidecar_url, network, customers, alice_invoice, suffix):
    path = f"/account/invoices/{alice_invoice.id}{suffix}"
    answer = as_customer(sidecar_url, network, customers["bob"], path)
    assert answer.status_code == 404
    assert alice_invoice.display_number not in answer.text
    assert not answer.content.startswith(b"%PDF")


def test_an_unknown_invoice_is_404_too(sidecar_url, network, customers):
    answer = as_customer(sidecar_url, network, customers["alice"], "/account/invoices/999999999")
    assert answer.status_code == 404


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_a_super_admin_opens_the_owners_invoice(
    sidecar_url, network, customers, alice_invoice, suffix
):
    path = f"/account/invoices/{alice_invoice.id}{suffix}"
    admin_id = network["admin"].get("user_id", 1)
    answer = as_customer(sidecar_url, network, customers["alice"], path, sub=admin_id)
    assert answer.status_code == 200
    # …but only through the site of the invoice's customer.
    elsewhere = as_customer(
        sidecar_url,
        network,
        customers["alice"],
        path,
        sub=admin_id,
        blog=customers["bob"]["blog_id"],
    )
    assert elsewhere.status_code == 404


# --- Network Admin -----------------------------------------------------------------------------


def test_network_admin_lists_and_filters(sidecar_url, network, ledger_db, customers):
    invoice = issue(ledger_db, customers["alice"]["user_id"])
    listing = as_admin(sidecar_url, network, "/network/invoices")
    assert listing.status_code == 200
    assert invoice.display_number in listing.text
    pending = as_admin(sidecar_url, network, "/network/invoices?status=pending")
    assert invoice.display_number in pending.text
    refunded = as_admin(sidecar_url, network, "/network/invoices?status=refunded")
    assert invoice.display_number not in refunded.text
    bad = as_admin(sidecar_url, network, "/network/invoices?status=bogus")
    assert bad.status_code == 400


def test_mark_paid_then_refund_with_csrf(sidecar_url, network, ledger_db, customers):
    invoice = issue(ledger_db, customers["alice"]["user_id"])
    view_path = f"/network/invoices/{invoice.id}"
    page = as_admin(sidecar_url, network, view_path)
    assert page.status_code == 200 and "Mark paid" in page.text
    token = csrf_from(page)

    pay_path = f"{view_path}/mark-paid"
    no_token = as_admin(sidecar_url, network, pay_path, "POST", {"reference": "X"})
    assert no_token.status_code == 400
    assert invoices.get_invoice(ledger_db, invoice.id).status == "pending"

    too_long = as_admin(
        sidecar_url, network, pay_path, "POST", {"reference": "R" * 101, "csrf_token": token}
    )
    assert too_long.status_code == 400
    assert "at most 100 characters" in too_long.text
    assert 'value="' + "R" * 101 + '"' in too_long.text  # the input is kept

    paid = as_admin(
        sidecar_url, network, pay_path, "POST", {"reference": "NL-BANK-42", "csrf_token": token}
    )
    assert paid.status_code == 303
    assert paid.headers["Location"] == f"{view_path}?done=paid"
    assert invoices.get_invoice(ledger_db, invoice.id).status == "paid"
    shown = as_admin(sidecar_url, network, view_path)
    assert "NL-BANK-42" in shown.text and "invoice.paid" in shown.text

    again = as_admin(sidecar_url, network, pay_path, "POST", {"csrf_token": token})
    assert again.status_code == 409
    assert "only pending invoices can be marked paid" in again.text

    refund_path = f"{view_path}/refund"
    refunded = as_admin(sidecar_url, network, refund_path, "POST", {"csrf_token": token})
    assert refunded.status_code == 303
    assert invoices.get_invoice(ledger_db, invoice.id).status == "refunded"
    assert [p.status for p in invoices.payments_for(ledger_db, invoice.id)] == ["refunded"]


def test_cancel_over_http(sidecar_url, network, ledger_db, customers):
    invoice = issue(ledger_db, customers["bob"]["user_id"])
    view_path = f"/network/invoices/{invoice.id}"
    token = csrf_from(as_admin(sidecar_url, network, view_path))
    cancelled = as_admin(sidecar_url, network, f"{view_path}/cancel", "POST", {"csrf_token": token})
    assert cancelled.status_code == 303
    assert invoices.get_invoice(ledger_db, invoice.id).status == "cancelled"


def test_network_admin_downloads_the_pdf(sidecar_url, network, alice_invoice):
    answer = as_admin(sidecar_url, network, f"/network/invoices/{alice_invoice.id}.pdf")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")


def test_customers_cannot_open_network_invoices(sidecar_url, network, customers, alice_invoice):
    path = f"/network/invoices/{alice_invoice.id}"
    headers = assertion_header(
        network, aud="network", sub=customers["alice"]["user_id"], blog=0, path=path
    )
    assert request(sidecar_url, "GET", path, headers).status_code == 403


# --- JSON API ----------------------------------------------------------------------------------


@pytest.fixture
def api_key(ledger_db):
    key = create_key(ledger_db, "invoice tests")
    yield key
    ledger_db.execute("DELETE FROM wp_sidecar_api_keys WHERE key_id = %s", (key.split("_")[1],))


def api(sidecar_url, key, path, **params):
    headers = {"Authorization": f"Bearer {key}"}
    return requests.get(f"{sidecar_url}/api/v1{path}", headers=headers, params=params, timeout=10)


def test_api_lists_and_reads_invoices_and_payments(
    sidecar_url, api_key, ledger_db, customers, alice_invoice
):
    alice_customer = customer_id(ledger_db, customers["alice"]["user_id"])
    paid = issue(ledger_db, customers["alice"]["user_id"])
    invoices.mark_paid(ledger_db, paid.id, actor=Actor("system"), reference="API-1")

    listing = api(sidecar_url, api_key, "/invoices/", customer_id=alice_customer, limit=500)
    assert listing.status_code == 200
    ids = [item["id"] for item in listing.json()["items"]]
    assert alice_invoice.id in ids and paid.id in ids
    first = api(sidecar_url, api_key, "/invoices/", customer_id=alice_customer, limit=1).json()
    assert first["next_after"] == first["items"][0]["id"]
    only_paid = api(sidecar_url, api_key, "/invoices/", status="paid", limit=500).json()
    assert {item["status"] for item in only_paid["items"]} == {"paid"}

    one = api(sidecar_url, api_key, f"/invoices/{alice_invoice.id}").json()
    assert one["display_number"] == alice_invoice.display_number
    assert (one["total"], one["tax"], one["currency"]) == ("35.09", "6.09", "EUR")
    assert one["lines"][0]["unit_price"] == "29.00"
    assert one["billing_address"]["billing_name"] == "Zoë Ångström"
    assert api(sidecar_url, api_key, "/invoices/999999999").status_code == 404

    payments = api(sidecar_url, api_key, "/payments/", invoice_id=paid.id).json()
    assert [(p["amount"], p["status"], p["reference"]) for p in payments["items"]] == [
        ("35.09", "succeeded", "API-1")
    ]
    assert api(sidecar_url, api_key, "/invoices/", status="bogus").status_code == 422
    assert requests.get(f"{sidecar_url}/api/v1/payments/", timeout=10).status_code == 401
