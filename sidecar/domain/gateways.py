"""Payment gateways: how a customer pays an invoice.

A gateway says how to pay (``instructions``) and starts a payment (``start_payment``). Only
``manual`` exists so far: a bank transfer — the invoice is issued with payment instructions, and
a network admin marks it paid when the money arrives (Network Admin → Invoices → Mark paid).
Card gateways will add a redirect to their checkout in ``start_payment``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from flask_babel import gettext, lazy_gettext

from ..errors import Invalid
from ..i18n import format_day

if TYPE_CHECKING:
    from .invoices import Invoice


@dataclass(frozen=True)
class PaymentStart:
    """What to do to pay: show ``instructions``, or send the customer to ``redirect_url``."""

    gateway: str
    instructions: str
    redirect_url: str | None = None


class Gateway(Protocol):
    key: str
    label: str

    def instructions(self, invoice: Invoice) -> str:
        """Tell the customer, in one paragraph, how to pay ``invoice``."""
        ...

    def start_payment(self, invoice: Invoice) -> PaymentStart:
        """Begin paying ``invoice``."""
        ...


class ManualGateway:
    """Bank transfer: the customer pays by transfer quoting the invoice number; an admin marks
    the invoice paid."""

    key = "manual"
    label = lazy_gettext("Bank transfer")

    def __init__(self, account_details: str = ""):
        self.account_details = account_details.strip()

    def instructions(self, invoice: Invoice) -> str:
        """Amount, reference to quote and due date of the transfer."""
        facts = {
            "amount": invoice.money(invoice.total),
            "account": self.account_details,
            "due": format_day(invoice.due_at),
            "number": invoice.display_number,
        }
        if self.account_details:
            first = gettext(
                "Please transfer %(amount)s to %(account)s by %(due)s, quoting %(number)s as the"
                " reference.",
                **facts,
            )
        else:
            first = gettext(
                "Please transfer %(amount)s by %(due)s, quoting %(number)s as the reference.",
                **facts,
            )
        return first + " " + gettext("The invoice is marked paid as soon as the transfer arrives.")

    def start_payment(self, invoice: Invoice) -> PaymentStart:
        """Nothing to start: the instructions are the payment."""
        return PaymentStart(self.key, self.instructions(invoice))


GATEWAYS: dict[str, Gateway] = {gateway.key: gateway for gateway in (ManualGateway(),)}


def get_gateway(key: str) -> Gateway:
    """Return the gateway registered as ``key``. Raises Invalid for an unknown key."""
    try:
        return GATEWAYS[key]
    except KeyError:
        raise Invalid(
            {"gateway": [gettext("Unknown payment method %(key)s.", key=repr(key))]}
        ) from None
