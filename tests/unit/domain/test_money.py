"""Money: parsing, quantising (ROUND_HALF_UP) and formatting for people."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sidecar.domain.money import CURRENCIES, format_money, money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.5", "12.50"),
        (" 9 ", "9.00"),
        (7, "7.00"),
        (Decimal("0.005"), "0.01"),
        (Decimal("0.004"), "0.00"),
        (Decimal("2.675"), "2.68"),
        ("-1.005", "-1.01"),
        (0.1, "0.10"),
    ],
)
def test_money_parses_and_rounds_half_up(value, expected):
    assert money(value) == Decimal(expected)
    assert str(money(value)) == expected


@pytest.mark.parametrize("value", ["", "abc", "1,5", "NaN", "Infinity", None, True, [1]])
def test_money_refuses_what_is_not_an_amount(value):
    with pytest.raises(ValueError):
        money(value)


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9))
def test_money_is_always_two_places_and_within_half_a_cent(value):
    amount = money(value)
    assert amount.as_tuple().exponent == -2
    assert abs(amount - value) <= Decimal("0.005")


def test_format_money_for_people():
    assert format_money(Decimal("12.5"), "EUR") == "€ 12.50"
    assert format_money(Decimal("12.5"), "USD") == "$12.50"
    assert format_money(Decimal("12.5"), "CHF") == "12.50 CHF"
    assert format_money(Decimal("1250"), "GBP") == "£1,250.00"
    assert format_money(Decimal("-3"), "EUR") == "-€ 3.00"
    assert format_money("0", "chf") == "0.00 CHF"


def test_currencies_are_iso_codes():
    assert {"EUR", "USD", "GBP", "CHF"} <= set(CURRENCIES)
    assert all(len(code) == 3 and code.isupper() for code in CURRENCIES)
    assert len(set(CURRENCIES)) == len(CURRENCIES)
