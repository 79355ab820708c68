"""Invoices: issue, pay, refund, cancel — and read them back.

Totals (``compute_totals``), in exact decimals rounded half-up to cents:

    subtotal = Σ quantity × unit_price              (credit lines have a negative unit price)
    discount = the given discount, capped at the subtotal (never below 0)
    tax      = (subtotal − discount) × tax_rate / 100, on a base floored at 0
    total    = subtotal − discount + tax, floored at 0

So credits (e.g. a proration credit) lower the invoice but never make it negative: a credit
larger than the charges yields a 0.00 invoice, and the unused credit is *not* carried by the
invoice — whoever issues it keeps track of what is left.

Numbers are sequential per network and taken in the invoice's own transaction under the
counter row's lock (``store.invoice_counters``): no gaps, no duplicates. People see them as
``INV-000042`` (``format_number``).

Status: ``pending`` → ``paid`` | ``cancelled`` | ``failed``; ``paid`` → ``refunded``. Anything
else raises Conflict. Every change records an event in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import gettext, lazy_gettext

from ..errors import Conflict, Invalid, NotFound
from ..i18n import format_money_local, format_percent, label
from ..store import customers as customers_store
from ..store import invoice_counters, invoice_lines
from ..store import invoices as store
from ..store import payments as payments_store
from ..wp_bridge.db import Database, Row
from . import events
from .access import Viewer
from .clock import utcnow
from .events import Actor
from .gateways import GATEWAYS
from .money import CENT, CURRENCIES, MAX_AMOUNT, ZERO, money
from .ownership import site_owner

STATUSES = ("pending", "paid", "refunded", "failed", "cancelled")
REASONS = ("signup", "renewal", "change", "package")
# target status → (the status it must come from, the verb for messages, the event action)
_TRANSITIONS = {
    "paid": (
        "pending",
        lazy_gettext("Invoice %(number)s is %(status)s: only pending invoices can be marked paid."),
        "invoice.paid",
    ),
    "cancelled": (
        "pending",
        lazy_gettext("Invoice %(number)s is %(status)s: only pending invoices can be cancelled."),
        "invoice.cancelled",
    ),
    "failed": (
        "pending",
        lazy_gettext(
            "Invoice %(number)s is %(status)s: only pending invoices can be marked failed."
        ),
        "invoice.failed",
    ),
    "refunded": (
        "paid",
        lazy_gettext("Invoice %(number)s is %(status)s: only paid invoices can be refunded."),
        "invoice.refunded",
    ),
}
MAX_TAX_RATE = Decimal(100)


def format_number(number: int) -> str:
    """The invoice number as people see it: ``INV-000042``."""
    return f"INV-{number:06d}"


@dataclass(frozen=True)
class InvoiceLine:
    """One line: ``quantity`` × ``unit_price`` (negative for a credit)."""

    description: str
    quantity: int
    unit_price: Decimal
    product_id: int | None = None

    @property
    def amount(self) -> Decimal:
        """quantity × unit price, in cents."""
        return money(self.quantity * money(self.unit_price))


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class Invoice:
    id: int
    network_id: int
    number: int
    customer_id: int
    membership_id: int | None
    status: str
    reason: str
    currency: str
    subtotal: Decimal
    discount: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal
    billing_address: dict
    gateway: str
    issued_at: datetime
    due_at: datetime
    paid_at: datetime | None
    updated_at: datetime
    lines: list[InvoiceLine] = field(default_factory=list)

    @property
    def display_number(self) -> str:
        """``INV-000042``."""
        return format_number(self.number)

    @property
    def gateway_label(self) -> str:
        """How it is paid, for people (``Bank transfer``)."""
        gateway = GATEWAYS.get(self.gateway)
        return gateway.label if gateway else self.gateway

    @property
    def tax_percent(self) -> str:
        """The tax rate for people, in the current language: ``21%``, ``5.5%`` (``21 %``)."""
        return format_percent(self.tax_rate)

    def money(self, amount: Decimal) -> str:
        """An amount in this invoice's currency, written for people in the current language
        (``€12.50``, ``€ 12,50``, ``12,50 €``)."""
        return format_money_local(amount, self.currency)

    def billing_lines(self) -> list[str]:
        """The billing address snapshot as printable lines."""
        return address_lines(self.billing_address)


@dataclass(frozen=True)
class Payment:
    id: int
    invoice_id: int
    gateway: str
    amount: Decimal
    currency: str
    status: str
    reference: str
    created_at: datetime

    def money(self) -> str:
        """The amount written for people, in the current language."""
        return format_money_local(self.amount, self.currency)


# --- totals -----------------------------------------------------------------------------


def compute_totals(
    lines: Sequence[InvoiceLine], discount: Decimal = ZERO, tax_rate: Decimal = ZERO
) -> Totals:
    """Subtotal, discount, tax and total of ``lines`` (rules in the module docstring).

    A discount above the subtotal is capped at it. Raises Invalid for a negative discount or a
    tax rate outside 0-100.
    """
    discount, tax_rate = _amount("discount", discount), _rate(tax_rate)
    if discount < 0:
        raise Invalid({"discount": [gettext("A discount cannot be negative.")]})
    subtotal = sum((line.amount for line in lines), ZERO)
    discount = min(discount, max(subtotal, ZERO))
    taxable = max(subtotal - discount, ZERO)
    tax = (taxable * tax_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    total = max(subtotal - discount + tax, ZERO)
    return Totals(subtotal=subtotal, discount=discount, tax=tax, total=total)


# --- issuing ------------------------------------------------------------------------------


def issue_invoice(
    db: Database,
    *,
    network_id: int,
    customer_id: int,
    membership_id: int | None,
    currency: str,
    lines: Sequence[InvoiceLine],
    discount: Decimal = ZERO,
    tax_rate: Decimal = ZERO,
    billing_address: dict,
    reason: str,
    actor: Actor,
    due_days: int = 14,
    gateway: str = "manual",
) -> Invoice:
    """Issue a pending invoice with the next number of ``network_id``, in one transaction
    (nested in the caller's when there is one), and record ``invoice.issued``.

    ``billing_address`` is copied as it is now. Raises Invalid for bad lines, currency,
    reason, gateway, discount, tax rate or due days.
    """
    lines = [_checked_line(index, line) for index, line in enumerate(lines, start=1)]
    _check_header(currency, lines, reason, gateway, due_days)
    totals = compute_totals(lines, discount, tax_rate)
    if totals.subtotal > MAX_AMOUNT or totals.total > MAX_AMOUNT:
        raise Invalid({"lines": [gettext("The invoice total is too large.")]})
    issued_at = utcnow()
    with db.transaction():
        number = invoice_counters.next_number(db, network_id)
        invoice_id = store.insert(
            db,
            {
                "network_id": network_id,
                "number": number,
                "customer_id": customer_id,
                "membership_id": membership_id,
                "status": "pending",
                "reason": reason,
                "currency": currency,
                **asdict(totals),
                "tax_rate": _rate(tax_rate),
                "billing_address": json.dumps(billing_address or {}, ensure_ascii=False),
                "gateway": gateway,
                "issued_at": issued_at,
                "due_at": issued_at + timedelta(days=due_days),
            },
        )
        invoice_lines.insert_many(db, invoice_id, [_line_row(line) for line in lines])
        invoice = get_invoice(db, invoice_id)
        events.record(db, actor, "invoice", invoice_id, "invoice.issued", None, invoice)
    return invoice


def _checked_line(index: int, line: InvoiceLine) -> InvoiceLine:
    """``line`` with its description trimmed and price in cents. Raises Invalid."""
    where = f"lines.{index}"
    description = str(line.description or "").strip()
    if not 1 <= len(description) <= 255:
        raise Invalid({where: [gettext("Each line needs a description of 1 to 255 characters.")]})
    quantity = line.quantity
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 100000:
        raise Invalid({where: [gettext("The quantity must be a whole number from 1 to 100000.")]})
    unit_price = _amount(where, line.unit_price)
    if abs(unit_price) > MAX_AMOUNT:
        raise Invalid({where: [gettext("The unit price is too large.")]})
    return InvoiceLine(description, quantity, unit_price, line.product_id)


def _check_header(
    currency: str, lines: list[InvoiceLine], reason: str, gateway: str, due_days: int
) -> None:
    problems = {}
    if currency not in CURRENCIES:
        problems["currency"] = [
            gettext("%(currency)s is not a currency we invoice in.", currency=repr(currency))
        ]
    if not lines:
        problems["lines"] = [gettext("An invoice needs at least one line.")]
    if reason not in REASONS:
        problems["reason"] = [
            gettext("The reason must be one of %(choices)s.", choices=", ".join(REASONS))
        ]
    if gateway not in GATEWAYS:
        problems["gateway"] = [gettext("Unknown payment method %(key)s.", key=repr(gateway))]
    if isinstance(due_days, bool) or not isinstance(due_days, int) or not 0 <= due_days <= 365:
        problems["due_days"] = [gettext("Due days must be a whole number from 0 to 365.")]
    if problems:
        raise Invalid(problems)


def _line_row(line: InvoiceLine) -> dict:
    return {**asdict(line), "amount": line.amount}


# --- status changes -----------------------------------------------------------------------


def mark_paid(db: Database, invoice_id: int, *, actor: Actor, reference: str = "") -> Invoice:
    """pending → paid, with a succeeded payment of the total (``reference``: the bank's or
    gateway's id). Raises NotFound, Conflict (not pending), Invalid (reference too long)."""
    reference = _reference(reference)
    with db.transaction():
        invoice = _locked_for(db, invoice_id, "paid")
        now = utcnow()
        store.set_status(db, invoice.id, "paid", now, paid_at=now)
        _add_payment(db, invoice, "succeeded", reference, now)
        return _recorded(db, actor, invoice, "paid", reference=reference)


def mark_failed(db: Database, invoice_id: int, *, actor: Actor, reference: str = "") -> Invoice:
    """pending → failed, with a failed payment (a gateway's declined attempt).
    Raises NotFound, Conflict, Invalid."""
    reference = _reference(reference)
    with db.transaction():
        invoice = _locked_for(db, invoice_id, "failed")
        now = utcnow()
        store.set_status(db, invoice.id, "failed", now)
        _add_payment(db, invoice, "failed", reference, now)
        return _recorded(db, actor, invoice, "failed", reference=reference)


def refund(db: Database, invoice_id: int, *, actor: Actor) -> Invoice:
    """paid → refunded; its succeeded payments become refunded. Raises NotFound, Conflict."""
    with db.transaction():
        invoice = _locked_for(db, invoice_id, "refunded")
        store.set_status(db, invoice.id, "refunded", utcnow())
        payments_store.set_status_for_invoice(db, invoice.id, "succeeded", "refunded")
        return _recorded(db, actor, invoice, "refunded")


def cancel(db: Database, invoice_id: int, *, actor: Actor) -> Invoice:
    """pending → cancelled (nothing is owed any more). Raises NotFound, Conflict."""
    with db.transaction():
        invoice = _locked_for(db, invoice_id, "cancelled")
        store.set_status(db, invoice.id, "cancelled", utcnow())
        return _recorded(db, actor, invoice, "cancelled")


def _locked_for(db: Database, invoice_id: int, target: str) -> Invoice:
    """Lock invoice ``invoice_id`` and check it may move to ``target``.
    Raises NotFound, Conflict."""
    row = store.get(db, invoice_id, for_update=True)
    if row is None:
        raise NotFound(gettext("No invoice with this id."))
    invoice = _invoice(row, [])
    required, refusal, _action = _TRANSITIONS[target]
    if invoice.status != required:
        raise Conflict(
            refusal
            % {
                "number": invoice.display_number,
                "status": label("invoice_status", invoice.status).lower(),
            },
            code="invoice_status",
        )
    return invoice


def _recorded(db: Database, actor: Actor, before: Invoice, status: str, **details) -> Invoice:
    """Record the status change of ``before`` and return the invoice as it is now."""
    after = get_invoice(db, before.id)
    events.record(
        db,
        actor,
        "invoice",
        before.id,
        _TRANSITIONS[status][2],
        {"status": before.status},
        {"status": after.status, "paid_at": after.paid_at, **details},
    )
    return after


def _add_payment(db: Database, invoice: Invoice, status: str, reference: str, now) -> None:
    payments_store.insert(
        db,
        invoice_id=invoice.id,
        gateway=invoice.gateway,
        amount=invoice.total,
        currency=invoice.currency,
        status=status,
        reference=reference,
        now=now,
    )


def _reference(reference: str) -> str:
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise Invalid({"reference": [gettext("The reference can be at most 100 characters.")]})
    return reference


# --- reading ------------------------------------------------------------------------------


def get_invoice(db: Database, invoice_id: int, *, network_id: int | None = None) -> Invoice:
    """Return invoice ``invoice_id`` with its lines (only of ``network_id`` when given).
    Raises NotFound."""
    row = store.get(db, invoice_id)
    if row is None or (network_id is not None and row["network_id"] != network_id):
        raise NotFound(gettext("No invoice with this id."))
    return _with_lines(db, [row])[0]


def get_for_customer(db: Database, customer_id: int, invoice_id: int) -> Invoice:
    """Return invoice ``invoice_id`` if it belongs to ``customer_id``. Raises NotFound for
    anyone else's (never confirming that it exists)."""
    row = store.get(db, invoice_id)
    if row is None or row["customer_id"] != customer_id:
        raise NotFound(gettext("No invoice with this id."))
    return _with_lines(db, [row])[0]


def list_for_customer(db: Database, customer_id: int, *, with_lines: bool = True) -> list[Invoice]:
    """Return a customer's invoices (up to 100), newest first; with ``with_lines=False``
    their ``lines`` stay empty (one query less, for lists that show totals only)."""
    rows = store.for_customer(db, customer_id)
    return _with_lines(db, rows) if with_lines else [_invoice(row, []) for row in rows]


def list_invoices(
    db: Database,
    *,
    status: str | None = None,
    customer_id: int | None = None,
    network_id: int | None = None,
    after_id: int = 0,
    before_id: int | None = None,
    newest_first: bool = False,
    limit: int = 50,
) -> list[Invoice]:
    """Return a page of invoices with ids above ``after_id`` (and below ``before_id``), in id
    order or newest first, optionally of one status, customer and network.
    Raises Invalid for an unknown status."""
    if status is not None and status not in STATUSES:
        raise Invalid(
            {
                "status": [
                    gettext("The status must be one of %(choices)s.", choices=", ".join(STATUSES))
                ]
            }
        )
    rows = store.page(
        db,
        network_id=network_id,
        status=status,
        customer_id=customer_id,
        after_id=after_id,
        before_id=before_id,
        newest_first=newest_first,
        limit=limit,
    )
    return _with_lines(db, rows)


@dataclass(frozen=True)
class InvoicePage:
    """Network Admin → Invoices: a page of invoices, newest first, and the status counts."""

    invoices: list[Invoice]
    counts: dict[str, int]
    next_before: int | None


def admin_page(
    db: Database, *, network_id: int, status: str | None, before_id: int | None, limit: int
) -> InvoicePage:
    """A page of the network's invoices, newest first, below ``before_id`` when given.
    Raises Invalid for an unknown status."""
    items = list_invoices(
        db,
        status=status,
        network_id=network_id,
        before_id=before_id,
        newest_first=True,
        limit=limit,
    )
    next_before = items[-1].id if len(items) == limit else None
    return InvoicePage(items, status_counts(db, network_id=network_id), next_before)


def count_invoices(
    db: Database,
    *,
    status: str | None = None,
    customer_id: int | None = None,
    network_id: int | None = None,
) -> int:
    """Count invoices, optionally only of one status, customer and network."""
    return store.count(db, status=status, customer_id=customer_id, network_id=network_id)


def status_counts(db: Database, *, network_id: int | None = None) -> dict[str, int]:
    """How many invoices have each status (every status present, 0 when none) and ``all``."""
    counts = store.counts_by_status(db, network_id=network_id)
    return {"all": sum(counts.values()), **{status: counts.get(status, 0) for status in STATUSES}}


@dataclass(frozen=True)
class InvoiceDetail:
    """Network Admin's view of one invoice: its payments and its history."""

    invoice: Invoice
    payments: list[Payment]
    events: list[dict]


def invoice_detail(
    db: Database, invoice_id: int, *, network_id: int | None = None
) -> InvoiceDetail:
    """Return the invoice with its payments and events. Raises NotFound."""
    invoice = get_invoice(db, invoice_id, network_id=network_id)
    return InvoiceDetail(invoice, payments_for(db, invoice_id), history(db, invoice_id))


def payments_for(db: Database, invoice_id: int) -> list[Payment]:
    """Return an invoice's payments, oldest first."""
    return [Payment(**row) for row in payments_store.for_invoice(db, invoice_id)]


def list_payments(
    db: Database,
    *,
    invoice_id: int | None = None,
    network_id: int | None = None,
    after_id: int = 0,
    limit: int = 50,
) -> list[Payment]:
    """Return a page of payments in id order (keyset paging on id), optionally only of one
    invoice and of one network's invoices."""
    rows = payments_store.page(
        db, invoice_id=invoice_id, network_id=network_id, after_id=after_id, limit=limit
    )
    return [Payment(**row) for row in rows]


def history(db: Database, invoice_id: int) -> list[dict]:
    """Return the invoice's events, newest first."""
    return events.history(db, "invoice", invoice_id)


# --- the Account page's view --------------------------------------------------------------


def viewer_customer_id(db: Database, viewer: Viewer) -> int | None:
    """The customer whose invoices ``viewer`` sees on this site's Account page: their own, or,
    for a super admin, the site owner's. None when there is no such customer."""
    user_id = viewer.user.id
    if viewer.is_super_admin:
        owner = site_owner(db, viewer.site.blog_id) if viewer.site else None
        if owner is None:
            return None
        user_id = owner.id
    row = customers_store.find_by_user(db, user_id)
    return row["id"] if row else None


def list_for_viewer(db: Database, viewer: Viewer) -> list[Invoice]:
    """The invoices shown in the Account page's Invoices block, newest first."""
    customer_id = viewer_customer_id(db, viewer)
    return [] if customer_id is None else list_for_customer(db, customer_id)


def get_for_viewer(db: Database, viewer: Viewer, invoice_id: int) -> Invoice:
    """Invoice ``invoice_id`` if ``viewer`` may see it on this Account page.
    Raises NotFound otherwise (never Forbidden: we do not confirm it exists)."""
    customer_id = viewer_customer_id(db, viewer)
    if customer_id is None:
        raise NotFound(gettext("No invoice with this id."))
    return get_for_customer(db, customer_id, invoice_id)


# --- erasure ------------------------------------------------------------------------------


def anonymous_address(customer_id: int) -> dict:
    """The billing address left on a deleted customer's invoices."""
    return {"billing_name": f"Deleted customer #{customer_id}"}


def redact_billing(state, customer_id: int):
    """``state`` (a decoded event state) without billing details: every ``billing_address``
    becomes the anonymous one and every other ``billing_*`` value is emptied."""
    if isinstance(state, list):
        return [redact_billing(item, customer_id) for item in state]
    if not isinstance(state, dict):
        return state
    redacted = {}
    for key, value in state.items():
        if key == "billing_address":
            redacted[key] = anonymous_address(customer_id)
        elif key == "billing_name":
            redacted[key] = anonymous_address(customer_id)["billing_name"]
        elif key.startswith("billing_"):
            redacted[key] = ""
        else:
            redacted[key] = redact_billing(value, customer_id)
    return redacted


def anonymise_customer(db: Database, customer_id: int) -> int:
    """Keep ``customer_id``'s invoices and payments for the books but without personal data:
    the billing name becomes "Deleted customer #id", address and tax id are removed — on the
    invoices and in their events. Returns how many invoices were anonymised."""
    with db.transaction():
        count = store.anonymise_customer(
            db, customer_id, json.dumps(anonymous_address(customer_id))
        )
        ids = store.ids_for_customer(db, customer_id)
        events.redact(db, "invoice", ids, lambda state: redact_billing(state, customer_id))
    return count


# --- helpers ------------------------------------------------------------------------------


def address_lines(address: dict) -> list[str]:
    """A billing address (``billing_*`` keys, or the same without the prefix) as lines."""
    value = {key.removeprefix("billing_"): str(v or "").strip() for key, v in address.items()}
    city = " ".join(part for part in (value.get("postcode"), value.get("city")) if part)
    lines = [
        value.get("name"),
        value.get("company"),
        value.get("address_1"),
        value.get("address_2"),
        city,
        value.get("state"),
        value.get("country"),
    ]
    if value.get("vat_number"):
        lines.append(gettext("VAT %(number)s", number=value["vat_number"]))
    return [line for line in lines if line]


def _with_lines(db: Database, rows: list[Row]) -> list[Invoice]:
    by_invoice: dict[int, list[InvoiceLine]] = {row["id"]: [] for row in rows}
    for line in invoice_lines.for_invoices(db, list(by_invoice)):
        by_invoice[line["invoice_id"]].append(
            InvoiceLine(
                line["description"], line["quantity"], line["unit_price"], line["product_id"]
            )
        )
    return [_invoice(row, by_invoice[row["id"]]) for row in rows]


def _invoice(row: Row, lines: Iterable[InvoiceLine]) -> Invoice:
    address = json.loads(row["billing_address"] or "{}")
    return Invoice(
        **{**row, "billing_address": address if isinstance(address, dict) else {}},
        lines=list(lines),
    )


def _amount(name: str, value) -> Decimal:
    try:
        return money(value)
    except (ValueError, InvalidOperation):
        raise Invalid({name: [gettext("Must be an amount like 12.50.")]}) from None


def _rate(value) -> Decimal:
    rate = _amount("tax_rate", value)
    if not ZERO <= rate <= MAX_TAX_RATE:
        raise Invalid({"tax_rate": [gettext("The tax rate must be a percentage from 0 to 100.")]})
    return rate
