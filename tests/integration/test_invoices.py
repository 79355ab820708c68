"""The ledger against MariaDB: issuing, status changes, numbering under concurrency, the PDF."""

from __future__ import annotations

import io
import threading
from decimal import Decimal

import pytest
from pypdf import PdfReader

from sidecar.domain import invoices
from sidecar.domain.events import Actor
from sidecar.domain.invoice_pdf import render_pdf
from sidecar.domain.invoices import InvoiceLine
from sidecar.errors import Conflict, Invalid, NotFound
from sidecar.wp_bridge.db import connect

pytestmark = pytest.mark.integration

ADMIN = Actor("admin", 1, "test")
CUSTOMER = 900_001  # no real customer has such an id; every row the tests commit uses it
OTHER_CUSTOMER = 900_002
FRESH_NETWORK = 900  # a network without a counter row yet
ADDRESS = {
    "billing_name": "Zoë Ångström",
    "billing_company": "Ångström Bakery",
    "billing_address_1": "Keizersgracht 1",
    "billing_city": "Amsterdam",
    "billing_postcode": "1015 CJ",
    "billing_country": "NL",
}


def issue(db, network_id=1, customer_id=CUSTOMER, **changes):
    kwargs = {
        "network_id": network_id,
        "customer_id": customer_id,
        "membership_id": None,
        "currency": "EUR",
        "lines": [
            InvoiceLine("Business plan", 1, Decimal("29.00")),
            InvoiceLine("Extra disk", 2, Decimal("4.50")),
        ],
        "discount": Decimal("3.00"),
        "tax_rate": Decimal("21"),
        "billing_address": ADDRESS,
        "reason": "signup",
        "actor": ADMIN,
        **changes,
    }
    return invoices.issue_invoice(db, **kwargs)


def delete_invoices(db, where: str, params) -> None:
    ids = [row["id"] for row in db.fetch_all(f"SELECT id FROM wp_sidecar_invoices {where}", params)]
    if not ids:
        return
    for sql in (
        "DELETE FROM wp_sidecar_invoice_lines WHERE invoice_id IN %s",
        "DELETE FROM wp_sidecar_payments WHERE invoice_id IN %s",
        "DELETE FROM wp_sidecar_events WHERE subject_type = 'invoice' AND subject_id IN %s",
        "DELETE FROM wp_sidecar_invoices WHERE id IN %s",
    ):
        db.execute(sql, (ids,))


@pytest.fixture
def committed(settings, migrated):
    """A connection whose work is committed; everything of CUSTOMER and FRESH_NETWORK is
    deleted afterwards."""
    db = connect(settings.database)
    yield db
    delete_invoices(db, "WHERE customer_id = %s", (CUSTOMER,))
    delete_invoices(db, "WHERE network_id = %s", (FRESH_NETWORK,))
    db.execute("DELETE FROM wp_sidecar_invoice_counters WHERE network_id = %s", (FRESH_NETWORK,))
    db.close()


# --- issuing and status changes (rolled back) --------------------------------------------------


def test_issue_stores_the_totals_lines_address_and_an_event(db):
    invoice = issue(db)
    assert invoice.status == "pending"
    assert (invoice.subtotal, invoice.discount, invoice.tax, invoice.total) == (
        Decimal("38.00"),
        Decimal("3.00"),
        Decimal("7.35"),
        Decimal("42.35"),
    )
    assert [(line.description, line.amount) for line in invoice.lines] == [
        ("Business plan", Decimal("29.00")),
        ("Extra disk", Decimal("9.00")),
    ]
    assert invoice.billing_address["billing_name"] == "Zoë Ångström"
    assert (invoice.due_at - invoice.issued_at).days == 14
    assert invoice.display_number == f"INV-{invoice.number:06d}"
    events = invoices.history(db, invoice.id)
    assert [e["action"] for e in events] == ["invoice.issued"]
    assert events[0]["after_state"]["total"] == "42.35"


