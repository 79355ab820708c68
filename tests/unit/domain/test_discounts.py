"""Discount arithmetic: never more than the amount, never negative, renewals respected."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sidecar.domain.discounts import DiscountCode, check_code, discount_for

amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)
percents = st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)


def percent(value, renewals=False) -> DiscountCode:
    return DiscountCode(1, "P", "percent", Decimal(value), applies_to_renewals=renewals)


def fixed(value, currency="EUR", renewals=False) -> DiscountCode:
    return DiscountCode(2, "F", "fixed", Decimal(value), currency, applies_to_renewals=renewals)


@given(amounts, percents, st.booleans(), st.booleans())
def test_a_percentage_never_exceeds_the_amount_nor_goes_negative(amount, pct, renewal, renews):
    off = discount_for(percent(pct, renews), amount, renewal=renewal)
    assert Decimal(0) <= off <= amount
    assert off.as_tuple().exponent == -2


@given(amounts, st.decimals(min_value=Decimal("0.01"), max_value=10**9, places=2))
def test_a_fixed_amount_never_exceeds_the_amount_nor_goes_negative(amount, value):
    off = discount_for(fixed(value), amount, renewal=False)
    assert Decimal(0) <= off <= amount
    assert off == min(value, amount)


@given(amounts)
def test_one_hundred_percent_is_the_full_amount(amount):
    assert discount_for(percent(100), amount, renewal=False) == amount


@given(amounts, percents)
def test_first_payment_codes_give_nothing_on_renewals(amount, pct):
    assert discount_for(percent(pct), amount, renewal=True) == 0
    assert discount_for(percent(pct, renewals=True), amount, renewal=True) == discount_for(
        percent(pct), amount, renewal=False
    )


def test_percentages_round_half_up_to_the_cent():
    assert discount_for(percent(10), Decimal("9.95"), renewal=False) == Decimal("1.00")
    assert discount_for(percent("12.5"), Decimal("29.00"), renewal=False) == Decimal("3.63")
    assert discount_for(percent(10), Decimal("-5"), renewal=False) == 0


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"kind": "percent", "amount": "0"}, "amount", "more than 0 and at most 100"),
        ({"kind": "percent", "amount": "100.01"}, "amount", "more than 0 and at most 100"),
        ({"kind": "fixed", "amount": "0", "currency": "EUR"}, "amount", "more than 0"),
        ({"kind": "fixed", "amount": "5"}, "currency", "currency of a fixed discount"),
        ({"kind": "fixed", "amount": "5", "currency": "XYZ"}, "currency", "Unknown currency XYZ"),
        ({"code": "a b"}, "code", "3 to 40"),
        ({"max_uses": 0}, "max_uses", "1 or more"),
    ],
)
def test_check_code_names_the_field(data, field, words):
    problems = check_code(data)
    assert words in " ".join(problems[field])


def test_a_sound_code_has_no_problems():
    data = {"code": "WELCOME10", "kind": "percent", "amount": Decimal(10), "max_uses": 5}
    assert check_code(data, complete=True) == {}
