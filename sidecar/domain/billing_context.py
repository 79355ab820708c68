"""What billing needs to know about the network, taken from the settings once per request."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..config import Settings


@dataclass(frozen=True)
class BillingContext:
    network_id: int
    tax_rate: Decimal
    due_days: int
    seller: dict


def billing_context(settings: Settings) -> BillingContext:
    """Build the context from ``[billing]`` and ``[wordpress]`` settings."""
    billing = settings.billing
    return BillingContext(
        network_id=settings.wordpress.network_id,
        tax_rate=Decimal(billing.tax_rate),
        due_days=billing.invoice_due_days,
        seller={
            "name": billing.seller_name,
            "address": [line for line in billing.seller_address.split("\n") if line.strip()],
            "email": billing.seller_email,
        },
    )