def test_the_address_is_a_snapshot(db):
    address = dict(ADDRESS)
    invoice = issue(db, billing_address=address)
    address["billing_name"] = "Someone Else"
    assert invoices.get_invoice(db, invoice.id).billing_address["billing_name"] == "Zoë Ångström"


def test_pending_to_paid_to_refunded(db):
    invoice = issue(db)
    paid = invoices.mark_paid(db, invoice.id, actor=ADMIN, reference="  BANK-123 ")
    assert paid.status == "paid" and paid.paid_at is not None
    [payment] = invoices.payments_for(db, invoice.id)
    assert (payment.status, payment.amount, payment.reference) == (
        "succeeded",
        Decimal("42.35"),
        "BANK-123",
    )
    refunded = invoices.refund(db, invoice.id, actor=ADMIN)
    assert refunded.status == "refunded"
    assert [p.status for p in invoices.payments_for(db, invoice.id)] == ["refunded"]
    actions = [e["action"] for e in invoices.history(db, invoice.id)]
    assert actions == ["invoice.refunded", "invoice.paid", "invoice.issued"]
    paid_event = invoices.history(db, invoice.id)[1]
    assert paid_event["before_state"] == {"status": "pending"}
    assert paid_event["after_state"]["reference"] == "BANK-123"


@pytest.mark.parametrize(
    ("setup", "action", "message"),
    [
        (["paid"], "paid", "is paid: only pending invoices can be marked paid"),
        (["paid"], "cancelled", "only pending invoices can be cancelled"),
        ([], "refunded", "is pending: only paid invoices can be refunded"),
        (["cancelled"], "paid", "is cancelled"),
        (["paid", "refunded"], "refunded", "is refunded"),
        (["failed"], "paid", "is failed"),
    ],
)
def test_refused_transitions(db, setup, action, message):
    invoice = issue(db)
    for step in setup:
        _move(db, invoice.id, step)
    with pytest.raises(Conflict) as refused:
        _move(db, invoice.id, action)
    assert message in refused.value.message
    assert invoice.display_number in refused.value.message
    before = len(invoices.history(db, invoice.id))
    assert before == 1 + len(setup)  # the refusal recorded nothing


def _move(db, invoice_id, status):
    change = {
        "paid": invoices.mark_paid,
        "failed": invoices.mark_failed,
        "cancelled": invoices.cancel,
        "refunded": invoices.refund,
    }[status]
    return change(db, invoice_id, actor=ADMIN)


def test_cancel_and_fail_a_pending_invoice(db):
    assert invoices.cancel(db, issue(db).id, actor=ADMIN).status == "cancelled"
    failed = invoices.mark_failed(db, issue(db).id, actor=ADMIN, reference="card declined")
    assert failed.status == "failed"
    assert [p.status for p in invoices.payments_for(db, failed.id)] == ["failed"]


def test_unknown_invoice_is_not_found(db):
    with pytest.raises(NotFound):
        invoices.mark_paid(db, 999_999_999, actor=ADMIN)
    with pytest.raises(NotFound):
        invoices.get_invoice(db, 999_999_999)


def test_customers_see_only_their_own_invoices(db):
    invoice = issue(db)
    assert invoices.get_for_customer(db, CUSTOMER, invoice.id).id == invoice.id
    with pytest.raises(NotFound):
        invoices.get_for_customer(db, OTHER_CUSTOMER, invoice.id)
    assert invoices.list_for_customer(db, CUSTOMER)[0].id == invoice.id
    assert invoices.list_for_customer(db, OTHER_CUSTOMER) == []


def test_listing_filters_and_pages(db):
    first, second, third = issue(db), issue(db), issue(db)
    invoices.mark_paid(db, second.id, actor=ADMIN)
    pending = invoices.list_invoices(db, status="pending", customer_id=CUSTOMER)
    assert [i.id for i in pending] == [first.id, third.id]
    page = invoices.list_invoices(db, customer_id=CUSTOMER, after_id=first.id, limit=1)
    assert [i.id for i in page] == [second.id]
    newest = invoices.list_invoices(db, customer_id=CUSTOMER, newest_first=True, limit=2)
    assert [i.id for i in newest] == [third.id, second.id]
    with pytest.raises(Invalid):
        invoices.list_invoices(db, status="bogus")


