"""Hypothesis properties the other unit tests do not state yet: the PHP (un)serializer on
arbitrary and truncated input, money rounding, proration over time, domain-name validation."""

from __future__ import annotations

import contextlib
from datetime import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sidecar.domain.domain_names import DomainNameError, normalise
from sidecar.domain.money import money
from sidecar.domain.proration import prorate
from sidecar.wp_bridge import phpserial

SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=20)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def damaged(draw) -> bytes:
    """A valid serialization with one byte replaced (lengths, counts, tags go wrong)."""
    blob = phpserial.dumps(draw(VALUES))
    at = draw(st.integers(0, len(blob) - 1))
    return blob[:at] + bytes([draw(st.integers(0, 255))]) + blob[at + 1 :]


@given(st.binary(max_size=200) | damaged())
def test_unserializing_any_bytes_answers_or_refuses_cleanly(blob):
    with contextlib.suppress(phpserial.PHPSerialError):
        phpserial.loads(blob)


@given(VALUES, st.data())
def test_every_cut_of_a_serialization_is_refused(value, data):
    blob = phpserial.dumps(value)
    assert phpserial.is_serialized(blob)
    cut = data.draw(st.integers(0, len(blob) - 1))
    try:
        phpserial.loads(blob[:cut])
    except phpserial.PHPSerialError:
        return
    raise AssertionError(f"{blob[:cut]!r} (cut of {blob!r}) was accepted")


decimals = st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=6)


@given(decimals)
def test_money_is_idempotent(value):
    assert money(money(value)) == money(value)
    assert money(str(money(value))) == money(value)


@given(decimals, decimals)
def test_rounding_a_sum_is_within_a_cent_of_the_sum_of_roundings(a, b):
    assert abs(money(a + b) - (money(a) + money(b))) <= Decimal("0.01")


START, END = datetime(2026, 11, 1), datetime(2026, 12, 1)
moments = st.datetimes(min_value=datetime(2026, 10, 1), max_value=datetime(2027, 1, 1))
amounts = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False)


def _prorate(paid, new, now):
    return prorate(
        paid_for_period=paid, new_amount=new, period_start=START, period_end=END, now=now
    )


@given(amounts, amounts, moments, moments)
def test_the_later_the_change_the_smaller_credit_and_charge(paid, new, one, other):
    early, late = sorted((one, other))
    assert _prorate(paid, new, late).credit <= _prorate(paid, new, early).credit
    assert _prorate(paid, new, late).charge <= _prorate(paid, new, early).charge


@given(amounts, moments)
def test_changing_to_the_same_price_costs_nothing(paid, now):
    assert _prorate(paid, paid, now).net == 0


@given(st.text(max_size=80))
def test_normalised_names_are_fixed_points_and_valid_dns(text):
    try:
        name = normalise(text)
    except DomainNameError:
        return
    assert normalise(name) == name
    assert name.isascii() and name == name.lower() and len(name) <= 253
    for label in name.split("."):
        assert 1 <= len(label) <= 63
        assert not label.startswith("-") and not label.endswith("-")
