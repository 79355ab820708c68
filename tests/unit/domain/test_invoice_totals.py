"""Invoice totals: exact decimals, tax rounded half-up to cents, never negative."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sidecar.domain.invoices import InvoiceLine, compute_totals, format_number
from sidecar.errors import Invalid

CENTS = Decimal("0.01")
prices = st.decimals(min_value=-5000, max_value=5000, places=2)
lines = st.lists(
    st.builds(
        InvoiceLine,
        description=st.just("line"),
        quantity=st.integers(1, 20),
        unit_price=prices,
    ),
    min_size=1,
    max_size=6,
)
discounts = st.decimals(min_value=0, max_value=20000, places=2)
rates = st.decimals(min_value=0, max_value=100, places=2)


@given(lines, discounts, rates)
def test_totals_are_never_negative(invoice_lines, discount, rate):
    totals = compute_totals(invoice_lines, discount, rate)
    assert totals.total >= 0
    assert totals.tax >= 0
    assert totals.discount >= 0


@given(lines, discounts, rates)
def test_discount_never_exceeds_the_subtotal(invoice_lines, discount, rate):
    totals = compute_totals(invoice_lines, discount, rate)
    assert totals.discount <= max(totals.subtotal, Decimal(0))
    assert totals.discount == min(discount, max(totals.subtotal, Decimal(0)))


@given(lines, discounts, rates)
def test_total_is_subtotal_minus_discount_plus_tax(invoice_lines, discount, rate):
    totals = compute_totals(invoice_lines, discount, rate)
    assert totals.subtotal == sum(line.quantity * line.unit_price for line in invoice_lines)
    assert totals.total == max(totals.subtotal - totals.discount + totals.tax, Decimal(0))
    for amount in (totals.subtotal, totals.discount, totals.tax, totals.total):
        assert amount == amount.quantize(CENTS)


@given(lines, discounts, rates)
def test_tax_is_rounded_half_up_to_cents(invoice_lines, discount, rate):
    totals = compute_totals(invoice_lines, discount, rate)
    exact = max(totals.subtotal - totals.discount, Decimal(0)) * rate / 100
    assert totals.tax == exact.quantize(CENTS, rounding=ROUND_HALF_UP)
    assert abs(totals.tax - exact) <= Decimal("0.005")


@pytest.mark.parametrize(
    ("price", "rate", "tax"),
    [
        ("0.50", "1", "0.01"),  # 0.005 rounds up, not to even
        ("0.25", "10", "0.03"),  # 0.025 → 0.03
        ("0.15", "10", "0.02"),  # 0.015 → 0.02
        ("0.14", "10", "0.01"),  # 0.014 → 0.01
        ("100.00", "21", "21.00"),
    ],
)
def test_tax_half_cents_round_up(price, rate, tax):
    totals = compute_totals([InvoiceLine("x", 1, Decimal(price))], Decimal(0), Decimal(rate))
    assert totals.tax == Decimal(tax)


def test_a_credit_larger_than_the_charges_gives_a_zero_invoice():
    totals = compute_totals(
        [InvoiceLine("Plan", 1, Decimal("10.00")), InvoiceLine("Credit", 1, Decimal("-25.00"))],
        Decimal("5.00"),
        Decimal("21"),
    )
    assert totals.subtotal == Decimal("-15.00")
    assert (totals.discount, totals.tax, totals.total) == (0, 0, 0)


def test_a_credit_lowers_the_taxable_amount():
    totals = compute_totals(
        [InvoiceLine("Plan", 2, Decimal("30.00")), InvoiceLine("Credit", 1, Decimal("-10.00"))],
        Decimal("10.00"),
        Decimal("20"),
    )
    assert totals == type(totals)(
        subtotal=Decimal("50.00"),
        discount=Decimal("10.00"),
        tax=Decimal("8.00"),
        total=Decimal("48.00"),
    )


@pytest.mark.parametrize(
    ("discount", "rate", "field"),
    [("-1", "0", "discount"), ("0", "-1", "tax_rate"), ("0", "100.01", "tax_rate")],
)
def test_bad_discount_or_rate_is_refused(discount, rate, field):
    with pytest.raises(Invalid) as refused:
        compute_totals([InvoiceLine("x", 1, Decimal(1))], Decimal(discount), Decimal(rate))
    assert field in refused.value.errors


def test_display_number():
    assert format_number(42) == "INV-000042"
    assert format_number(1234567) == "INV-1234567"