def test_bad_input_is_refused_with_field_messages(db):
    cases = [
        ({"lines": []}, "lines"),
        ({"lines": [InvoiceLine("", 1, Decimal(1))]}, "lines.1"),
        ({"lines": [InvoiceLine("x", 0, Decimal(1))]}, "lines.1"),
        ({"currency": "XXX"}, "currency"),
        ({"reason": "gift"}, "reason"),
        ({"gateway": "bitcoin"}, "gateway"),
        ({"discount": Decimal("-1")}, "discount"),
        ({"tax_rate": Decimal("101")}, "tax_rate"),
    ]
    for changes, field in cases:
        with pytest.raises(Invalid) as refused:
            issue(db, **changes)
        assert field in refused.value.errors, changes


def test_credits_floor_the_total_at_zero(db):
    invoice = issue(
        db,
        lines=[
            InvoiceLine("Plan", 1, Decimal("10.00")),
            InvoiceLine("Credit", 1, Decimal("-15.00")),
        ],
        discount=Decimal(0),
    )
    assert invoice.subtotal == Decimal("-5.00")
    assert (invoice.tax, invoice.total) == (0, 0)
    assert invoices.mark_paid(db, invoice.id, actor=ADMIN).status == "paid"


# --- numbering (committed, cleaned up) ---------------------------------------------------------


@pytest.mark.parametrize("network_id", [1, FRESH_NETWORK], ids=["existing", "fresh"])
def test_fifty_concurrent_issuers_get_fifty_consecutive_numbers(settings, committed, network_id):
    count = 50
    start = threading.Barrier(count)
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def issuer():
        conn = connect(settings.database)
        try:
            start.wait(timeout=30)
            number = issue(conn, network_id=network_id).number
            with lock:
                numbers.append(number)
        except BaseException as error:  # reported below
            with lock:
                errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=issuer) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    first = min(numbers)
    assert sorted(numbers) == list(range(first, first + count))
    if network_id == FRESH_NETWORK:
        assert first == 1


def test_a_rolled_back_invoice_leaves_no_gap(committed):
    before = issue(committed).number
    with pytest.raises(RuntimeError), committed.transaction():
        assert issue(committed).number == before + 1
        raise RuntimeError("the caller fails after issuing")
    assert issue(committed).number == before + 1


def test_numbers_are_taken_only_inside_a_transaction(committed):
    from sidecar.store.invoice_counters import next_number

    with pytest.raises(RuntimeError):
        next_number(committed, 1)


# --- the PDF ----------------------------------------------------------------------------------


def test_the_pdf_shows_number_total_and_unicode_names(db):
    invoice = issue(db)
    seller = {"name": "Ångström Hosting", "address": ["Herengracht 1", "Amsterdam"], "email": ""}
    pdf = render_pdf(invoice, seller)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert invoice.display_number in text
    assert "€42.35" in text
    assert "Zoë Ångström" in text
    assert "Ångström Hosting" in text
    assert "How to pay" in text and "quoting " + invoice.display_number in text
    assert reader.metadata.title == f"Invoice {invoice.display_number}"


def test_the_pdf_falls_back_to_helvetica_without_the_font(db, monkeypatch, tmp_path):
    from sidecar.domain import invoice_pdf

    monkeypatch.setattr(invoice_pdf, "FONT_DIR", tmp_path)
    invoice = invoices.mark_paid(db, issue(db).id, actor=ADMIN)
    text = PdfReader(io.BytesIO(render_pdf(invoice, {"name": "Net"}))).pages[0].extract_text()
    assert "EUR 42.35" in text and "Zoë Ångström" in text and "PAID" in text
