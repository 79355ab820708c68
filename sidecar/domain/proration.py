"""Proration for plan changes, in exact decimals.

When a customer changes plan in the middle of a paid period, the unused part of what they paid
becomes a **credit**, and the unused part of the new plan's price becomes a **charge**:

    unused  = (period_end - now) / (period_end - period_start), clamped to [0, 1]
    credit  = paid_for_period × unused          (never more than what was paid)
    charge  = new_recurring_amount × unused
    net     = charge - credit                   (> 0: invoice now; < 0: credit for later)

Both are rounded half-up to cents. One-time plans (no period) prorate nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .money import ZERO, money


@dataclass(frozen=True)
class Proration:
    unused_fraction: Decimal
    credit: Decimal
    charge: Decimal

    @property
    def net(self) -> Decimal:
        """What the customer owes now (positive) or is owed (negative)."""
        return self.charge - self.credit


def unused_fraction(period_start: datetime, period_end: datetime, now: datetime) -> Decimal:
    """The share of the period still ahead of ``now``, between 0 and 1."""
    total = (period_end - period_start).total_seconds()
    if total <= 0:
        return Decimal(0)
    left = Decimal(str((period_end - now).total_seconds())) / Decimal(str(total))
    return min(Decimal(1), max(Decimal(0), left))


def prorate(
    *,
    paid_for_period: Decimal,
    new_amount: Decimal,
    period_start: datetime | None,
    period_end: datetime | None,
    now: datetime,
) -> Proration:
    """Return the credit for the unused part of ``paid_for_period`` and the charge for the
    rest of the period at ``new_amount``. No period (one-time billing) → nothing prorated."""
    if period_start is None or period_end is None:
        return Proration(Decimal(0), ZERO, ZERO)
    fraction = unused_fraction(period_start, period_end, now)
    credit = min(money(paid_for_period * fraction), money(max(paid_for_period, ZERO)))
    charge = money(max(new_amount, ZERO) * fraction)
    return Proration(fraction, max(credit, ZERO), charge)
