"""Proration in exact decimals: credit never exceeds what was paid, amounts never negative."""

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sidecar.domain.proration import prorate, unused_fraction

START = datetime(2026, 11, 1)
END = datetime(2026, 12, 1)
amounts = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False)
moments = st.datetimes(min_value=datetime(2026, 10, 1), max_value=datetime(2027, 1, 1))


def test_half_way_through_a_month():
    result = prorate(
        paid_for_period=Decimal("30.00"),
        new_amount=Decimal("90.00"),
        period_start=START,
        period_end=END,
        now=START + (END - START) / 2,
    )
    assert result.credit == Decimal("15.00")
    assert result.charge == Decimal("45.00")
    assert result.net == Decimal("30.00")


def test_downgrade_gives_a_credit():
    result = prorate(
        paid_for_period=Decimal("29.00"),
        new_amount=Decimal("9.00"),
        period_start=START,
        period_end=END,
        now=START + timedelta(days=10),
    )
    assert result.net < 0
    assert result.credit == Decimal("19.33")  # 29 × 20/30 = 19.333…


def test_one_time_billing_prorates_nothing():
    result = prorate(
        paid_for_period=Decimal("100"),
        new_amount=Decimal("10"),
        period_start=None,
        period_end=None,
        now=START,
    )
    assert result.credit == 0 and result.charge == 0


@given(paid=amounts, new=amounts, now=moments)
def test_credit_never_exceeds_what_was_paid_and_nothing_is_negative(paid, new, now):
    result = prorate(
        paid_for_period=paid, new_amount=new, period_start=START, period_end=END, now=now
    )
    assert Decimal(0) <= result.credit <= paid
    assert Decimal(0) <= result.charge <= new
    assert result.credit.as_tuple().exponent == -2 and result.charge.as_tuple().exponent == -2


@given(now=moments)
def test_unused_fraction_is_between_zero_and_one(now):
    assert Decimal(0) <= unused_fraction(START, END, now) <= Decimal(1)
